/**
 * The hand-off under fire: a cache is started at a random moment while syncs run against a moving
 * simulator (commits and publishes interleave with the warm), and must end equal to Redis, market
 * for market and version for version, having applied each ticker's events in version order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMarketCache, type RewarmReport } from '../../src/client/index.js';
import { createRng } from '../../src/sim/rng.js';
import { connectNatsForTest, connectRedis, dropEnv, NATS_URL, testEnv } from '../helpers/services.js';
import { cacheNats, cacheRedis, cacheVsRedis, startSyncHarness } from './client-harness.js';

const SEEDS = Array.from({ length: 20 }, (_, i) => 1000 + i * 7919);

let redis: Redis;
let nc: NatsConnection;

beforeAll(async () => {
  redis = await connectRedis();
  nc = await connectNatsForTest();
});

afterAll(async () => {
  redis.disconnect();
  await nc.close();
});

describe('market cache hand-off', () => {
  it.each(SEEDS)('seed %i: a cache started at a random moment during syncs ends equal to Redis', async (seed) => {
    const rng = createRng(seed);
    const env = testEnv('cch');
    const harness = await startSyncHarness({ redis, nc, env, retentionSeconds: rng.chance(0.5) ? 0 : 3 * 24 * 3600 });
    const cacheRedisConn = cacheRedis();
    const cacheNc = await cacheNats(NATS_URL);
    const log: string[] = [];
    const logger = {
      debug() {},
      info: (obj: object, msg?: string) => log.push(`info ${msg} ${JSON.stringify(obj)}`),
      warn: (obj: object, msg?: string) => log.push(`warn ${msg} ${JSON.stringify(obj)}`),
      error: (obj: object, msg?: string) => log.push(`error ${msg} ${JSON.stringify(obj)}`),
    };
    // Small chunks stretch the warm over many round trips, so commits land in the middle of it;
    // small pulls make the consumer lag behind the publisher.
    const chunkSize = rng.pick([5, 50, 1000]);
    const batchSize = rng.pick([1, 20, 1000]);
    const cache = createMarketCache({ redis: cacheRedisConn, nats: cacheNc, env, checkIntervalMs: 200, chunkSize, batchSize, logger });
    const lastApplied = new Map<string, number>();
    const outOfOrder: string[] = [];
    const rewarms: RewarmReport[] = [];
    cache.onChange((event) => {
      const before = lastApplied.get(event.ticker);
      if (before !== undefined && event.version <= before) outOfOrder.push(`${event.ticker} v${event.version} after v${before}`);
      lastApplied.set(event.ticker, event.version);
    });
    cache.onRewarm((r) => rewarms.push(r));
    try {
      const syncs = rng.int(4, 7);
      // Start the cache while sync number `startDuring` runs (0: before or during the first,
      // when the stream may not exist yet), at a random point of it.
      const startDuring = rng.int(0, syncs - 1);
      const startDelayMs = rng.int(0, startDuring === 0 ? 500 : 60);
      let startCache: Promise<void> = Promise.resolve();
      for (let i = 0; i < syncs; i++) {
        const mode = i === 0 || rng.chance(0.4) ? 'full' : 'incremental';
        if (i === startDuring) startCache = sleep(startDelayMs).then(() => cache.start());
        const outcome = await harness.sync(mode);
        expect(outcome.error, `sync ${i} (${mode})`).toBeUndefined();
        harness.catalogue.step(rng.int(5, 80), rng);
        await sleep(rng.int(0, 30));
      }
      await startCache;
      await cache.ready;
      await cache.catchUp();
      expect(await cacheVsRedis(cache, redis, env)).toEqual([]);
      expect(outOfOrder).toEqual([]);
      const m = cache.metrics();
      expect(m.status).toBe('following');
      expect(rewarms.filter((r) => r.scope === 'all').map((r) => r.reason), log.join('\n')).toEqual([]);
      expect(m.rewarmsFull).toBe(0);
      expect(m.eventsMalformed).toBe(0);
      expect(rewarms.filter((r) => r.reason === 'version_gap')).toEqual([]);
      if (process.env.CLIENT_TEST_VERBOSE) console.log(JSON.stringify({ seed, startDuring, startDelayMs, chunkSize, batchSize, ...m }));
    } finally {
      await cache.close();
      cacheRedisConn.disconnect();
      await cacheNc.close();
      await harness.close();
      await dropEnv(redis, nc, env);
    }
  });
});
