import { clock, longDate, monthYear, shortDate, tickerDay, tickerHour, tickerMinute, tickerMonth } from './dates.js';
import type { Rng } from './rng.js';
import type { SeriesSeed } from './shapes.js';
import { US_PER_DAY, US_PER_HOUR, US_PER_MINUTE } from './time.js';
import type { SettlementSource, SimSeries } from './types.js';
import {
  ASSETS,
  ATP_PLAYERS,
  CANDIDATES,
  CITIES,
  COUNTRIES,
  CS2_TEAMS,
  EARLY_CLOSE_EVENT,
  EARLY_CLOSE_WINNER,
  EPL_TEAMS,
  LALIGA_TEAMS,
  LEAGUE_DISCLAIMER,
  MLB_TEAMS,
  NFL_TEAMS,
  SERIEA_TEAMS,
  WTA_PLAYERS,
} from './vocab.js';
import type { Asset, City, Named } from './vocab.js';

/** One market of a generated event, before status and times are applied. */
export interface MarketDraft {
  suffix: string;
  title: string;
  yesSubTitle: string;
  noSubTitle: string;
  rulesPrimary: string;
  rulesSecondary: string;
  strikeType?: 'greater' | 'less' | 'between' | 'structured' | 'custom';
  floorStrike?: number;
  capStrike?: number;
  customStrike?: Record<string, string>;
  earlyClose?: string;
  /** What the market resolves on if the generator settles it ("TEX" wins, "4680.12"…). */
  outcome?: string;
}

export interface EventDraft {
  /** Event ticker without the series prefix (`26AUG241940TEXCWS`). */
  suffix: string;
  title: string;
  subTitle: string;
  mutuallyExclusive: boolean;
  markets: MarketDraft[];
}

/** How a series' events sit in time, relative to the occurrence (game start, strike time…). */
export interface Timing {
  /** Creation happens this long before the occurrence. */
  leadUs: readonly [number, number];
  /** Scheduled close, after the occurrence. */
  closeAfterUs: number;
  /** `expected_expiration_time`, after the occurrence. */
  expectedAfterUs: number;
  /** `latest_expiration_time`, after the scheduled close. */
  latestAfterCloseUs: number;
  /** Tickers encode the occurrence at this granularity; colliding events move by one slot. */
  slotUs: number;
  settlementTimerSeconds: number;
}

export interface SeriesSpec {
  seed: SeriesSeed;
  timing: Timing;
  makeEvent(rng: Rng, occurrenceUs: number): EventDraft;
}

export interface Family {
  name: string;
  /** Share of generated (non-combo) markets. */
  weight: number;
  specs: SeriesSpec[];
}

const SPORTS_TIMING: Timing = {
  leadUs: [1 * US_PER_DAY, 7 * US_PER_DAY],
  closeAfterUs: 2 * US_PER_DAY,
  expectedAfterUs: 3 * US_PER_HOUR,
  latestAfterCloseUs: 0,
  // Game tickers carry the start minute; games start on five-minute marks.
  slotUs: 5 * US_PER_MINUTE,
  settlementTimerSeconds: 300,
};

const ESPN: SettlementSource[] = [{ name: 'ESPN', url: 'https://www.espn.com' }];

const SPORTS_PROHIBITIONS = [
  'Paid employees of the league and league participants',
  'Owners of teams and the league',
  'and household members and immediate family of all above',
  'Persons who are employed by any of the Source Agencies are not permitted to trade on the Contract.',
  'Persons who hold any material, non-public information on the Underlying are not permitted to trade on the Contract.',
];

interface League {
  code: string;
  short: string;
  name: string;
  sport: string;
  unit: string;
  teamKey: string;
  teams: readonly Named[];
  soccer: boolean;
  total: number;
  spread: number;
  /** Quarter markets (NFL): extra TOTAL/SPREAD series per period. */
  periods?: readonly { code: string; label: string; share: number }[];
}

