import { longDate, monthYear, tickerDay, tickerMonth } from '../dates.js';
import { US_PER_DAY, US_PER_HOUR } from '../time.js';
import type { SettlementSource, SimSeries } from '../types.js';
import { CANDIDATES, COUNTRIES, EARLY_CLOSE_EVENT } from '../vocab.js';
import type { Named } from '../vocab.js';
import { hashString, pickSome } from './numbers.js';
import type { MarketDraft, SeriesSpec } from './types.js';

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
          rulesPrimary: `If the figure for ${series.title} for ${period}, as reported by ${sourceName}, is above ${shown}, then the market resolves to Yes.`,
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
  /** The question, without its deadline: "Will X happen". */
  ask: (subject: string) => string;
  /** The same as a statement, for the rules: "X happens". */
  fact: (subject: string) => string;
  subjects: readonly Named[];
}

const countries: readonly Named[] = COUNTRIES.map((name) => [name.slice(0, 3).toUpperCase(), name]);

const QUESTIONS: readonly Question[] = [
  { ticker: 'KXSNAPELECTION', title: 'Snap elections', category: 'Elections', kind: 'question', subjects: countries, ask: (c) => `Will ${c} hold a snap national election`, fact: (c) => `${c} holds a snap national election` },
  { ticker: 'KXNEXTLEADER', title: 'Next head of government', category: 'Elections', kind: 'candidates', subjects: CANDIDATES, ask: (c) => `Will ${c} be the next head of government`, fact: (c) => `${c} becomes the next head of government` },
  { ticker: 'KXNATOJOIN', title: 'New alliance members', category: 'World', kind: 'question', subjects: countries, ask: (c) => `Will ${c} apply to join a new defence alliance`, fact: (c) => `${c} applies to join a new defence alliance` },
  { ticker: 'KXRATECUT', title: 'Central bank rate cuts', category: 'Economics', kind: 'question', subjects: countries, ask: (c) => `Will the central bank of ${c} cut rates`, fact: (c) => `the central bank of ${c} cuts its policy rate` },
  { ticker: 'KXPARTYLEADER', title: 'Next party leader', category: 'Politics', kind: 'candidates', subjects: CANDIDATES, ask: (c) => `Will ${c} become party leader`, fact: (c) => `${c} becomes party leader` },
  { ticker: 'KXGOVSHUTDOWN', title: 'Government shutdown', category: 'Politics', kind: 'question', subjects: [['US', 'the US federal government']], ask: (c) => `Will ${c} shut down`, fact: (c) => `${c} shuts down` },
  { ticker: 'KXMARSLAND', title: 'Crewed Mars landing', category: 'Science and Technology', kind: 'question', subjects: [['HUM', 'humans']], ask: (c) => `Will ${c} land on Mars`, fact: (c) => `${c} land on Mars` },
  { ticker: 'KXAIMODEL', title: 'AI model releases', category: 'Science and Technology', kind: 'question', subjects: [['OSS', 'an open-weights model'], ['LAB', 'a frontier lab model']], ask: (c) => `Will ${c} top the public leaderboard`, fact: (c) => `${c} tops the public leaderboard` },
  { ticker: 'KXWARMINGYR', title: 'Global warming', category: 'Climate and Weather', kind: 'question', subjects: [['15C', 'the 1.5°C threshold'], ['2C', 'the 2°C threshold']], ask: (c) => `Will the annual global temperature exceed ${c}`, fact: (c) => `the annual global temperature exceeds ${c}` },
  { ticker: 'KXHURRICANE', title: 'Hurricane landfalls', category: 'Climate and Weather', kind: 'question', subjects: [['CAT4', 'a Category 4 hurricane'], ['CAT5', 'a Category 5 hurricane']], ask: (c) => `Will ${c} make US landfall`, fact: (c) => `${c} makes US landfall` },
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
        title: question.kind === 'candidates' ? `${question.title} before ${date}?` : `${question.ask(head[1])} before ${date}?`,
        subTitle: `Before ${date}`,
        mutuallyExclusive: question.kind === 'candidates',
        markets: subjects.map((subject) => ({
          suffix: subject[0],
          title: `${question.ask(subject[1])} before ${date}?`,
          yesSubTitle: subject[1],
          noSubTitle: subject[1],
          rulesPrimary: `If ${question.fact(subject[1])} before ${date}, as reported by reputable news sources, then the market resolves to Yes.`,
          rulesSecondary: 'The outcome is verified from Reuters, the Associated Press and other reputable news sources. If the event has not happened by the deadline, the market resolves to No.',
          earlyClose: EARLY_CLOSE_EVENT,
          outcome: question.kind === 'candidates' ? (subject === winner ? 'yes' : 'no') : rng.chance(0.3) ? 'yes' : 'no',
        })),
      };
    },
  };
}

/** Threshold markets on the real series of series_list.json. */
export function listedSeries(seriesList: readonly SimSeries[]): SeriesSpec[] {
  return seriesList.map(listedFamily);
}

/** Long-dated yes/no questions and candidate lists (World, Politics, Elections, Science…). */
export function questionSeries(): SeriesSpec[] {
  return QUESTIONS.map(questionFamily);
}
