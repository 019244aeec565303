/**
 * The reads the cache needs and `src/store/reader.ts` does not offer: each market together with
 * its version from `{ENV}:secmaster:index`, both read in one MULTI, so a market and its version
 * always belong to the same commit.
 */
import type { Redis } from 'ioredis';
import { decodeIndexEntry } from '../core/index-entry.js';
import { keys as keysFor } from '../core/keys.js';
import type { Market } from '../core/market.js';

/** One ticker as Redis holds it: its last event version and its Market, or null when removed. */
export interface VersionedMarket {
  ticker: string;
  /** Version of the ticker's last committed event; 0 when the index has no entry. */
  version: number;
  market: Market | null;
}

export interface VersionedReader {
  /**
   * Every ticker of the tickers ZSET in order, one chunk per yield, each market read with its
   * version (market null when it left the cache after the ZSET page was read). Starts after `after`.
   */
  scan(after?: string | null): AsyncGenerator<VersionedMarket[]>;
  /** Market and version of each ticker (an unknown ticker comes back with version 0 and market null). */
  read(tickers: readonly string[]): Promise<Map<string, VersionedMarket>>;
  /** Index versions only (no Market JSON), for the rollback check. */
  versions(tickers: readonly string[]): Promise<Map<string, number>>;
}

function versionOf(raw: string | null | undefined): number {
  return raw === null || raw === undefined ? 0 : (decodeIndexEntry(raw)?.version ?? 0);
}

export function createVersionedReader(redis: Redis, env: string, chunkSize: number): VersionedReader {
  const k = keysFor(env);

  const readChunk = async (tickers: readonly string[]): Promise<VersionedMarket[]> => {
    if (tickers.length === 0) return [];
    const result = await redis.multi().hmget(k.markets, ...tickers).hmget(k.index, ...tickers).exec();
    if (result === null) throw new Error(`Redis aborted the MULTI reading ${k.markets}`);
    for (const [err] of result) if (err) throw err;
    const markets = result[0]![1] as (string | null)[];
    const index = result[1]![1] as (string | null)[];
    return tickers.map((ticker, i) => {
      const json = markets[i] ?? null;
      return { ticker, version: versionOf(index[i]), market: json === null ? null : (JSON.parse(json) as Market) };
    });
  };

  const tickerPage = (after: string | null): Promise<string[]> =>
    redis.zrangebylex(k.tickers, after === null ? '-' : `(${after}`, '+', 'LIMIT', 0, chunkSize);

  return {
    async *scan(after = null) {
      let page = tickerPage(after);
      for (;;) {
        const tickers = await page;
        if (tickers.length === 0) return;
        // Ask for the next page while this one's markets are read and installed.
        page = tickers.length < chunkSize ? Promise.resolve([]) : tickerPage(tickers[tickers.length - 1]!);
        page.catch(() => undefined);
        yield await readChunk(tickers);
      }
    },

    async read(tickers) {
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
      tickers.forEach((t, i) => out.set(t, versionOf(values[i])));
      return out;
    },
  };
}