const LEAGUES: readonly League[] = [
  { code: 'MLB', short: 'MLB', name: 'professional baseball', sport: 'baseball', unit: 'runs', teamKey: 'baseball_team', teams: MLB_TEAMS, soccer: false, total: 8.5, spread: 1.5 },
  {
    code: 'NFL', short: 'Pro Football', name: 'Pro Football', sport: 'football', unit: 'points', teamKey: 'football_team', teams: NFL_TEAMS, soccer: false, total: 44.5, spread: 3.5,
    periods: [
      { code: '1Q', label: '1st Quarter', share: 0.22 },
      { code: '2Q', label: '2nd Quarter', share: 0.3 },
      { code: '3Q', label: '3rd Quarter', share: 0.22 },
      { code: '4Q', label: '4th Quarter', share: 0.3 },
    ],
  },
  { code: 'EPL', short: 'EPL', name: 'English Premier League', sport: 'soccer', unit: 'goals', teamKey: 'soccer_team', teams: EPL_TEAMS, soccer: true, total: 2.5, spread: 1.5 },
  { code: 'LALIGA', short: 'La Liga', name: 'La Liga', sport: 'soccer', unit: 'goals', teamKey: 'soccer_team', teams: LALIGA_TEAMS, soccer: true, total: 2.5, spread: 1.5 },
  { code: 'SERIEA', short: 'Serie A', name: 'Serie A', sport: 'soccer', unit: 'goals', teamKey: 'soccer_team', teams: SERIEA_TEAMS, soccer: true, total: 2.5, spread: 1.5 },
];

interface Game {
  away: Named;
  home: Named;
  ids: Map<string, string>;
  date: string;
  desc: string;
  eventSuffix: string;
}

function drawGame(rng: Rng, league: League, occurrenceUs: number, ids: Map<string, string>): Game {
  const away = rng.pick(league.teams);
  let home = rng.pick(league.teams);
  while (home[0] === away[0]) home = rng.pick(league.teams);
  const date = league.soccer ? shortDate(occurrenceUs) : `${shortDate(occurrenceUs)} at ${clock(occurrenceUs)} EDT`;
  const when = league.soccer ? tickerDay(occurrenceUs) : tickerMinute(occurrenceUs);
  return {
    away,
    home,
    ids,
    date,
    desc: `${away[1]} vs ${home[1]} ${league.name} ${league.sport === 'soccer' ? 'soccer ' : ''}game originally scheduled for ${date}`,
    eventSuffix: `${when}${away[0]}${home[0]}`,
  };
}

function teamId(game: Game, rng: Rng, team: Named): string {
  let id = game.ids.get(team[0]);
  if (id === undefined) {
    id = rng.uuid();
    game.ids.set(team[0], id);
  }
  return id;
}

function postponement(game: Game): string {
  return `The following market refers to the ${game.desc}. If the game is postponed, the market will close and expire after the rescheduled game has finished (within two weeks). If the game is cancelled or not completed, the market will resolve to the fair market price in accordance with the rules.\n\n${LEAGUE_DISCLAIMER}`;
}

