import { entryPosition } from './entry.js';
import type { MarketEntry } from './entry.js';
import { comparePositions } from './paging.js';

export function compareEntries(a: MarketEntry, b: MarketEntry): number {
  return comparePositions(entryPosition(a), entryPosition(b));
}

/** One tier of markets (live or historical): lookup by ticker plus the newest-first walk order. */
export class MarketTier {
  private readonly byTicker = new Map<string, MarketEntry>();
  private order: MarketEntry[] = [];
  /** Added since the last read: a few are inserted in place, a bulk load is sorted once. */
  private pending: MarketEntry[] = [];

  get size(): number {
    return this.byTicker.size;
  }

  get(ticker: string): MarketEntry | undefined {
    return this.byTicker.get(ticker);
  }

  values(): IterableIterator<MarketEntry> {
    return this.byTicker.values();
  }

  add(entry: MarketEntry): void {
    this.byTicker.set(entry.ticker, entry);
    this.pending.push(entry);
  }

  /** Swaps in a changed entry for the same ticker; its created_time, hence its position, is unchanged. */
  replace(previous: MarketEntry, next: MarketEntry): void {
    this.byTicker.set(next.ticker, next);
    const index = this.indexOf(previous);
    if (index >= 0) this.order[index] = next;
  }

  remove(ticker: string): MarketEntry | undefined {
    const entry = this.byTicker.get(ticker);
    if (entry === undefined) return undefined;
    this.byTicker.delete(ticker);
    const index = this.indexOf(entry);
    if (index >= 0) this.order.splice(index, 1);
    return entry;
  }

  sortedEntries(): readonly MarketEntry[] {
    if (this.pending.length > SORT_THRESHOLD) {
      this.order = this.order.concat(this.pending).sort(compareEntries);
    } else {
      for (const entry of this.pending) this.order.splice(this.insertionPoint(entry), 0, entry);
    }
    this.pending = [];
    return this.order;
  }

  private indexOf(entry: MarketEntry): number {
    const order = this.sortedEntries();
    const index = this.insertionPoint(entry);
    return order[index]?.ticker === entry.ticker ? index : -1;
  }

  /** The first position whose entry does not sort before `entry`. */
  private insertionPoint(entry: MarketEntry): number {
    let low = 0;
    let high = this.order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareEntries(this.order[mid] as MarketEntry, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

/** Above this many additions, one sort beats inserting each in place. */
const SORT_THRESHOLD = 256;

/** A set with O(1) add, delete and uniform random pick (for random lifecycle moves). */
export class IndexedSet {
  private readonly items: string[] = [];
  private readonly index = new Map<string, number>();

  get size(): number {
    return this.items.length;
  }

  add(item: string): void {
    if (this.index.has(item)) return;
    this.index.set(item, this.items.length);
    this.items.push(item);
  }

  delete(item: string): void {
    const at = this.index.get(item);
    if (at === undefined) return;
    const last = this.items.pop() as string;
    this.index.delete(item);
    if (last !== item) {
      this.items[at] = last;
      this.index.set(last, at);
    }
  }

  at(position: number): string | undefined {
    return this.items[position];
  }

  values(): readonly string[] {
    return this.items;
  }
}
