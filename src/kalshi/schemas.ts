/**
 * Kalshi wire schemas. Strict about the fields secmaster reads, tolerant of everything else:
 * unknown fields are kept as received (loose objects) and enum-like fields accept any string,
 * because Kalshi adds values and fields often. zod stays inside src/kalshi: callers get plain
 * records or a reason string.
 */
import { z } from 'zod';
import type { InvalidMarket } from '../core/ports.js';
import type {
  KalshiEventRecord,
  KalshiExchangeStatus,
  KalshiHistoricalCutoff,
  KalshiMarketRecord,
  KalshiSeriesRecord,
} from '../core/kalshi.js';

/** RFC 3339 with any sub-second precision and `Z` or a numeric offset, as Kalshi sends. */
const rfc3339 = z.iso.datetime({ offset: true });
const time = rfc3339.nullish();
const text = z.string().nullish();

export const marketSchema = z.looseObject({
  ticker: z.string().min(1),
  event_ticker: z.string(),
  status: z.string(),
  title: text,
  yes_sub_title: text,
  no_sub_title: text,
  market_type: text,
  open_time: time,
  close_time: time,
  expected_expiration_time: time,
  latest_expiration_time: time,
  expiration_time: time,
  settlement_timer_seconds: z.int().nullish(),
  result: text,
  settlement_ts: time,
  updated_time: time,
  created_time: time,
  mve_collection_ticker: text,
});

export const eventSchema = z.looseObject({
  event_ticker: z.string().min(1),
  // Typed as required-nullable in the core; an absent series is reported as null.
  series_ticker: z.string().nullable().default(null),
  category: text,
  title: text,
});

export const seriesSchema = z.looseObject({
  ticker: z.string().min(1),
  category: text,
  title: text,
});

export const historicalCutoffSchema = z.looseObject({
  market_settled_ts: rfc3339.nullable().default(null),
});

export const exchangeStatusSchema = z.looseObject({
  exchange_active: z.boolean(),
  trading_active: z.boolean(),
});

const cursor = z.string().nullish();
const pageSchemas = {
  markets: z.looseObject({ markets: z.array(z.unknown()), cursor }),
  events: z.looseObject({ events: z.array(z.unknown()), cursor }),
  series: z.looseObject({ series: z.array(z.unknown()), cursor }),
} as const;

export type ListKey = keyof typeof pageSchemas;

// Compile-time checks that validated output satisfies the core's record types.
type Assignable<T extends U, U> = T;
export type _MarketOk = Assignable<z.output<typeof marketSchema>, KalshiMarketRecord>;
export type _EventOk = Assignable<z.output<typeof eventSchema>, KalshiEventRecord>;
export type _SeriesOk = Assignable<z.output<typeof seriesSchema>, KalshiSeriesRecord>;
export type _CutoffOk = Assignable<z.output<typeof historicalCutoffSchema>, KalshiHistoricalCutoff>;
export type _StatusOk = Assignable<z.output<typeof exchangeStatusSchema>, KalshiExchangeStatus>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface RecordsPage<T> {
  records: T[];
  invalid: InvalidMarket[];
  /** Normalised: `""`, null and absent all mean "no next page". */
  cursor: string | null;
  /** Rows removed by `keep` before validation. */
  dropped: number;
}

const MAX_SHOWN_VALUE = 60;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** `close_time: Invalid ISO datetime (got "tomorrow")`: names the field and, briefly, what came. */
export function describeIssues(error: z.ZodError, input: unknown): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(record)';
      const got = valueAt(input, issue.path);
      let shown = '';
      if (got !== undefined && issue.path.length > 0) {
        const json = JSON.stringify(got) ?? String(got);
        shown = ` (got ${json.length > MAX_SHOWN_VALUE ? `${json.slice(0, MAX_SHOWN_VALUE)}...` : json})`;
      }
      return `${field}: ${issue.message}${shown}`;
    })
    .join('; ');
}

