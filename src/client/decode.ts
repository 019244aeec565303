/** Decoding journal messages into `ChangeEvent`s, checking what the cache relies on. */
import { CHANGE_TYPES, type ChangeEvent, type ChangeType } from '../core/events.js';
import { MARKET_STATUSES, type MarketStatus } from '../core/market.js';

export type Decoded =
  | { ok: true; event: ChangeEvent }
  /** `ticker` is set when the body named one, so that ticker can be read back from Redis. */
  | { ok: false; reason: string; ticker: string | null };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function decodeEvent(body: string): Decoded {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not JSON', ticker: null };
  }
  if (!isObject(value)) return { ok: false, reason: 'not a JSON object', ticker: null };
  const ticker = typeof value.ticker === 'string' && value.ticker !== '' ? value.ticker : null;
  const fail = (reason: string): Decoded => ({ ok: false, reason, ticker });
  if (ticker === null) return fail('no ticker');
  if (!CHANGE_TYPES.includes(value.type as ChangeType)) return fail(`unknown type ${JSON.stringify(value.type)}`);
  if (!Number.isSafeInteger(value.version) || (value.version as number) < 1) return fail('version is not a positive integer');
  if (value.type !== 'market_removed') {
    const market = value.market;
    if (!isObject(market) || market.ticker !== ticker || !MARKET_STATUSES.includes(market.status as MarketStatus)) {
      return fail('market is missing or does not match the ticker');
    }
  }
  return { ok: true, event: value as unknown as ChangeEvent };
}
