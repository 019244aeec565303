/**
 * Plain reads over the secmaster keys of one ENV (CONTRACT section 3 plus the internal index,
 * ticker ZSET and search terms). Versions come from `{ENV}:secmaster:index`, read in the same
 * MULTI as the Market JSON, so a market and its version always belong together.
 */
import type { Redis } from 'ioredis';
import { decodeIndexEntry } from '../core/index-entry.js';
import { categorySlug, keys as keysFor, type Keys } from '../core/keys.js';
import type { Market } from '../core/market.js';
import { words } from '../core/search.js';

/** Tickers per round trip when reading many markets. @defaultValue 1000 */
export const DEFAULT_CHUNK_SIZE = 1000;
/** Search terms one query word may expand to (by prefix). @defaultValue 500 */
export const DEFAULT_MAX_TERMS_PER_WORD = 500;
/** @defaultValue 50 */
export const DEFAULT_SEARCH_LIMIT = 50;

/** One ticker as Redis holds it: its last event version and its Market, or null when removed. */
export interface VersionedMarket {
  ticker: string;
  /** Version of the ticker's last committed event; 0 when the index has no entry. */
  version: number;
  market: Market | null;
}

export interface MarketReader {
  readonly keys: Keys;
  get(ticker: string): Promise<Market | undefined>;
  getMany(tickers: readonly string[]): Promise<Map<string, Market>>;
  /**
   * Every ticker of the ZSET in order, one chunk per yield, each market read with its version
   * (market null when it left the cache since the ZSET page was read). Starts after `after`.
   */
  scan(after?: string | null): AsyncGenerator<VersionedMarket[]>;
  /** Market and version of each ticker, read together (unknown tickers come back with version 0, market null). */
  readVersioned(tickers: readonly string[]): Promise<Map<string, VersionedMarket>>;
  /** A sample of index versions (no Market JSON), for the rollback check. */
  versions(tickers: readonly string[]): Promise<Map<string, number>>;
  byCategory(category: string): Promise<Market[]>;
  expiringWithin(ms: number, now?: Date): Promise<Market[]>;
  search(query: string, limit?: number): Promise<Market[]>;
}

function parseMarket(json: string | null): Market | null {
  return json === null ? null : (JSON.parse(json) as Market);
}

function versionOf(raw: string | null): number {
  if (raw === null) return 0;
  return decodeIndexEntry(raw)?.version ?? 0;
}

/** MULTI/EXEC replies carry per-command errors; surface the first one. */
function replies(result: [Error | null, unknown][] | null, what: string): unknown[] {
  if (result === null) throw new Error(`Redis aborted the transaction reading ${what}`);
  return result.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

export function createMarketReader(redis: Redis, env: string, chunkSize = DEFAULT_CHUNK_SIZE): MarketReader {
  const k = keysFor(env);

  const getMany = async (tickers: readonly string[]): Promise<Map<string, Market>> => {
    const out = new Map<string, Market>();
    for (let i = 0; i < tickers.length; i += chunkSize) {
      const chunk = tickers.slice(i, i + chunkSize);
      const values = await redis.hmget(k.markets, ...chunk);
      values.forEach((json, j) => {
        const market = parseMarket(json);
        if (market !== null) out.set(chunk[j]!, market);
      });
    }
    return out;
  };

  /** Markets of `tickers`, in the order given, skipping those that are gone. */
  const inOrder = async (tickers: readonly string[]): Promise<Market[]> => {
    const found = await getMany(tickers);
    return tickers.flatMap((t) => {
      const m = found.get(t);
      return m === undefined ? [] : [m];
    });
  };

  const readChunk = async (tickers: readonly string[]): Promise<VersionedMarket[]> => {
    if (tickers.length === 0) return [];
    const result = await redis.multi().hmget(k.markets, ...tickers).hmget(k.index, ...tickers).exec();
    const [markets, index] = replies(result, k.markets) as [(string | null)[], (string | null)[]];
    return tickers.map((ticker, i) => ({ ticker, version: versionOf(index[i] ?? null), market: parseMarket(markets[i] ?? null) }));
  };

  const tickerPage = (after: string | null): Promise<string[]> =>
    redis.zrangebylex(k.tickers, after === null ? '-' : `(${after}`, '+', 'LIMIT', 0, chunkSize);

  return {
    keys: k,

    async get(ticker) {
      return parseMarket(await redis.hget(k.markets, ticker)) ?? undefined;
    },

    getMany,

    async *scan(after = null) {
      let page = tickerPage(after);
      for (;;) {
        const tickers = await page;
        if (tickers.length === 0) return;
        // Ask for the next page while this one's markets are read and handed out.
        page = tickers.length < chunkSize ? Promise.resolve([]) : tickerPage(tickers[tickers.length - 1]!);
        page.catch(() => undefined);
        const chunk = await readChunk(tickers);
        yield chunk;
      }
    },

    async readVersioned(tickers) {
      const out = new Map<string, VersionedMarket>();
      for (let i = 0; i < tickers.length; i += chunkSize) {
        for (const v of await readChunk(tickers.slice(i, i + chunkSize))) out.set(v.ticker, v);
      }
      return out;
    },

    async versions(tickers) {
      const out = new Map<string, number>();
      if (tickers.length === 0) return out;
      const values = await redis.hmget(k.index, ...tickers);
      tickers.forEach((t, i) => out.set(t, versionOf(values[i] ?? null)));
      return out;
    },

    async byCategory(category) {
      const slug = categorySlug(category);
      if (slug === '') return [];
      const tickers = (await redis.smembers(k.byCategory(slug))).sort();
      return inOrder(tickers);
    },

    async expiringWithin(ms, now = new Date()) {
      // The seed's query: everything unsettled whose expiration is before now + ms, overdue ones included.
      const until = Math.floor((now.getTime() + ms) / 1000);
      const tickers = await redis.zrangebyscore(k.expiring, '-inf', until);
      return inOrder(tickers);
    },

    async search(query, limit = DEFAULT_SEARCH_LIMIT) {
      const queryWords = [...new Set(words(query))];
      if (queryWords.length === 0 || limit <= 0) return [];
      // Each word matches every term it prefixes; a market must match all words.
      const expand = redis.pipeline();
      for (const w of queryWords) expand.zrangebylex(k.searchTerms, `[${w}`, `[${w}\xff`, 'LIMIT', 0, DEFAULT_MAX_TERMS_PER_WORD);
      const termLists = replies(await expand.exec(), k.searchTerms) as string[][];
      if (termLists.some((terms) => terms.length === 0)) return [];
      const members = redis.pipeline();
      for (const terms of termLists) members.sunion(...terms.map((t) => k.search(t)));
      const sets = (replies(await members.exec(), k.searchPrefix) as string[][]).sort((a, b) => a.length - b.length);
      let hits = new Set(sets[0]);
      for (const set of sets.slice(1)) {
        const other = new Set(set);
        hits = new Set([...hits].filter((t) => other.has(t)));
      }
      const needle = query.trim().toUpperCase();
      const rank = (t: string): number => (t === needle ? 0 : t.startsWith(needle) ? 1 : 2);
      const tickers = [...hits].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0)).slice(0, limit);
      return inOrder(tickers);
    },
  };
}
