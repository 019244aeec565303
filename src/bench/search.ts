/**
 * The `search` figure of `npm run bench`: latency of MarketReader.search over a cached ENV, and
 * what the search index costs in Redis memory. Called by src/bench/main.ts after it has synced a
 * large catalogue.
 */
import type { Redis } from 'ioredis';
import { keys as keysFor } from '../core/keys.js';
import { MarketReader } from '../store/reader.js';

/** A mix of what operators type: words, two-word phrases, ticker prefixes, prefixes being typed. */
export const DEFAULT_SEARCH_QUERIES: readonly string[] = [
  'bitcoin',
  'btc',
  'silver',
  'gold',
  'temperature',
  'fed rate',
  'nfl',
  'arizona wins',
  'over points',
  'KXNFL2QTOTAL',
  'KXBTCD',
  'inflat',
  'presid',
  'world cup',
  'rain',
];

export interface SearchBenchOptions {
  redis: Redis;
  env: string;
  /** @defaultValue DEFAULT_SEARCH_QUERIES, plus an exact ticker, an event-ticker prefix and a title word taken from the cache */
  queries?: readonly string[];
  /** Timed runs per query (after one untimed warm-up). @defaultValue 5 */
  runs?: number;
  /** @defaultValue 20 */
  limit?: number;
  /** Sum MEMORY USAGE over the search keys (one call per key, pipelined). @defaultValue true */
  measureMemory?: boolean;
}

export interface SearchBenchQuery {
  query: string;
  total: number;
  p50_ms: number;
  max_ms: number;
}

export interface SearchBenchResult {
  env: string;
  markets: number;
  terms: number;
  queries: SearchBenchQuery[];
  /** Over every timed run of every query. */
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  /** Redis memory of the term SETs and the term ZSET; null when not measured. */
  index_bytes: number | null;
  /** Redis memory of the markets HASH, for scale; null when not measured. */
  markets_bytes: number | null;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Queries drawn from the cache itself, so every catalogue has hits of each rank. */
async function sampleQueries(reader: MarketReader, redis: Redis): Promise<string[]> {
  const count = await redis.zcard(reader.keys.tickers);
  if (count === 0) return [];
  const [ticker] = await redis.zrange(reader.keys.tickers, Math.floor(count / 2), Math.floor(count / 2));
  if (ticker === undefined) return [];
  const market = await reader.get(ticker);
  const out = [ticker];
  if (market?.event_ticker) out.push(market.event_ticker.slice(0, Math.max(2, market.event_ticker.length - 2)));
  const word = market?.title.split(/\s+/).find((w) => /^[A-Za-z]{4,}$/.test(w));
  if (word) out.push(word);
  return out;
}

async function memoryOf(redis: Redis, keys: AsyncIterable<string[]>): Promise<number> {
  let bytes = 0;
  for await (const batch of keys) {
    const pipe = redis.pipeline();
    for (const key of batch) pipe.memory('USAGE', key, 'SAMPLES', '0');
    for (const [, n] of (await pipe.exec()) ?? []) bytes += Number(n ?? 0);
  }
  return bytes;
}

async function* termKeys(redis: Redis, env: string): AsyncGenerator<string[]> {
  const k = keysFor(env);
  yield [k.searchTerms];
  let min = '-';
  for (;;) {
    const page = await redis.zrangebylex(k.searchTerms, min, '+', 'LIMIT', 0, 1000);
    if (page.length === 0) return;
    yield page.map((t) => k.search(t));
    if (page.length < 1000) return;
    min = `(${page[page.length - 1]!}`;
  }
}

export async function benchSearch(options: SearchBenchOptions): Promise<SearchBenchResult> {
  const { redis, env } = options;
  const reader = new MarketReader(redis, env);
  const runs = Math.max(1, options.runs ?? 5);
  const queries = options.queries ?? [...DEFAULT_SEARCH_QUERIES, ...(await sampleQueries(reader, redis))];
  const all: number[] = [];
  const perQuery: SearchBenchQuery[] = [];
  for (const query of queries) {
    const first = await reader.search(query, { limit: options.limit ?? 20 });
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await reader.search(query, { limit: options.limit ?? 20 });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    all.push(...times);
    perQuery.push({ query, total: first.total, p50_ms: round(percentile(times, 50)), max_ms: round(times[times.length - 1]!) });
  }
  all.sort((a, b) => a - b);
  const k = keysFor(env);
  const measure = options.measureMemory ?? true;
  return {
    env,
    markets: await redis.zcard(k.tickers),
    terms: await redis.zcard(k.searchTerms),
    queries: perQuery,
    p50_ms: round(percentile(all, 50)),
    p95_ms: round(percentile(all, 95)),
    max_ms: round(all[all.length - 1] ?? 0),
    index_bytes: measure ? await memoryOf(redis, termKeys(redis, env)) : null,
    markets_bytes: measure ? Number(await redis.memory('USAGE', k.markets, 'SAMPLES', '0')) : null,
  };
}

/** The hook src/bench/main.ts calls after its syncs: the search figures over the synced ENV. */
export async function runBench(options: { redis: Redis; env: string }): Promise<Record<string, unknown>> {
  return { scenario: 'search', ...(await benchSearch({ redis: options.redis, env: options.env })) };
}
