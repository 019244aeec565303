/**
 * Pure planning: given what the cache holds for a ticker and what Kalshi says now, decide the
 * write and the event. The store adapter turns a `MarketWrite` into Redis commands.
 */
import { diffMarkets, fingerprint, serializeMarket } from './diff.js';
import type { ChangeEvent, RemovalReason } from './events.js';
import { isLive, type IndexEntry } from './index-entry.js';
import { categorySlug, eventId } from './keys.js';
import type { Market } from './market.js';
import { searchTerms } from './search.js';
import { epochSeconds } from './time.js';

export interface PlanContext {
  env: string;
  syncId: string;
  /** When the sync observed the change (RFC 3339). */
  timestamp: string;
}

export type WriteKind = 'added' | 'updated' | 'settled' | 'removed';

/** One ticker's write: the new state of every key that mentions it, and its event. */
export interface MarketWrite {
  ticker: string;
  kind: WriteKind;
  /** Market JSON to store; null when the market leaves the cache. */
  marketJson: string | null;
  index: IndexEntry;
  event: ChangeEvent;
  /** Category slug the ticker leaves (null: none) and joins (null: none). */
  categoryFrom: string | null;
  categoryTo: string | null;
  /** Category name as Kalshi spells it, for the slug -> name registry. */
  categoryName: string | null;
  /** Score in the expiring ZSET; null removes the ticker from it. */
  expiring: number | null;
  /** Search terms the ticker leaves and joins (see search.ts). */
  searchRemove: string[];
  searchAdd: string[];
}

function termDelta(previous: Market | null, next: Market | null): { searchRemove: string[]; searchAdd: string[] } {
  const before = new Set(searchTerms(previous));
  const after = new Set(searchTerms(next));
  return {
    searchRemove: [...before].filter((t) => !after.has(t)),
    searchAdd: [...after].filter((t) => !before.has(t)),
  };
}

function slugOf(market: Market | null): string | null {
  if (market === null || market.category === null) return null;
  const slug = categorySlug(market.category);
  return slug === '' ? null : slug;
}

/** Expiring ZSET score: expiration in epoch seconds, only for unsettled markets. */
export function expiringScore(market: Market): number | null {
  if (market.status === 'settled') return null;
  return epochSeconds(market.expiration_time);
}

function indexFor(market: Market, version: number, fp: string): IndexEntry {
  return {
    version,
    state: market.status,
    fingerprint: fp,
    settledEpoch: market.status === 'settled' ? epochSeconds(market.settled_at) ?? epochSeconds(market.updated_at) : null,
  };
}

/**
 * Plans an add or update. Returns null when nothing security-master related changed
 * (prices are not in `Market`, and `updated_at` alone does not count).
 * `previous` is the stored Market, needed only when the index says the ticker is live.
 */
export function planUpsert(
  ctx: PlanContext,
  entry: IndexEntry | undefined,
  previous: Market | null,
  next: Market,
): MarketWrite | null {
  const fp = fingerprint(next);
  const live = isLive(entry);
  if (live && entry.fingerprint === fp) return null;
  const version = (entry?.version ?? 0) + 1;
  const base = {
    id: eventId(ctx.env, next.ticker, version),
    env: ctx.env,
    sync_id: ctx.syncId,
    version,
    timestamp: ctx.timestamp,
  };
  const common = {
    ticker: next.ticker,
    marketJson: serializeMarket(next),
    index: indexFor(next, version, fp),
    categoryFrom: live ? slugOf(previous) : null,
    categoryTo: slugOf(next),
    categoryName: next.category,
    expiring: expiringScore(next),
    ...termDelta(live ? previous : null, next),
  };
  if (!live || previous === null) {
    return { ...common, kind: 'added', event: { type: 'market_added', ticker: next.ticker, ...base, market: next } };
  }
  const changes = diffMarkets(previous, next);
  const wasSettled = previous.status === 'settled';
  if (next.status === 'settled' && !wasSettled) {
    return {
      ...common,
      kind: 'settled',
      event: {
        type: 'market_settled',
        ticker: next.ticker,
        ...base,
        result: next.result,
        settled_at: next.settled_at,
        changes,
        market: next,
      },
    };
  }
  return { ...common, kind: 'updated', event: { type: 'market_updated', ticker: next.ticker, ...base, changes, market: next } };
}

/** Plans the removal of a cached market; the index keeps a tombstone so versions keep counting. */
export function planRemoval(
  ctx: PlanContext,
  entry: IndexEntry,
  previous: Market | null,
  ticker: string,
  reason: RemovalReason,
): MarketWrite {
  const version = entry.version + 1;
  return {
    ticker,
    kind: 'removed',
    marketJson: null,
    index: { version, state: 'removed', fingerprint: '', settledEpoch: null },
    event: {
      type: 'market_removed',
      ticker,
      id: eventId(ctx.env, ticker, version),
      env: ctx.env,
      sync_id: ctx.syncId,
      version,
      timestamp: ctx.timestamp,
      reason,
    },
    categoryFrom: slugOf(previous),
    categoryTo: null,
    categoryName: null,
    expiring: null,
    ...termDelta(previous, null),
  };
}

/**
 * Whether a cached settled market is due for archiving: settled before Kalshi's historical
 * cutoff, or longer ago than the retention.
 */
export function isArchivable(
  settledEpoch: number | null,
  nowEpoch: number,
  retentionSeconds: number,
  cutoffEpoch: number | null,
): boolean {
  if (settledEpoch === null) return false;
  if (cutoffEpoch !== null && settledEpoch < cutoffEpoch) return true;
  return nowEpoch - settledEpoch > retentionSeconds;
}

export interface RemovalGuard {
  /** Largest share of cached markets one full sync may remove. @defaultValue 0.1 */
  maxShare: number;
  /** Removals always allowed, whatever the share (small catalogues). @defaultValue 10 */
  allowance: number;
}

/** The mass-removal guard: true when the planned removals must be refused. */
export function exceedsRemovalGuard(removals: number, cached: number, guard: RemovalGuard): boolean {
  return removals > Math.max(guard.allowance, Math.floor(guard.maxShare * cached));
}
