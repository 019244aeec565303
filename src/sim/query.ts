import { decodeCursor } from './cursor.js';
import type { CursorPosition } from './cursor.js';
import type { MarketStatus, MveFilter, StatusFilter } from './types.js';

/**
 * Parsing and validation of query strings, as Kalshi applies them. Pure: returns the query or
 * the `details` text of a 400 answer.
 */
export type Parsed<T> = { ok: true; value: T } | { ok: false; details: string };

/** Unix seconds, both bounds inclusive. */
export interface SecondsRange {
  min: number | null;
  max: number | null;
}

export interface MarketsQuery {
  limit: number;
  cursor: CursorPosition | null;
  statuses: readonly MarketStatus[] | null;
  eventTicker: string | null;
  seriesTicker: string | null;
  tickers: readonly string[] | null;
  mve: MveFilter | null;
  created: SecondsRange | null;
  closed: SecondsRange | null;
  settled: SecondsRange | null;
  /** Unix seconds, exclusive: only markets whose `updated_time` is later. */
  updatedAfter: number | null;
}

export interface EventsQuery {
  limit: number;
  cursor: CursorPosition | null;
  statuses: readonly MarketStatus[] | null;
  seriesTicker: string | null;
  tickers: readonly string[] | null;
  withNestedMarkets: boolean;
  minCloseTs: number | null;
}

export interface HistoricalMarketsQuery {
  limit: number;
  cursor: CursorPosition | null;
  eventTicker: string | null;
  seriesTicker: string | null;
  tickers: readonly string[] | null;
  excludeMve: boolean;
}

/** How each filter value maps onto response statuses (facts sheet §4). */
export const STATUS_FILTERS: Readonly<Record<StatusFilter, readonly MarketStatus[]>> = {
  unopened: ['initialized'],
  open: ['active'],
  paused: ['inactive'],
  // "Any market past close_time not yet finalized."
  closed: ['closed', 'determined', 'disputed', 'amended'],
  settled: ['finalized'],
};

export const MARKETS_MAX_LIMIT = 1000;
export const MARKETS_DEFAULT_LIMIT = 100;
export const EVENTS_MAX_LIMIT = 200;
export const EVENTS_DEFAULT_LIMIT = 200;

const EVENT_STATUS_FILTERS: readonly StatusFilter[] = ['unopened', 'open', 'closed', 'settled'];

export function parseMarketsQuery(params: URLSearchParams): Parsed<MarketsQuery> {
  const limit = parseLimit(params, MARKETS_DEFAULT_LIMIT, MARKETS_MAX_LIMIT);
  if (!limit.ok) return limit;
  const cursor = parseCursor(params);
  if (!cursor.ok) return cursor;
  const status = parseStatus(params, Object.keys(STATUS_FILTERS) as StatusFilter[]);
  if (!status.ok) return status;
  const mve = parseMve(params, ['only', 'exclude']);
  if (!mve.ok) return mve;

  const eventTicker = text(params, 'event_ticker');
  if (eventTicker?.includes(',')) return fail('only a single event_ticker is supported');

  const families = {
    created: parseRange(params, 'min_created_ts', 'max_created_ts'),
    closed: parseRange(params, 'min_close_ts', 'max_close_ts'),
    settled: parseRange(params, 'min_settled_ts', 'max_settled_ts'),
  };
  for (const family of Object.values(families)) if (!family.ok) return family;
  const created = families.created.ok ? families.created.value : null;
  const closed = families.closed.ok ? families.closed.value : null;
  const settled = families.settled.ok ? families.settled.value : null;

  const updatedAfter = parseSeconds(params, 'min_updated_ts');
  if (!updatedAfter.ok) return updatedAfter;

  const query: MarketsQuery = {
    limit: limit.value,
    cursor: cursor.value,
    statuses: status.value === null ? null : STATUS_FILTERS[status.value],
    eventTicker,
    seriesTicker: text(params, 'series_ticker'),
    tickers: list(params, 'tickers'),
    mve: mve.value,
    created,
    closed,
    settled,
    updatedAfter: updatedAfter.value,
  };
  const conflict = marketsFilterConflict(query, status.value);
  return conflict === null ? { ok: true, value: query } : fail(conflict);
}

/** Kalshi's compatibility rules between filters (facts sheet §4), as 400 details. */
function marketsFilterConflict(query: MarketsQuery, status: StatusFilter | null): string | null {
  if (query.updatedAfter !== null) {
    const others =
      status !== null ||
      query.eventTicker !== null ||
      query.tickers !== null ||
      query.created !== null ||
      query.closed !== null ||
      query.settled !== null ||
      query.mve === 'only';
    if (others) return 'min_updated_ts is incompatible with any other filter except mve_filter=exclude';
    if (query.seriesTicker !== null && query.mve !== 'exclude') {
      return 'min_updated_ts with series_ticker requires mve_filter=exclude';
    }
    return null;
  }
  const families = [query.created, query.closed, query.settled].filter((range) => range !== null);
  if (families.length > 1) return 'created, close and settled timestamp filters are mutually exclusive';
  if (query.created !== null && status !== null && status !== 'unopened' && status !== 'open') {
    return 'min_created_ts and max_created_ts are only compatible with status unopened or open';
  }
  if (query.closed !== null && status !== null && status !== 'closed') {
    return 'min_close_ts and max_close_ts are only compatible with status closed';
  }
  if (query.settled !== null && status !== null && status !== 'settled') {
    return 'min_settled_ts and max_settled_ts are only compatible with status settled';
  }
  return null;
}

