import { clock, shortDate, tickerDay, tickerMinute } from '../dates.js';
import type { Rng } from '../rng.js';
import type { SeriesSeed } from '../shapes.js';
import { US_PER_DAY, US_PER_HOUR, US_PER_MINUTE } from '../time.js';
import type { SettlementSource } from '../types.js';
import {
  ATP_PLAYERS,
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
} from '../vocab.js';
import type { Named } from '../vocab.js';
import { ladder } from './numbers.js';
import type { MarketDraft, SeriesSpec, Timing } from './types.js';

const SPORTS_TIMING: Timing = {
  leadUs: [1 * US_PER_DAY, 7 * US_PER_DAY],
  closeAfterUs: 2 * US_PER_DAY,
  expectedAfterUs: 3 * US_PER_HOUR,
  latestAfterCloseUs: 0,
  // Game tickers carry the start minute; games start on five-minute marks.
  slotUs: 5 * US_PER_MINUTE,
  settlementTimerSeconds: 300,
  hoursEt: [12, 22],
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

/** Game winner, totals and spreads for each league (NFL quarters too, as the captures show). */
export function leagueSeries(): SeriesSpec[] {
  return LEAGUES.flatMap(leagueFamilies);
}

/** Head-to-head matches: tennis and esports. */
export function matchSeries(): SeriesSpec[] {
  return [
    matchFamily('KXATPMATCH', 'ATP Tennis Match', ATP_PLAYERS, 'tennis_competitor', "men's professional tennis match", ['Tennis']),
    matchFamily('KXWTAMATCH', 'WTA Tennis Match', WTA_PLAYERS, 'tennis_competitor', "women's professional tennis match", ['Tennis']),
    matchFamily('KXCS2GAME', 'Counter-Strike 2 Game', CS2_TEAMS, 'esports_competitor', 'Counter-Strike 2 match', ['Esports']),
  ];
}
