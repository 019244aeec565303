/**
 * The cache's state and its rules, pure and synchronous: which version of each ticker is held,
 * whether an event is next, stale or skips versions, and what a change means as a transition.
 */
import type { ChangeEvent } from '../core/events.js';
import type { Market } from '../core/market.js';
import type { VersionedMarket } from './versioned-reads.js';
import type { ChangeCause, MarketState, MarketTransition, RewarmChange } from './types.js';

/** Removed tickers remembered with their version (so a late copy of an older event is recognised without a read). @defaultValue 100000 */
export const DEFAULT_MAX_TOMBSTONES = 100_000;

/**
 * - `apply`: the ticker's next version;
 * - `stale`: not newer than held (a duplicate, a re-publish, or already in the snapshot): drop;
 * - `gap`: versions were skipped: read the ticker back from Redis;
 * - `unknown`: nothing held and the event cannot be proven to be the ticker's first: read it back.
 */
export type Verdict = 'apply' | 'stale' | 'gap' | 'unknown';

/**
 * `firstIsNew`: whether a version-1 event for a ticker the cache does not hold may be applied
 * directly. True once the cache has caught up with the stream as it was after the snapshot: from
 * then on a version-1 event was published after the snapshot, so it is the ticker's newest state.
 */
export function verdict(held: number | undefined, version: number, firstIsNew: boolean): Verdict {
  if (held === undefined) return version === 1 && firstIsNew ? 'apply' : 'unknown';
  if (version <= held) return 'stale';
  return version === held + 1 ? 'apply' : 'gap';
}

export function stateOf(market: Market | undefined | null): MarketState {
  return market ? market.status : 'absent';
}

/** The transition a change makes, or null when status and presence stay the same. */
export function transitionOf(
  ticker: string,
  previous: Market | undefined,
  market: Market | undefined,
  version: number,
  cause: ChangeCause,
): MarketTransition | null {
  const from = stateOf(previous);
  const to = stateOf(market);
  return from === to ? null : { ticker, from, to, previous, market, version, cause };
}

/** The market an event leaves behind (null: the ticker left the cache). */
export function marketAfter(event: ChangeEvent): Market | null {
  return event.type === 'market_removed' ? null : event.market;
}

interface Held {
  version: number;
  market: Market;
}

export class MarketLedger {
  private readonly live = new Map<string, Held>();
  /** Removed tickers -> version of their removal, oldest first. */
  private readonly removed = new Map<string, number>();

  constructor(private readonly maxTombstones = DEFAULT_MAX_TOMBSTONES) {}

  get size(): number {
    return this.live.size;
  }

  get(ticker: string): Market | undefined {
    return this.live.get(ticker)?.market;
  }

  /** The version held for a ticker (also for a removed one the cache still remembers). */
  version(ticker: string): number | undefined {
    return this.live.get(ticker)?.version ?? this.removed.get(ticker);
  }

  *values(): IterableIterator<Market> {
    for (const held of this.live.values()) yield held.market;
  }

  tickers(): IterableIterator<string> {
    return this.live.keys();
  }

  verdict(event: Pick<ChangeEvent, 'ticker' | 'version'>, firstIsNew: boolean): Verdict {
    return verdict(this.version(event.ticker), event.version, firstIsNew);
  }

  /** Sets a ticker's state (null market: removed); returns the previous market. */
  set(ticker: string, version: number, market: Market | null): Market | undefined {
    const previous = this.live.get(ticker)?.market;
    this.removed.delete(ticker);
    if (market === null) {
      this.live.delete(ticker);
      this.removed.set(ticker, version);
      if (this.removed.size > this.maxTombstones) {
        const oldest = this.removed.keys().next();
        if (!oldest.done) this.removed.delete(oldest.value);
      }
    } else {
      this.live.set(ticker, { version, market });
    }
    return previous;
  }

  /**
   * Installs what Redis holds for a ticker, unless the cache already holds that version or a newer one.
   * Returns the change, or null when nothing visible changed.
   */
  install(v: VersionedMarket): RewarmChange | null {
    const held = this.version(v.ticker);
    if (held !== undefined && held >= v.version) return null;
    if (v.market === null && v.version === 0) return null;
    const previous = this.set(v.ticker, v.version, v.market);
    if (previous === undefined && v.market === null) return null;
    return { ticker: v.ticker, previous, market: v.market ?? undefined, version: v.version };
  }

  /**
   * Installs one chunk of a full snapshot. Unlike `install`, Redis wins also when its version is
   * lower (after a Redis rollback the cache follows Redis). `seen` collects the tickers of the snapshot.
   */
  installSnapshot(chunk: readonly VersionedMarket[], seen: Set<string>, changes: RewarmChange[] | null): void {
    for (const v of chunk) {
      if (v.market === null) continue;
      seen.add(v.ticker);
      const held = this.live.get(v.ticker);
      if (held !== undefined && held.version === v.version) continue;
      const previous = this.set(v.ticker, v.version, v.market);
      changes?.push({ ticker: v.ticker, previous, market: v.market, version: v.version });
    }
  }

  /** Ends a full snapshot: tickers it did not contain leave the cache, and tombstones are forgotten. */
  finishSnapshot(seen: ReadonlySet<string>, changes: RewarmChange[] | null): void {
    this.removed.clear();
    for (const [ticker, held] of this.live) {
      if (seen.has(ticker)) continue;
      this.live.delete(ticker);
      changes?.push({ ticker, previous: held.market, market: undefined, version: held.version });
    }
  }

  /** Versions held for some live tickers: the first `n` plus the given ones, for the Redis rollback check. */
  sample(n: number, also: Iterable<string> = []): Map<string, number> {
    const out = new Map<string, number>();
    for (const [ticker, held] of this.live) {
      if (out.size >= n) break;
      out.set(ticker, held.version);
    }
    for (const ticker of also) {
      const held = this.live.get(ticker);
      if (held) out.set(ticker, held.version);
    }
    return out;
  }
}