function readableKey(item: unknown, key: string): string | null {
  if (typeof item !== 'object' || item === null) return null;
  const v = (item as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * Validates one list response: the envelope must be right or the whole response is rejected; each
 * record is validated on its own, and a bad one becomes an `InvalidMarket` entry instead of failing
 * the page.
 */
export function parseRecordsPage<T>(
  body: unknown,
  listKey: ListKey,
  recordSchema: z.ZodType<T>,
  keyField: string,
  keep?: (item: unknown) => boolean,
): Parsed<RecordsPage<T>> {
  const envelope = pageSchemas[listKey].safeParse(body);
  if (!envelope.success) return { ok: false, reason: describeIssues(envelope.error, body) };
  const items = (envelope.data as Record<string, unknown>)[listKey] as unknown[];
  const records: T[] = [];
  const invalid: InvalidMarket[] = [];
  let dropped = 0;
  items.forEach((item, index) => {
    if (keep && !keep(item)) {
      dropped += 1;
      return;
    }
    const result = recordSchema.safeParse(item);
    if (result.success) records.push(result.data);
    else invalid.push({ index, ticker: readableKey(item, keyField), reason: describeIssues(result.error, item) });
  });
  const next = envelope.data.cursor;
  return { ok: true, value: { records, invalid, cursor: next === undefined || next === null || next === '' ? null : next, dropped } };
}

/** A combo (multivariate) market, recognised by its collection ticker or its selected legs. */
export function isComboMarket(item: unknown): boolean {
  if (typeof item !== 'object' || item === null) return false;
  const row = item as Record<string, unknown>;
  const collection = row['mve_collection_ticker'];
  const legs = row['mve_selected_legs'];
  return (typeof collection === 'string' && collection !== '') || (Array.isArray(legs) && legs.length > 0);
}

export function parseMarketsPage(body: unknown, options: { dropCombos: boolean }): Parsed<RecordsPage<KalshiMarketRecord>> {
  return parseRecordsPage(body, 'markets', marketSchema, 'ticker', options.dropCombos ? (item) => !isComboMarket(item) : undefined);
}

export function parseEventsPage(body: unknown): Parsed<RecordsPage<KalshiEventRecord>> {
  return parseRecordsPage(body, 'events', eventSchema, 'event_ticker');
}

export function parseSeriesList(body: unknown): Parsed<RecordsPage<KalshiSeriesRecord>> {
  return parseRecordsPage(body, 'series', seriesSchema, 'ticker');
}

function parseSingle<T>(schema: z.ZodType<T>, body: unknown): Parsed<T> {
  const result = schema.safeParse(body);
  return result.success ? { ok: true, value: result.data } : { ok: false, reason: describeIssues(result.error, body) };
}

export function parseHistoricalCutoff(body: unknown): Parsed<KalshiHistoricalCutoff> {
  return parseSingle(historicalCutoffSchema, body);
}

export function parseExchangeStatus(body: unknown): Parsed<KalshiExchangeStatus> {
  return parseSingle(exchangeStatusSchema, body);
}

const errorBodySchema = z.object({
  error: z.union([
    z.string(),
    z.looseObject({ code: z.string().optional(), message: z.string().optional(), details: z.unknown().optional() }),
  ]),
});

/**
 * Kalshi's error message from an error body, in either shape it uses:
 * `{"error":"too many requests"}` (429) or `{"error":{"code","message","details"}}` (other errors).
 * Null when the body is neither.
 */
export function kalshiErrorMessage(body: unknown): string | null {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return null;
  const { error } = parsed.data;
  if (typeof error === 'string') return error;
  const head = [error.code, error.message].filter((s): s is string => typeof s === 'string' && s !== '').join(': ');
  const details = error.details === undefined || error.details === null || error.details === ''
    ? ''
    : typeof error.details === 'string' ? error.details : JSON.stringify(error.details);
  if (head === '' && details === '') return null;
  return head === '' ? details : details === '' ? head : `${head} (${details})`;
}