export function parseEventsQuery(params: URLSearchParams): Parsed<EventsQuery> {
  const limit = parseLimit(params, EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT);
  if (!limit.ok) return limit;
  const cursor = parseCursor(params);
  if (!cursor.ok) return cursor;
  const status = parseStatus(params, EVENT_STATUS_FILTERS);
  if (!status.ok) return status;
  const nested = parseBoolean(params, 'with_nested_markets');
  if (!nested.ok) return nested;
  const minCloseTs = parseSeconds(params, 'min_close_ts');
  if (!minCloseTs.ok) return minCloseTs;
  return {
    ok: true,
    value: {
      limit: limit.value,
      cursor: cursor.value,
      statuses: status.value === null ? null : STATUS_FILTERS[status.value],
      seriesTicker: text(params, 'series_ticker'),
      tickers: list(params, 'tickers'),
      withNestedMarkets: nested.value,
      minCloseTs: minCloseTs.value,
    },
  };
}

export function parseHistoricalMarketsQuery(params: URLSearchParams): Parsed<HistoricalMarketsQuery> {
  const limit = parseLimit(params, MARKETS_DEFAULT_LIMIT, MARKETS_MAX_LIMIT);
  if (!limit.ok) return limit;
  const cursor = parseCursor(params);
  if (!cursor.ok) return cursor;
  const mve = parseMve(params, ['exclude']);
  if (!mve.ok) return mve;
  const query: HistoricalMarketsQuery = {
    limit: limit.value,
    cursor: cursor.value,
    eventTicker: text(params, 'event_ticker'),
    seriesTicker: text(params, 'series_ticker'),
    tickers: list(params, 'tickers'),
    excludeMve: mve.value === 'exclude',
  };
  const filters = [query.eventTicker, query.seriesTicker, query.tickers].filter((value) => value !== null);
  if (filters.length > 1) return fail('tickers, event_ticker and series_ticker are mutually exclusive');
  return { ok: true, value: query };
}

function fail(details: string): { ok: false; details: string } {
  return { ok: false, details };
}

/** An empty parameter counts as absent, as Kalshi's Go handlers treat it. */
function text(params: URLSearchParams, name: string): string | null {
  const value = params.get(name);
  return value === null || value === '' ? null : value;
}

function list(params: URLSearchParams, name: string): string[] | null {
  const value = text(params, name);
  if (value === null) return null;
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

function parseLimit(params: URLSearchParams, fallback: number, max: number): Parsed<number> {
  const value = text(params, 'limit');
  if (value === null) return { ok: true, value: fallback };
  const limit = Number(value);
  if (!/^\d+$/.test(value) || limit < 1 || limit > max) return fail(`limit must be an integer between 1 and ${max}`);
  return { ok: true, value: limit };
}

function parseCursor(params: URLSearchParams): Parsed<CursorPosition | null> {
  const value = text(params, 'cursor');
  if (value === null) return { ok: true, value: null };
  const position = decodeCursor(value);
  return position === null ? fail('invalid cursor') : { ok: true, value: position };
}

function parseStatus(params: URLSearchParams, allowed: readonly StatusFilter[]): Parsed<StatusFilter | null> {
  const value = text(params, 'status');
  if (value === null) return { ok: true, value: null };
  if (!(allowed as readonly string[]).includes(value)) return fail(`status must be one of ${allowed.join(', ')}`);
  return { ok: true, value: value as StatusFilter };
}

function parseMve(params: URLSearchParams, allowed: readonly MveFilter[]): Parsed<MveFilter | null> {
  const value = text(params, 'mve_filter');
  if (value === null) return { ok: true, value: null };
  if (!(allowed as readonly string[]).includes(value)) return fail(`mve_filter must be one of ${allowed.join(', ')}`);
  return { ok: true, value: value as MveFilter };
}

function parseSeconds(params: URLSearchParams, name: string): Parsed<number | null> {
  const value = text(params, name);
  if (value === null) return { ok: true, value: null };
  if (!/^\d+$/.test(value)) return fail(`${name} must be a Unix timestamp in seconds`);
  return { ok: true, value: Number(value) };
}

function parseRange(params: URLSearchParams, minName: string, maxName: string): Parsed<SecondsRange | null> {
  const min = parseSeconds(params, minName);
  if (!min.ok) return min;
  const max = parseSeconds(params, maxName);
  if (!max.ok) return max;
  if (min.value === null && max.value === null) return { ok: true, value: null };
  return { ok: true, value: { min: min.value, max: max.value } };
}

function parseBoolean(params: URLSearchParams, name: string): Parsed<boolean> {
  const value = text(params, name);
  if (value === null || value === 'false') return { ok: true, value: false };
  if (value === 'true') return { ok: true, value: true };
  return fail(`${name} must be true or false`);
}
