import { UpstreamError } from '../core/errors.js';

export interface FetchedPage<T> {
  value: T;
  /** Normalised next cursor: null when this was the last page. */
  cursor: string | null;
}

export interface WalkedPage<T> extends FetchedPage<T> {
  /** 0-based page number within the walk. */
  page: number;
}

export interface PaginateOptions {
  /** Runaway guard: the walk fails rather than fetch more pages than this. */
  maxPages: number;
  /** Names the request in error messages, e.g. `GET /markets?status=open`. */
  describe: string;
}

/**
 * Follows Kalshi's cursor chain one page at a time, fetching the next page only when the consumer
 * asks for it, so nothing is buffered. Kalshi's chains are not snapshots and no loop bug is known,
 * but a cursor that comes back, or a chain longer than `maxPages`, fails the walk instead of
 * spinning forever.
 */
export async function* paginate<T>(
  fetchPage: (cursor: string | null, page: number) => Promise<FetchedPage<T>>,
  options: PaginateOptions,
): AsyncGenerator<WalkedPage<T>, void, undefined> {
  const seen = new Set<string>();
  let cursor: string | null = null;
  for (let page = 0; ; page++) {
    if (page >= options.maxPages) {
      throw new UpstreamError(
        `Kalshi ${options.describe} still had more pages after ${options.maxPages} pages; stopped by the max-pages guard (raise maxPages if the catalogue really is this large).`,
        { code: 'UPSTREAM_BAD_RESPONSE' },
      );
    }
    const fetched: FetchedPage<T> = await fetchPage(cursor, page);
    if (fetched.cursor !== null) {
      if (seen.has(fetched.cursor)) {
        throw new UpstreamError(
          `Kalshi ${options.describe} returned a cursor it had already returned (page ${page}); the cursor chain loops, so the walk stopped.`,
          { code: 'UPSTREAM_BAD_RESPONSE' },
        );
      }
      seen.add(fetched.cursor);
    }
    yield { ...fetched, page };
    if (fetched.cursor === null) return;
    cursor = fetched.cursor;
  }
}