function leagueFamilies(league: League): SeriesSpec[] {
  const ids = new Map<string, string>();
  const seed = (suffix: string, title: string): SeriesSeed => ({
    ticker: `KX${league.code}${suffix}`,
    title,
    category: 'Sports',
    tags: [league.sport === 'soccer' ? 'Soccer' : league.sport === 'baseball' ? 'Baseball' : 'Football'],
    settlementSources: ESPN,
    prohibitions: SPORTS_PROHIBITIONS,
  });
  const regulation = league.soccer ? ' after 90 minutes plus stoppage time (does not include extra time or penalties)' : '';

  const game: SeriesSpec = {
    seed: seed('GAME', `${league.short} Game`),
    timing: SPORTS_TIMING,
    makeEvent(rng, occurrenceUs) {
      const g = drawGame(rng, league, occurrenceUs, ids);
      const winner = rng.pick(league.soccer ? [g.away, g.home, ['TIE', 'Tie'] as Named] : [g.away, g.home]);
      const teams = league.soccer ? [g.away, g.home, ['TIE', 'Tie'] as Named] : [g.away, g.home];
      return {
        suffix: g.eventSuffix,
        title: `${g.away[1]} vs ${g.home[1]}`,
        subTitle: `${g.away[0]} vs ${g.home[0]} (${shortDate(occurrenceUs).replace(/, \d+$/, '')})`,
        mutuallyExclusive: true,
        markets: teams.map((team) => ({
          suffix: team[0],
          title: `${g.away[1]} vs ${g.home[1]} Winner?`,
          yesSubTitle: team[1],
          noSubTitle: team[1],
          rulesPrimary:
            team[0] === 'TIE'
              ? `If the ${g.desc} ends in a tie${regulation}, then the market resolves to Yes.`
              : `If ${team[1]} wins the ${g.desc}${regulation}, then the market resolves to Yes.`,
          rulesSecondary: postponement(g),
          strikeType: 'structured',
          ...(team[0] === 'TIE' ? {} : { customStrike: { [league.teamKey]: teamId(g, rng, team) } }),
          earlyClose: EARLY_CLOSE_WINNER,
          outcome: winner[0] === team[0] ? 'yes' : 'no',
        })),
      };
    },
  };

  const total = (period: { code: string; label: string; share: number } | null): SeriesSpec => ({
    seed: seed(`${period?.code ?? ''}TOTAL`, `${league.short} ${period ? `${period.label} ` : ''}Total`),
    timing: SPORTS_TIMING,
    makeEvent(rng, occurrenceUs) {
      const g = drawGame(rng, league, occurrenceUs, ids);
      const center = period === null ? league.total : Math.round(league.total * period.share) + 0.5;
      const unit = period === null ? league.unit : `${period.code} ${league.unit}`;
      const lines = ladder(center, rng.int(4, 8), 1);
      const scope = period === null ? '' : ` in the ${period.label} (excluding overtime) `;
      return {
        suffix: g.eventSuffix,
        title: `${g.away[1]} vs ${g.home[1]}: ${period ? `${period.label} ` : ''}Total ${league.sport === 'soccer' ? 'Goals' : 'Points'}`,
        subTitle: `${g.away[0]} vs ${g.home[0]}`,
        mutuallyExclusive: false,
        markets: lines.map((line) => ({
          suffix: String(Math.ceil(line)),
          title: `Will there be over ${line} ${unit} scored?`,
          yesSubTitle: `Over ${line} ${unit} scored`,
          noSubTitle: `Over ${line} ${unit} scored`,
          rulesPrimary: `If ${g.away[1]} and ${g.home[1]} collectively score more than ${line} ${league.unit}${scope || ' in the '}${scope ? 'of the ' : ''}${g.desc}${regulation}, then the market resolves to Yes.`,
          rulesSecondary: `${period ? `Only ${league.unit} scored during the ${period.label} (excluding overtime) of play count towards this market.` : `Only ${league.unit} scored in regulation count towards this market.`}\n\n${LEAGUE_DISCLAIMER}`,
          strikeType: 'greater',
          floorStrike: line,
          earlyClose: EARLY_CLOSE_EVENT,
        })),
      };
    },
  });

  const spread = (period: { code: string; label: string; share: number } | null): SeriesSpec => ({
    seed: seed(`${period?.code ?? ''}SPREAD`, `${league.short} ${period ? `${period.label} ` : ''}Spread`),
    timing: SPORTS_TIMING,
    makeEvent(rng, occurrenceUs) {
      const g = drawGame(rng, league, occurrenceUs, ids);
      const base = period === null ? league.spread : 0.5;
      const markets: MarketDraft[] = [];
      for (const team of [g.away, g.home]) {
        for (const line of ladder(base + 1, rng.int(2, 4), 1).filter((value) => value > 0)) {
          markets.push({
            suffix: `${team[0]}${Math.ceil(line)}`,
            title: `Will ${team[1]} win by over ${line} ${league.unit}${period ? ` in the ${period.label}` : ''}?`,
            yesSubTitle: `${team[1]} wins by over ${line} ${league.unit}`,
            noSubTitle: `${team[1]} wins by over ${line} ${league.unit}`,
            rulesPrimary: `If ${team[1]} wins by more than ${line} ${league.unit}${period ? ` in the ${period.label}` : ''} in the ${g.desc}${regulation}, then the market resolves to Yes.`,
            rulesSecondary: postponement(g),
            strikeType: 'greater',
            floorStrike: line,
            customStrike: { [league.teamKey]: teamId(g, rng, team) },
            earlyClose: EARLY_CLOSE_WINNER,
          });
        }
      }
      return {
        suffix: g.eventSuffix,
        title: `${g.away[1]} vs ${g.home[1]}: ${period ? `${period.label} ` : ''}Spread`,
        subTitle: `${g.away[0]} vs ${g.home[0]}`,
        mutuallyExclusive: false,
        markets,
      };
    },
  });

  const specs = [game, total(null), spread(null)];
  for (const period of league.periods ?? []) specs.push(total(period), spread(period));
  if (league.soccer) {
    specs.push({
      seed: seed('BTTS', `${league.short} Both Teams To Score`),
      timing: SPORTS_TIMING,
      makeEvent(rng, occurrenceUs) {
        const g = drawGame(rng, league, occurrenceUs, ids);
        return {
          suffix: g.eventSuffix,
          title: `${g.away[1]} vs ${g.home[1]}: Both Teams To Score`,
          subTitle: `${g.away[0]} vs ${g.home[0]}`,
          mutuallyExclusive: false,
          markets: [
            {
              suffix: 'BTTS',
              title: 'Both teams score?',
              yesSubTitle: 'Both Teams To Score',
              noSubTitle: 'Both Teams To Score',
              rulesPrimary: `If ${g.away[1]} and ${g.home[1]} both score a goal in the ${g.desc}${regulation}, then the market resolves to Yes.`,
              rulesSecondary: `Own goals count towards the team awarded the goal.\n\n${LEAGUE_DISCLAIMER}`,
              earlyClose: EARLY_CLOSE_EVENT,
            },
          ],
        };
      },
    });
  }
  return specs;
}

