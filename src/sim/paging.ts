import type { CursorPosition } from './cursor.js';

/** Newest first, ties broken by key descending: the order Kalshi's cursors walk. */
export function comparePositions(a: CursorPosition, b: CursorPosition): number {
  if (a.us !== b.us) return b.us - a.us;
  if (a.key === b.key) return 0;
  return a.key < b.key ? 1 : -1;
}

export interface PageResult<T> {
  items: T[];
  /** Position of the last item when more matching items follow; null on the last page. */
  next: CursorPosition | null;
}

/**
 * One keyset page over `sorted` (ordered by `comparePositions`): the first `limit` items after
 * `after` that pass `keep`. Looks one match ahead so the last page is known to be the last.
 */
export function takePage<T>(
  sorted: readonly T[],
  positionOf: (item: T) => CursorPosition,
  after: CursorPosition | null,
  limit: number,
  keep: (item: T) => boolean,
): PageResult<T> {
  const items: T[] = [];
  for (let i = after === null ? 0 : firstAfter(sorted, positionOf, after); i < sorted.length; i += 1) {
    const item = sorted[i] as T;
    if (!keep(item)) continue;
    if (items.length === limit) {
      const last = items[items.length - 1] as T;
      return { items, next: positionOf(last) };
    }
    items.push(item);
  }
  return { items, next: null };
}

function firstAfter<T>(sorted: readonly T[], positionOf: (item: T) => CursorPosition, after: CursorPosition): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (comparePositions(positionOf(sorted[mid] as T), after) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}
