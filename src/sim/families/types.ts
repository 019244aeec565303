import type { Rng } from '../rng.js';
import type { SeriesSeed } from '../shapes.js';

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
  /** Occurrences fall between these ET hours (games are not played at 3 AM). @defaultValue any hour */
  hoursEt?: readonly [from: number, to: number];
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