function matchFamily(ticker: string, title: string, players: readonly Named[], key: string, what: string, tags: string[]): SeriesSpec {
  const ids = new Map<string, string>();
  return {
    seed: { ticker, title, category: 'Sports', tags, settlementSources: ESPN, prohibitions: SPORTS_PROHIBITIONS },
    timing: { ...SPORTS_TIMING, closeAfterUs: 14 * US_PER_DAY, settlementTimerSeconds: 116 },
    makeEvent(rng, occurrenceUs) {
      const a = rng.pick(players);
      let b = rng.pick(players);
      while (b[0] === a[0]) b = rng.pick(players);
      const desc = `${a[1]} vs ${b[1]} ${what} originally scheduled for ${shortDate(occurrenceUs)} at ${clock(occurrenceUs)} EDT`;
      const winner = rng.pick([a, b]);
      return {
        suffix: `${tickerMinute(occurrenceUs)}${a[0]}${b[0]}`,
        title: `${a[1]} vs ${b[1]}`,
        subTitle: `${a[0]} vs ${b[0]}`,
        mutuallyExclusive: true,
        markets: [a, b].map((player) => {
          let id = ids.get(player[0]);
          if (id === undefined) {
            id = rng.uuid();
            ids.set(player[0], id);
          }
          return {
            suffix: player[0],
            title: `${player[1]} wins`,
            yesSubTitle: player[1],
            noSubTitle: player[1],
            rulesPrimary: `If ${player[1]} wins the ${desc}, then the market resolves to Yes.`,
            rulesSecondary: `The following market refers to the full match in the ${desc}.\nIf the relevant match is postponed and not started within 48 hours of its originally scheduled start time, the market will resolve to the fair market price.\nIf the relevant match is cancelled before play begins, the market will resolve to the fair market price.\nIf a retirement occurs, the market will resolve according to the official result published by the governing body.\n\n${LEAGUE_DISCLAIMER}`,
            strikeType: 'structured',
            customStrike: { [key]: id },
            earlyClose: EARLY_CLOSE_WINNER,
            outcome: player === winner ? 'yes' : 'no',
          };
        }),
      };
    },
  };
}

function priceFamily(asset: Asset, hourly: boolean): SeriesSpec {
  const ticker = `KX${asset.code}${hourly ? 'H' : 'D'}`;
  return {
    seed: {
      ticker,
      title: `${capitalise(asset.name)} price ${hourly ? '(hourly)' : '(daily)'}`,
      category: asset.category,
      frequency: hourly ? 'hourly' : 'daily',
      tags: [asset.category === 'Crypto' ? asset.name : 'Commodities'],
      settlementSources: [asset.source],
    },
    timing: {
      leadUs: hourly ? [2 * US_PER_HOUR, 26 * US_PER_HOUR] : [1 * US_PER_DAY, 3 * US_PER_DAY],
      closeAfterUs: 0,
      expectedAfterUs: 0,
      latestAfterCloseUs: 7 * US_PER_DAY,
      slotUs: hourly ? US_PER_HOUR : US_PER_DAY,
      settlementTimerSeconds: 3600,
    },
    makeEvent(rng, occurrenceUs) {
      const center = asset.base * rng.between(0.97, 1.03);
      const step = niceStep(asset.base * 0.0025);
      const count = rng.int(10, 24);
      const first = Math.round(center / step - count / 2) * step;
      const at = `${longDate(occurrenceUs)} at ${clock(occurrenceUs)} ET`;
      const realized = center + rng.between(-step * 3, step * 3);
      const markets: MarketDraft[] = [];
      for (let i = 0; i < count; i += 1) {
        const strike = round(first + i * step - 10 ** -asset.decimals, asset.decimals);
        const shown = strike.toFixed(asset.decimals);
        markets.push({
          suffix: `T${shown}`,
          title: `Will the ${asset.name} close price be above ${shown} ${asset.unit} on ${at}?`,
          yesSubTitle: `Above $${shown}`,
          noSubTitle: `Above $${shown}`,
          rulesPrimary: `If the close price of the 1-minute candlestick for ${asset.name} on ${at} is above ${shown} ${asset.unit}, then the market resolves to Yes.`,
          rulesSecondary: `The settlement value is rounded to the nearest ${asset.decimals} decimal places. When confirming the settlement value, note the close price for the 1-minute candlestick at a given time is the price at the end of the immediately preceding one-minute interval. If no data is published by ${asset.source.name} for the specified time, then the most recently available published data will be used to resolve the market.`,
          strikeType: 'greater',
          floorStrike: strike,
          ...(asset.category === 'Financials' ? { customStrike: { front_month_contract: 'NA' } } : {}),
          outcome: realized > strike ? 'yes' : 'no',
        });
      }
      return {
        suffix: hourly ? tickerHour(occurrenceUs) : tickerDay(occurrenceUs),
        title: `${capitalise(asset.name)} price on ${shortDate(occurrenceUs)}${hourly ? ` at ${clock(occurrenceUs)} EDT` : ''}?`,
        subTitle: `On ${shortDate(occurrenceUs)}`,
        mutuallyExclusive: false,
        markets,
      };
    },
  };
}

