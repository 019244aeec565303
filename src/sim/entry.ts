import type { CursorPosition } from './cursor.js';
import { parseTime } from './time.js';
import type { SimMarket } from './types.js';

/** A stored market with its parsed times and, once served, its cached JSON. */
export interface MarketEntry {
  readonly market: SimMarket;
  readonly createdUs: number;
  readonly updatedUs: number;
  readonly closeUs: number;
  readonly settledUs: number | null;
  readonly mve: boolean;
  json: string | null;
}

export function toEntry(market: SimMarket): MarketEntry {
  return {
    market,
    createdUs: parseTime(market.created_time),
    updatedUs: parseTime(market.updated_time),
    closeUs: parseTime(market.close_time),
    settledUs: market.settlement_ts === undefined ? null : parseTime(market.settlement_ts),
    mve: typeof market.mve_collection_ticker === 'string' && market.mve_collection_ticker !== '',
    json: null,
  };
}

/** Serialised once and reused until the market changes (a changed market is a new entry). */
export function marketJson(entry: MarketEntry): string {
  entry.json ??= JSON.stringify(entry.market);
  return entry.json;
}

export function entryPosition(entry: MarketEntry): CursorPosition {
  return { us: entry.createdUs, key: entry.market.ticker };
}

/** Kalshi serialises fields in alphabetical order; keep stored records that way. */
export function sortKeys<T extends object>(record: T): T {
  const keys = Object.keys(record);
  if (keys.every((key, i) => i === 0 || (keys[i - 1] as string) < key)) return record;
  const sorted: Record<string, unknown> = {};
  for (const key of keys.sort()) sorted[key] = (record as Record<string, unknown>)[key];
  return sorted as T;
}
