import type { Market } from '../core/market.js';
import { checkEnv, positiveInt, type SecmasterClientOptions } from './options.js';
import { createMarketReader, DEFAULT_CHUNK_SIZE, DEFAULT_SEARCH_LIMIT } from './reads.js';
import { checkSubscribable } from './subscribable.js';

export interface SearchOptions {
  /**
   * Most markets returned.
   * @defaultValue 50
   */
  limit?: number;
}

/** Reads markets straight from Redis; every call is a round trip (use the cache for hot paths). */
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
   * Markets matching every word of `query` (a word matches the words of a market that it starts:
   * ticker, title, subtitles, event ticker, category), the ticker itself first, then in ticker order.
   */
  search(query: string, options?: SearchOptions): Promise<Market[]>;
  /** The seed's connector check against Redis; see `checkSubscribable`. */
  assertSubscribable(ticker: string): Promise<Market>;
}

export function createSecmasterClient(options: SecmasterClientOptions): SecmasterClient {
  const env = checkEnv(options.env);
  const reader = createMarketReader(options.redis, env, positiveInt('chunkSize', options.chunkSize, DEFAULT_CHUNK_SIZE));
  return {
    env,
    get: (ticker) => reader.get(ticker),
    getMany: (tickers) => reader.getMany(tickers),
    async *getAll() {
      for await (const chunk of reader.scan()) {
        for (const v of chunk) if (v.market !== null) yield v.market;
      }
    },
    byCategory: (category) => reader.byCategory(category),
    expiringWithin: (ms) => reader.expiringWithin(ms),
    search: (query, searchOptions) => reader.search(query, searchOptions?.limit ?? DEFAULT_SEARCH_LIMIT),
    async assertSubscribable(ticker) {
      return checkSubscribable(ticker, await reader.get(ticker));
    },
  };
}