function highTempFamily(city: City): SeriesSpec {
  return {
    seed: {
      ticker: `KXHIGH${city.code}`,
      title: `Highest temperature in ${city.name}`,
      category: 'Climate and Weather',
      frequency: 'daily',
      tags: ['Daily temperature'],
      settlementSources: [{ name: 'National Weather Service', url: 'https://www.weather.gov' }],
    },
    timing: {
      leadUs: [1 * US_PER_DAY, 2 * US_PER_DAY],
      closeAfterUs: 14 * US_PER_HOUR,
      expectedAfterUs: 10 * US_PER_HOUR,
      latestAfterCloseUs: 7 * US_PER_DAY,
      slotUs: US_PER_DAY,
      settlementTimerSeconds: 3600,
    },
    makeEvent(rng, occurrenceUs) {
      const low = city.normalHigh + rng.int(-6, 2);
      const date = shortDate(occurrenceUs);
      const realized = low + rng.int(-2, 11);
      const report = `as reported by the National Weather Service's Climatological Report (Daily) for ${city.station}`;
      const markets: MarketDraft[] = [
        {
          suffix: `T${low}`,
          title: `Will the high temp in ${city.name} be <${low}° on ${date}?`,
          yesSubTitle: `${low - 1}° or below`,
          noSubTitle: `${low - 1}° or below`,
          rulesPrimary: `If the highest temperature recorded in ${city.name} for ${date} is less than ${low}°, ${report}, then the market resolves to Yes.`,
          rulesSecondary: WEATHER_RULES,
          strikeType: 'less',
          capStrike: low,
          outcome: realized < low ? 'yes' : 'no',
        },
      ];
      for (let from = low; from < low + 8; from += 2) {
        markets.push({
          suffix: `B${from + 0.5}`,
          title: `Will the high temp in ${city.name} be ${from}-${from + 1}° on ${date}?`,
          yesSubTitle: `${from}° to ${from + 1}°`,
          noSubTitle: `${from}° to ${from + 1}°`,
          rulesPrimary: `If the highest temperature recorded in ${city.name} for ${date} is between ${from}° and ${from + 1}°, ${report}, then the market resolves to Yes.`,
          rulesSecondary: WEATHER_RULES,
          strikeType: 'between',
          floorStrike: from,
          capStrike: from + 1,
          outcome: realized >= from && realized <= from + 1 ? 'yes' : 'no',
        });
      }
      markets.push({
        suffix: `T${low + 7}`,
        title: `Will the high temp in ${city.name} be >${low + 7}° on ${date}?`,
        yesSubTitle: `${low + 8}° or above`,
        noSubTitle: `${low + 8}° or above`,
        rulesPrimary: `If the highest temperature recorded in ${city.name} for ${date} is greater than ${low + 7}°, ${report}, then the market resolves to Yes.`,
        rulesSecondary: WEATHER_RULES,
        strikeType: 'greater',
        floorStrike: low + 7,
        outcome: realized > low + 7 ? 'yes' : 'no',
      });
      return {
        suffix: tickerDay(occurrenceUs),
        title: `Highest temperature in ${city.name} on ${date}?`,
        subTitle: `On ${date}`,
        mutuallyExclusive: true,
        markets,
      };
    },
  };
}

const WEATHER_RULES =
  'Not all weather data is the same. While checking a source like Google or your phone weather app can help guide your decision, the last (final) report issued by the National Weather Service is the source of truth for this market. If the final report is not published within 2 days, the market resolves to the preliminary report.';

interface Indicator {
  ticker: string;
  title: string;
  category: string;
  question: (value: string, period: string) => string;
  subTitle: (value: string) => string;
  unit: string;
  center: number;
  step: number;
  decimals: number;
  source: SettlementSource;
  monthly: boolean;
}

