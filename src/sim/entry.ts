import type { CursorPosition } from './cursor.js';
import { parseTime } from './time.js';
import type { MarketStatus, SimMarket } from './types.js';

/**
 * A stored market: what filters and paging need, parsed once, plus the market itself. The
 * market is kept as an object until it is first served and as its JSON afterwards, never both:
 * 100k markets fit in about half the memory, and a page is a join of cached strings.
 */
export interface MarketEntry {
  readonly ticker: string;
  readonly eventTicker: string;
  readonly status: MarketStatus;
  readonly createdUs: number;
  readonly updatedUs: number;
  readonly closeUs: number;
  readonly settledUs: number | null;
  readonly mve: boolean;
  market: SimMarket | null;
  json: string | null;
}

export function toEntry(market: SimMarket): MarketEntry {
  return {
    ticker: market.ticker,
    eventTicker: market.event_ticker,
    status: market.status,
    createdUs: parseTime(market.created_time),
    updatedUs: parseTime(market.updated_time),
    closeUs: parseTime(market.close_time),
    settledUs: market.settlement_ts === undefined ? null : parseTime(market.settlement_ts),
    mve: typeof market.mve_collection_ticker === 'string' && market.mve_collection_ticker !== '',
    market,
    json: null,
  };
}

/** The market as a fresh object once it has been serialised; treat it as read-only. */
export function marketOf(entry: MarketEntry): SimMarket {
  if (entry.market !== null) return entry.market;
  return JSON.parse(entry.json as string) as SimMarket;
}

/** Serialised once and reused until the market changes (a changed market is a new entry). */
export function marketJson(entry: MarketEntry): string {
  if (entry.json === null) {
    entry.json = JSON.stringify(entry.market);
    entry.market = null;
  }
  return entry.json;
}

export function entryPosition(entry: MarketEntry): CursorPosition {
  return { us: entry.createdUs, key: entry.ticker };
}

/** Kalshi serialises fields in alphabetical order; keep stored records that way. */
export function sortKeys<T extends object>(record: T): T {
  const keys = Object.keys(record);
  if (keys.every((key, i) => i === 0 || (keys[i - 1] as string) < key)) return record;
  const sorted: Record<string, unknown> = {};
  for (const key of keys.sort()) sorted[key] = (record as Record<string, unknown>)[key];
  return sorted as T;
}
