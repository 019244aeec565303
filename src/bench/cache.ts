/**
 * The `market_cache` figure of `npm run bench`: how long `createMarketCache` takes to warm a
 * large ENV, and how many journal events per second it applies. Works in its own ENV
 * (`{env}-cache`), built from the markets the bench synced into `env` (or the bundled captures),
 * and deletes it afterwards.
 */
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { connect, headers as natsHeaders } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { createMarketCache } from '../client/cache.js';
import { decodeEvent } from '../client/decode.js';
import { MarketLedger } from '../client/ledger.js';
import { serializeMarket } from '../core/diff.js';
import { serializeEvent, type MarketUpdatedEvent } from '../core/events.js';
import type { KalshiMarketRecord } from '../core/kalshi.js';
import { changesSubject, defaultStreamName, eventId, keys as keysFor } from '../core/keys.js';
import type { Market } from '../core/market.js';
import { NO_CATEGORY_INFO, normalizeMarket } from '../core/normalize.js';

/** @defaultValue 200000 (BENCH_CACHE_MARKETS) */
export const DEFAULT_BENCH_CACHE_MARKETS = 200_000;
/** @defaultValue 100000 (BENCH_CACHE_EVENTS) */
export const DEFAULT_BENCH_CACHE_EVENTS = 100_000;
const WRITE_CHUNK = 2000;
const CAPTURE = new URL('../../fixtures/kalshi/markets_open_1000.json', import.meta.url);

export interface CacheBenchOptions {
  /** A connection to write the bench ENV with (the cache gets its own, from `redisUrl`). */
  redis: Redis;
  /** ENV whose markets serve as templates; the bench works in `{env}-cache`. */
  env: string;
  redisUrl: string;
  natsUrl: string;
  /** @defaultValue {@link DEFAULT_BENCH_CACHE_MARKETS} */
  markets?: number;
  /** @defaultValue {@link DEFAULT_BENCH_CACHE_EVENTS} */
  events?: number;
}

export interface CacheBenchResult {
  scenario: 'market_cache';
  markets: number;
  market_json_bytes_avg: number;
  /** `start()` to `ready`: stream position, chunked MULTI reads of markets and versions, install. */
  warm_ms: number;
  warm_markets_per_second: number;
  /** V8 heap growth from before the warm to after it, for the cache's contents. */
  heap_mb_for_cache: number;
  events: number;
  /** Publishing the events (plain NATS publishes captured by the stream). */
  publish_ms: number;
  /** First event applied to last, through JetStream (the consumer's pace when `lag_at_publish_end` is high). */
  apply_ms: number;
  events_per_second: number;
  /** First publish to last event applied. */
  end_to_end_ms: number;
  /** Events not yet applied when publishing ended (near 0: the consumer kept up and the rate is the publisher's). */
  lag_at_publish_end: number;
  /** Decode + version check + apply without NATS, on the same bodies: the cache's own cost. */
  apply_only_events_per_second: number;
  /** Most events waiting in the cache at once while it drained the backlog. */
  buffered_peak: number;
  rewarms_full: number;
}

async function templates(redis: Redis, env: string): Promise<Market[]> {
  const k = keysFor(env);
  const tickers = await redis.zrangebylex(k.tickers, '-', '+', 'LIMIT', 0, 5000);
  if (tickers.length > 0) {
    const values = await redis.hmget(k.markets, ...tickers);
    const found = values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as Market);
    if (found.length > 0) return found;
  }
  const page = JSON.parse(await readFile(CAPTURE, 'utf8')) as { markets: KalshiMarketRecord[] };
  return page.markets.map((m) => normalizeMarket(m, NO_CATEGORY_INFO));
}

function cloneAs(template: Market, ticker: string): Market {
  return { ...template, ticker, kalshi_id: ticker };
}