const INDICATORS: readonly Indicator[] = [
  {
    ticker: 'KXFED', title: 'Fed funds rate', category: 'Economics', unit: '%', center: 4.0, step: 0.25, decimals: 2, monthly: true,
    question: (value, period) => `Will the upper bound of the federal funds rate be above ${value}% following the Fed's ${period} meeting?`,
    subTitle: (value) => `Above ${value}%`,
    source: { name: 'Federal Reserve Board of Governors', url: 'https://www.federalreserve.gov/monetarypolicy/fomccalendars.htm' },
  },
  {
    ticker: 'KXCPI', title: 'CPI', category: 'Economics', unit: '%', center: 0.3, step: 0.1, decimals: 1, monthly: true,
    question: (value, period) => `Will CPI rise more than ${value}% in ${period}?`,
    subTitle: (value) => `Above ${value}%`,
    source: { name: 'Bureau of Labor Statistics', url: 'https://www.bls.gov/cpi/' },
  },
  {
    ticker: 'KXPAYROLLS', title: 'Jobs numbers', category: 'Economics', unit: 'k', center: 120, step: 25, decimals: 0, monthly: true,
    question: (value, period) => `Will the economy add more than ${value}k jobs in ${period}?`,
    subTitle: (value) => `Above ${value}k`,
    source: { name: 'Bureau of Labor Statistics', url: 'https://www.bls.gov/ces/' },
  },
  {
    ticker: 'KXGASPRICE', title: 'US gas prices', category: 'Economics', unit: '$', center: 3.15, step: 0.05, decimals: 2, monthly: false,
    question: (value, period) => `Will the average US gas price be above $${value} on ${period}?`,
    subTitle: (value) => `Above $${value}`,
    source: { name: 'AAA', url: 'https://gasprices.aaa.com' },
  },
];

function indicatorFamily(indicator: Indicator): SeriesSpec {
  return {
    seed: {
      ticker: indicator.ticker,
      title: indicator.title,
      category: indicator.category,
      frequency: indicator.monthly ? 'monthly' : 'weekly',
      tags: [indicator.monthly ? 'Macro' : 'Gas prices'],
      settlementSources: [indicator.source],
    },
    timing: {
      leadUs: indicator.monthly ? [20 * US_PER_DAY, 60 * US_PER_DAY] : [5 * US_PER_DAY, 9 * US_PER_DAY],
      closeAfterUs: 0,
      expectedAfterUs: 2 * US_PER_HOUR,
      latestAfterCloseUs: 7 * US_PER_DAY,
      slotUs: indicator.monthly ? 31 * US_PER_DAY : 7 * US_PER_DAY,
      settlementTimerSeconds: 1800,
    },
    makeEvent(rng, occurrenceUs) {
      const period = indicator.monthly ? monthYear(occurrenceUs) : longDate(occurrenceUs);
      const count = rng.int(4, 9);
      const realized = indicator.center + rng.between(-2, 2) * indicator.step;
      const markets: MarketDraft[] = [];
      for (let i = 0; i < count; i += 1) {
        const value = round(indicator.center + (i - Math.floor(count / 2)) * indicator.step, indicator.decimals);
        const shown = value.toFixed(indicator.decimals);
        markets.push({
          suffix: `T${shown}`,
          title: indicator.question(shown, period),
          yesSubTitle: indicator.subTitle(shown),
          noSubTitle: indicator.subTitle(shown),
          rulesPrimary: `If ${indicator.title.toLowerCase()} for ${period}, as first reported by ${indicator.source.name}, is above ${shown}${indicator.unit === '$' ? '' : indicator.unit}, then the market resolves to Yes.`,
          rulesSecondary: `Revisions after the first release are not considered. If the release is delayed, the market will remain open until the data is published.`,
          strikeType: 'greater',
          floorStrike: value,
          outcome: realized > value ? 'yes' : 'no',
        });
      }
      return {
        suffix: indicator.monthly ? tickerMonth(occurrenceUs) : tickerDay(occurrenceUs),
        title: `${indicator.title} in ${period}`,
        subTitle: period,
        mutuallyExclusive: false,
        markets,
      };
    },
  };
}

