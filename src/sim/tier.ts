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
  private sorted = true;

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
    const last = this.order[this.order.length - 1];
    if (last !== undefined && compareEntries(last, entry) > 0) this.sorted = false;
    this.order.push(entry);
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

  /** Sorted lazily: bulk loads append out of order and pay for one sort on the first read. */
  sortedEntries(): readonly MarketEntry[] {
    if (!this.sorted) {
      this.order.sort(compareEntries);
      this.sorted = true;
    }
    return this.order;
  }

  private indexOf(entry: MarketEntry): number {
    const order = this.sortedEntries();
    let low = 0;
    let high = order.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareEntries(order[mid] as MarketEntry, entry) < 0) low = mid + 1;
      else high = mid;
    }
    return order[low]?.ticker === entry.ticker ? low : -1;
  }
}

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
