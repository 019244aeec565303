import type { Market } from '../core/market.js';
import { MarketReader } from '../store/reader.js';
import { checkEnv, DEFAULT_CLIENT_CHUNK_SIZE, positiveInt, type SecmasterClientOptions } from './options.js';
import { checkSubscribable } from './subscribable.js';

/** @defaultValue 50 */
export const DEFAULT_CLIENT_SEARCH_LIMIT = 50;

export interface SearchOptions {
  /**
   * Most markets returned.
   * @defaultValue {@link DEFAULT_CLIENT_SEARCH_LIMIT}
   */
  limit?: number;
}

/**
 * Reads markets straight from Redis; every call is a round trip (a connector's hot path should
 * use the cache). Redis failures reject with the store's `StoreError` (`code` `STORE`).
 */
export interface SecmasterClient {
  readonly env: string;
  get(ticker: string): Promise<Market | undefined>;
  /** The markets that exist among `tickers`, keyed by ticker. */
  getMany(tickers: readonly string[]): Promise<Map<string, Market>>;
  /** Every market in ticker order, read in chunks (memory stays bounded by the chunk size). */
  getAll(): AsyncIterableIterator<Market>;
  /** Markets of a category, by name (`Science and Technology`) or slug (`science-and-technology`), in ticker order. */
  byCategory(category: string): Promise<Market[]>;
  /**
   * Unsettled markets whose expiration time is before now + `ms`, soonest first: the seed's
   * `ZRANGEBYSCORE ... 0 {now+24h}`, so markets past expiration but not settled are included.
   */
  expiringWithin(ms: number): Promise<Market[]>;
  /**
   * Markets where every word of `query` starts a word of the ticker, title, subtitles, event
   * ticker or category; ranked as `secmaster search` ranks them (exact ticker first).
   */
  search(query: string, options?: SearchOptions): Promise<Market[]>;
  /** The seed's connector check against Redis; see `checkSubscribable`. */
  assertSubscribable(ticker: string): Promise<Market>;
}

/** A thin layer over the store's `MarketReader` (shared with the CLI), returning whole Markets. */
export function createSecmasterClient(options: SecmasterClientOptions): SecmasterClient {
  const env = checkEnv(options.env);
  const reader = new MarketReader(options.redis, env, { chunkSize: positiveInt('chunkSize', options.chunkSize, DEFAULT_CLIENT_CHUNK_SIZE) });
  /** Markets of `tickers` in the order given, leaving out those removed meanwhile. */
  const inOrder = async (tickers: readonly string[]): Promise<Market[]> => {
    const found = await reader.getMany(tickers);
    return tickers.flatMap((t) => found.get(t) ?? []);
  };
  return {
    env,
    get: async (ticker) => (await reader.get(ticker)) ?? undefined,
    getMany: (tickers) => reader.getMany(tickers),
    async *getAll() {
      for await (const page of reader.scan()) yield* page;
    },
    byCategory: async (category) => inOrder(await reader.byCategory(category)),
    expiringWithin: async (ms) => inOrder((await reader.expiringWithin(ms)).map((e) => e.ticker)),
    search: async (query, searchOptions) => {
      const limit = positiveInt('limit', searchOptions?.limit, DEFAULT_CLIENT_SEARCH_LIMIT);
      return inOrder((await reader.search(query, { limit })).hits.map((h) => h.market.ticker));
    },
    async assertSubscribable(ticker) {
      return checkSubscribable(ticker, await reader.get(ticker));
    },
  };
}