/** The real series of series_list.json (Health, Science and Technology), with generic threshold markets. */
function listedFamily(series: SimSeries): SeriesSpec {
  const monthly = series.frequency === 'monthly' || series.frequency === 'annual' || series.frequency === 'one_off';
  const sources = Array.isArray(series.settlement_sources) ? (series.settlement_sources as SettlementSource[]) : [];
  const sourceName = sources[0]?.name ?? 'the source agency';
  const scale = 10 ** (1 + (hashString(series.ticker) % 4));
  return {
    seed: {
      ticker: series.ticker,
      title: series.title,
      category: series.category,
      frequency: series.frequency,
      tags: series.tags,
      settlementSources: sources,
      ...(typeof series.last_updated_ts === 'string' ? { lastUpdated: series.last_updated_ts } : {}),
    },
    timing: {
      leadUs: monthly ? [20 * US_PER_DAY, 45 * US_PER_DAY] : [5 * US_PER_DAY, 10 * US_PER_DAY],
      closeAfterUs: 0,
      expectedAfterUs: 5 * US_PER_DAY,
      latestAfterCloseUs: 14 * US_PER_DAY,
      slotUs: monthly ? 31 * US_PER_DAY : 7 * US_PER_DAY,
      settlementTimerSeconds: 1800,
    },
    makeEvent(rng, occurrenceUs) {
      const period = monthly ? monthYear(occurrenceUs) : `the week ending ${longDate(occurrenceUs)}`;
      const count = rng.int(2, 6);
      const realized = scale * rng.between(0.5, 3.5);
      const markets: MarketDraft[] = [];
      for (let i = 1; i <= count; i += 1) {
        const value = scale * i * 0.5;
        const shown = value.toLocaleString('en-US');
        markets.push({
          suffix: `T${value}`,
          title: `${series.title}: above ${shown} for ${period}?`,
          yesSubTitle: `Above ${shown}`,
          noSubTitle: `Above ${shown}`,
          rulesPrimary: `If the ${series.title.toLowerCase()} for ${period}, as reported by ${sourceName}, is above ${shown}, then the market resolves to Yes.`,
          rulesSecondary: `The market will be settled using the first figure published by ${sourceName} after the end of the period. Later revisions are not considered.`,
          strikeType: 'greater',
          floorStrike: value,
          outcome: realized > value ? 'yes' : 'no',
        });
      }
      return {
        suffix: monthly ? tickerMonth(occurrenceUs) : tickerDay(occurrenceUs),
        title: `${series.title} for ${period}`,
        subTitle: period,
        mutuallyExclusive: false,
        markets,
      };
    },
  };
}

interface Question {
  ticker: string;
  title: string;
  category: string;
  /** One market per subject (a yes/no question) or per candidate (mutually exclusive). */
  kind: 'question' | 'candidates';
  ask: (subject: string, date: string) => string;
  subjects: readonly Named[];
}

const countries: readonly Named[] = COUNTRIES.map((name) => [name.slice(0, 3).toUpperCase(), name]);

const QUESTIONS: readonly Question[] = [
  { ticker: 'KXSNAPELECTION', title: 'Snap elections', category: 'Elections', kind: 'question', subjects: countries, ask: (c, d) => `Will ${c} hold a snap national election before ${d}?` },
  { ticker: 'KXNEXTLEADER', title: 'Next head of government', category: 'Elections', kind: 'candidates', subjects: CANDIDATES, ask: (c, d) => `Will ${c} be the next head of government before ${d}?` },
  { ticker: 'KXNATOJOIN', title: 'New NATO members', category: 'World', kind: 'question', subjects: countries, ask: (c, d) => `Will ${c} apply to join a new defence alliance before ${d}?` },
  { ticker: 'KXRATECUT', title: 'Central bank rate cuts', category: 'Economics', kind: 'question', subjects: countries, ask: (c, d) => `Will the central bank of ${c} cut rates before ${d}?` },
  { ticker: 'KXPARTYLEADER', title: 'Next party leader', category: 'Politics', kind: 'candidates', subjects: CANDIDATES, ask: (c, d) => `Will ${c} become party leader before ${d}?` },
  { ticker: 'KXGOVSHUTDOWN', title: 'Government shutdown', category: 'Politics', kind: 'question', subjects: [['US', 'the US federal government']], ask: (c, d) => `Will ${c} shut down before ${d}?` },
  { ticker: 'KXMARSLAND', title: 'Crewed Mars landing', category: 'Science and Technology', kind: 'question', subjects: [['HUM', 'humans']], ask: (c, d) => `Will ${c} land on Mars before ${d}?` },
  { ticker: 'KXAIMODEL', title: 'AI model releases', category: 'Science and Technology', kind: 'question', subjects: [['OSS', 'an open-weights model'], ['LAB', 'a frontier lab model']], ask: (c, d) => `Will ${c} top the public leaderboard before ${d}?` },
  { ticker: 'KXWARMINGYR', title: 'Global warming', category: 'Climate and Weather', kind: 'question', subjects: [['15C', 'the 1.5°C threshold'], ['2C', 'the 2°C threshold']], ask: (c, d) => `Will the annual global temperature exceed ${c} before ${d}?` },
  { ticker: 'KXHURRICANE', title: 'Hurricane landfalls', category: 'Climate and Weather', kind: 'question', subjects: [['CAT4', 'a Category 4 hurricane'], ['CAT5', 'a Category 5 hurricane']], ask: (c, d) => `Will ${c} make US landfall before ${d}?` },
];