export async function runCacheBench(options: CacheBenchOptions): Promise<CacheBenchResult> {
  const count = options.markets ?? DEFAULT_BENCH_CACHE_MARKETS;
  const eventCount = Math.min(options.events ?? DEFAULT_BENCH_CACHE_EVENTS, count);
  const env = `${options.env}-cache`;
  const k = keysFor(env);
  const { redis } = options;
  const base = await templates(redis, options.env);
  const tickers: string[] = [];
  const markets: Market[] = [];
  let jsonBytes = 0;

  const nc = await connect({ servers: options.natsUrl.split(','), maxReconnectAttempts: -1 });
  const cacheRedis = new Redis(options.redisUrl);
  const jsm = await jetstreamManager(nc);
  try {
    for (let i = 0; i < count; i += WRITE_CHUNK) {
      const pipe = redis.pipeline();
      const hash: string[] = [];
      const index: string[] = [];
      const zset: (string | number)[] = [];
      for (let j = i; j < Math.min(count, i + WRITE_CHUNK); j++) {
        const template = base[j % base.length]!;
        const market = cloneAs(template, `${template.ticker}-C${Math.floor(j / base.length)}`);
        const json = serializeMarket(market);
        jsonBytes += json.length;
        tickers.push(market.ticker);
        if (j < eventCount) markets.push(market);
        hash.push(market.ticker, json);
        index.push(market.ticker, `1|a|bench|`);
        zset.push(0, market.ticker);
      }
      pipe.hset(k.markets, ...hash).hset(k.index, ...index).zadd(k.tickers, ...zset);
      await pipe.exec();
    }
    await jsm.streams.add({ name: defaultStreamName(env), subjects: [changesSubject(env)] });

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const cache = createMarketCache({ redis: cacheRedis, nats: nc, env });
    let t0 = performance.now();
    await cache.start();
    const warmMs = performance.now() - t0;
    global.gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

    // market_updated events, version 2 of the first `eventCount` tickers, serialised up front.
    const bodies = markets.map((m) => {
      const market = { ...m, title: `${m.title} (bench)` };
      const event: MarketUpdatedEvent = {
        type: 'market_updated', id: eventId(env, m.ticker, 2), env, sync_id: 'bench', ticker: m.ticker, version: 2,
        timestamp: new Date().toISOString(), changes: { title: { old: m.title, new: market.title } }, market,
      };
      return { id: event.id, body: serializeEvent(event) };
    });
    let applied = 0;
    let firstApplied = 0;
    let allApplied: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (allApplied = resolve));
    cache.onChange(() => {
      if (applied === 0) firstApplied = performance.now();
      if (++applied === bodies.length) allApplied();
    });
    // Plain NATS publishes (the stream captures them) outrun acked ones, so the consumer, not the
    // publisher, sets the pace; the stream's count confirms every event was stored.
    t0 = performance.now();
    for (const b of bodies) {
      const headers = natsHeaders();
      headers.set('Nats-Msg-Id', b.id);
      nc.publish(changesSubject(env), b.body, { headers });
    }
    await nc.flush();
    const publishMs = performance.now() - t0;
    const stored = (await jsm.streams.info(defaultStreamName(env))).state.messages;
    if (stored !== bodies.length) throw new Error(`the stream stored ${stored} of ${bodies.length} bench events`);
    const lag = bodies.length - applied;
    await done;
    const endToEndMs = performance.now() - t0;
    const applyMs = performance.now() - firstApplied;
    const metrics = cache.metrics();
    await cache.close();

    // The same work without NATS: decode, check the version, apply.
    const ledger = new MarketLedger();
    for (const m of markets) ledger.set(m.ticker, 1, m);
    t0 = performance.now();
    for (const b of bodies) {
      const d = decodeEvent(b.body);
      if (d.ok && ledger.verdict(d.event, true) === 'apply' && d.event.type !== 'market_removed') ledger.set(d.event.ticker, d.event.version, d.event.market);
    }
    const applyOnlyMs = performance.now() - t0;

    return {
      scenario: 'market_cache',
      markets: count,
      market_json_bytes_avg: Math.round(jsonBytes / count),
      warm_ms: Math.round(warmMs),
      warm_markets_per_second: Math.round(count / (warmMs / 1000)),
      heap_mb_for_cache: Math.round(heapMb),
      events: bodies.length,
      publish_ms: Math.round(publishMs),
      apply_ms: Math.round(applyMs),
      events_per_second: Math.round(bodies.length / (applyMs / 1000)),
      end_to_end_ms: Math.round(endToEndMs),
      lag_at_publish_end: lag,
      apply_only_events_per_second: Math.round(bodies.length / (applyOnlyMs / 1000)),
      buffered_peak: metrics.bufferedPeak,
      rewarms_full: metrics.rewarmsFull,
    };
  } finally {
    await jsm.streams.delete(defaultStreamName(env)).catch(() => undefined);
    await redis.unlink(k.markets, k.index, k.tickers);
    cacheRedis.disconnect();
    await nc.close();
  }
}

/** The entry `src/bench/main.ts` calls. */
export async function runBench(options: { redis: Redis; env: string; natsUrl: string; redisUrl: string }): Promise<CacheBenchResult> {
  const fromEnv = (name: string): number | undefined => (process.env[name] ? Number(process.env[name]) : undefined);
  return runCacheBench({ ...options, markets: fromEnv('BENCH_CACHE_MARKETS'), events: fromEnv('BENCH_CACHE_EVENTS') });
}