function questionFamily(question: Question): SeriesSpec {
  return {
    seed: {
      ticker: question.ticker,
      title: question.title,
      category: question.category,
      frequency: 'one_off',
      tags: null,
      settlementSources: [
        { name: 'Reuters', url: 'https://www.reuters.com' },
        { name: 'the Associated Press', url: 'https://www.ap.org' },
      ],
    },
    timing: {
      leadUs: [30 * US_PER_DAY, 540 * US_PER_DAY],
      closeAfterUs: 0,
      expectedAfterUs: 10 * US_PER_HOUR,
      latestAfterCloseUs: 7 * US_PER_DAY,
      slotUs: US_PER_DAY,
      settlementTimerSeconds: 1800,
    },
    makeEvent(rng, occurrenceUs) {
      const date = longDate(occurrenceUs);
      const subjects = question.kind === 'candidates' ? pickSome(rng, question.subjects, rng.int(3, 8)) : [rng.pick(question.subjects)];
      const winner = rng.pick(subjects);
      const head = subjects[0] as Named;
      return {
        suffix: `${tickerDay(occurrenceUs)}${question.kind === 'candidates' ? '' : head[0]}`,
        title: question.kind === 'candidates' ? `${question.title} before ${date}?` : question.ask(head[1], date),
        subTitle: `Before ${date}`,
        mutuallyExclusive: question.kind === 'candidates',
        markets: subjects.map((subject) => ({
          suffix: subject[0],
          title: question.ask(subject[1], date),
          yesSubTitle: subject[1],
          noSubTitle: subject[1],
          rulesPrimary: `If ${question.ask(subject[1], date).replace(/^Will /, '').replace(/\?$/, '')}, as reported by reputable news sources, then the market resolves to Yes.`,
          rulesSecondary: 'The outcome is verified from Reuters, the Associated Press and other reputable news sources. If the event has not happened by the deadline, the market resolves to No.',
          earlyClose: EARLY_CLOSE_EVENT,
          outcome: question.kind === 'candidates' ? (subject === winner ? 'yes' : 'no') : rng.chance(0.3) ? 'yes' : 'no',
        })),
      };
    },
  };
}

/**
 * Every family the generator draws from, with its share of the non-combo markets. Sports
 * dominate, as on the real exchange; `seriesList` is the real series_list.json capture.
 */
export function buildFamilies(seriesList: readonly SimSeries[]): Family[] {
  return [
    { name: 'team sports', weight: 0.48, specs: LEAGUES.flatMap(leagueFamilies) },
    {
      name: 'matches',
      weight: 0.07,
      specs: [
        matchFamily('KXATPMATCH', 'ATP Tennis Match', ATP_PLAYERS, 'tennis_competitor', "men's professional tennis match", ['Tennis']),
        matchFamily('KXWTAMATCH', 'WTA Tennis Match', WTA_PLAYERS, 'tennis_competitor', "women's professional tennis match", ['Tennis']),
        matchFamily('KXCS2GAME', 'Counter-Strike 2 Game', CS2_TEAMS, 'esports_competitor', 'Counter-Strike 2 match', ['Esports']),
      ],
    },
    { name: 'prices', weight: 0.2, specs: ASSETS.flatMap((asset) => [priceFamily(asset, true), priceFamily(asset, false)]) },
    { name: 'weather', weight: 0.08, specs: CITIES.map(highTempFamily) },
    { name: 'indicators', weight: 0.05, specs: INDICATORS.map(indicatorFamily) },
    { name: 'listed series', weight: 0.06, specs: seriesList.map(listedFamily) },
    { name: 'questions', weight: 0.06, specs: QUESTIONS.map(questionFamily) },
  ].filter((family) => family.specs.length > 0);
}

/** `count` x.5 lines centred on `center`, `step` apart. */
function ladder(center: number, count: number, step: number): number[] {
  const first = Math.floor(center) - Math.floor(count / 2) * step;
  const lines: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const line = first + i * step + 0.5;
    if (line > 0) lines.push(line);
  }
  return lines;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / magnitude;
  return (scaled < 2 ? 1 : scaled < 5 ? 2.5 : 5) * magnitude;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pickSome<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as T);
  return out;
}

function hashString(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) >>> 0;
  return hash;
}
