/**
 * The cache when the plumbing misbehaves: the stream truncated past the warm's position, a gap in
 * stream sequence, the stream recreated, a NATS server restart, Redis connections cut (also in the
 * middle of the warm) and a Redis that comes back with older data. Each ends equal to Redis.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMarketCache, type MarketCache, type RewarmReport } from '../../src/client/index.js';
import { defaultStreamName, keys } from '../../src/core/keys.js';
import { createRng } from '../../src/sim/rng.js';
import { connectNatsForTest, connectRedis, dropEnv, NATS_URL, testEnv } from '../helpers/services.js';
import {
  cacheNats,
  cacheRedis,
  cacheVsRedis,
  REDIS_PORT,
  startNatsServer,
  startSyncHarness,
  startTcpProxy,
  testLogger,
  waitFor,
  type SyncHarness,
} from './client-harness.js';

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

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

function watch(cache: MarketCache): RewarmReport[] {
  const reports: RewarmReport[] = [];
  cache.onRewarm((r) => reports.push(r));
  return reports;
}

/** Moves markets and syncs until at least `events` events were published. */
async function syncAtLeast(harness: SyncHarness, events: number, seed: number): Promise<number> {
  const rng = createRng(seed);
  let published = 0;
  while (published < events) {
    harness.catalogue.step(40, rng);
    const outcome = await harness.sync('incremental');
    expect(outcome.error).toBeUndefined();
    published += outcome.report.events_published;
  }
  return published;
}

describe('market cache resilience', () => {
  it('warms again when the stream is truncated past its position during the warm', async () => {
    const env = testEnv('ccr');
    const harness = await startSyncHarness({ redis, nc, env });
    cleanups.push(() => dropEnv(redis, nc, env), () => harness.close());
    expect((await harness.sync('full')).error).toBeUndefined();
    const jsm = await jetstreamManager(nc);
    const info = await jsm.streams.info(defaultStreamName(env));
    await jsm.streams.update(defaultStreamName(env), { ...info.config, max_msgs: 3 });

    const proxy = await startTcpProxy(REDIS_PORT);
    const cr = cacheRedis(proxy.port);
    await cr.ping();
    const cn = await cacheNats(NATS_URL);
    const cache = createMarketCache({ redis: cr, nats: cn, env, logger: testLogger() });
    cleanups.push(() => proxy.close(), async () => cr.disconnect(), () => cn.close(), () => cache.close());
    const reports = watch(cache);

    proxy.pause(); // the warm reads the stream position, then waits for Redis
    const started = cache.start();
    await waitFor('the warm to begin', () => cache.status === 'warming');
    await sleep(200);
    await syncAtLeast(harness, 5, 1);
    proxy.resume();
    await started;
    await cache.catchUp();

    expect(cache.metrics().rewarmsFull).toBeGreaterThanOrEqual(1);
    expect(reports).toEqual([]); // the first warm simply started over
    expect(await cacheVsRedis(cache, redis, env)).toEqual([]);
  });

  it('re-warms everything on a gap in stream sequence (messages deleted before delivery)', async () => {
    const env = testEnv('ccr');
    const harness = await startSyncHarness({ redis, nc, env });
    cleanups.push(() => dropEnv(redis, nc, env), () => harness.close());
    expect((await harness.sync('full')).error).toBeUndefined();
    const natsPort = Number(new URL(NATS_URL.split(',')[0]!).port || 4222);
    const proxy = await startTcpProxy(natsPort);
    const cn = await cacheNats(`nats://127.0.0.1:${proxy.port}`);
    const cr = cacheRedis();
    // One message per pull: while the connection is held, JetStream has handed out at most one.
    const cache = createMarketCache({ redis: cr, nats: cn, env, batchSize: 1, logger: testLogger() });
    cleanups.push(() => proxy.close(), async () => cr.disconnect(), () => cn.close(), () => cache.close());
    const reports = watch(cache);
    await cache.start();
    const position = cache.metrics().position;

    proxy.pause();
    await syncAtLeast(harness, 4, 2);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.deleteMessage(defaultStreamName(env), position + 2);
    await jsm.streams.deleteMessage(defaultStreamName(env), position + 3);
    proxy.resume();
    await waitFor('the re-warm', () => reports.length > 0);
    await cache.catchUp();

    expect(reports.map((r) => [r.scope, r.reason])).toEqual([['all', 'stream_gap']]);
    expect(await cacheVsRedis(cache, redis, env)).toEqual([]);
  });

  it('re-warms everything when the stream is deleted and created again', async () => {
    const env = testEnv('ccr');
    const harness = await startSyncHarness({ redis, nc, env });
    cleanups.push(() => dropEnv(redis, nc, env), () => harness.close());
    expect((await harness.sync('full')).error).toBeUndefined();
    const cn = await cacheNats(NATS_URL);
    const cr = cacheRedis();
    const cache = createMarketCache({ redis: cr, nats: cn, env, checkIntervalMs: 100, logger: testLogger() });
    cleanups.push(async () => cr.disconnect(), () => cn.close(), () => cache.close());
    const reports = watch(cache);
    await cache.start();

    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(defaultStreamName(env));
    await syncAtLeast(harness, 3, 3); // the sync creates the stream again; its sequence starts over
    await waitFor('the re-warm', () => reports.length > 0);
    await syncAtLeast(harness, 3, 4);
    await cache.catchUp();

    expect(reports.map((r) => [r.scope, r.reason])).toEqual([['all', 'stream_recreated']]);
    expect(await cacheVsRedis(cache, redis, env)).toEqual([]);
  });

  it('loses nothing across a NATS server restart in the middle of a stream of events', async () => {
    const server = await startNatsServer();
    cleanups.push(() => server.destroy());
    const syncNc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
    cleanups.push(() => syncNc.close());
    const env = testEnv('ccr');
    const harness = await startSyncHarness({ redis, nc: syncNc, env });
    cleanups.push(() => dropEnv(redis, null, env), () => harness.close());
    const cn = await cacheNats(server.url);
    const cr = cacheRedis();
    // Small pulls keep the cache behind the publisher, so the restart cuts into undelivered messages.
    const cache = createMarketCache({ redis: cr, nats: cn, env, batchSize: 5, checkIntervalMs: 200, logger: testLogger() });
    cleanups.push(async () => cr.disconnect(), () => cn.close(), () => cache.close());
    const reports = watch(cache);
    await cache.start(); // no stream yet: ready at once, follows from the first message

    const firstSync = harness.sync('full'); // about a thousand events
    await waitFor('the cache to be mid-stream', () => cache.metrics().position >= 100, 45_000);
    await server.stop();
    const stoppedAt = cache.metrics().position;
    await sleep(300);
    await server.start();
    const first = await firstSync; // may have failed to publish: the next sync re-publishes its outbox first
    const jsm = await jetstreamManager(syncNc, { timeout: 1000, checkAPI: false });
    await waitFor('JetStream to answer the syncs again', () => jsm.streams.info(defaultStreamName(env)).then(() => true, () => false));
    await syncAtLeast(harness, 20, 5);
    await cache.catchUp();

    const m = cache.metrics();
    expect(stoppedAt, 'the restart came before the cache had the first sync').toBeLessThan(first.report.added);
    expect(await cacheVsRedis(cache, redis, env)).toEqual([]);
    expect(m.consumerResets).toBeGreaterThanOrEqual(1);
    expect(m.rewarmsFull).toBe(0);
    expect(reports).toEqual([]);
  });

  it('rides out Redis connections cut during the warm and while following; re-warms when Redis comes back older', async () => {
    const env = testEnv('ccr');
    const harness = await startSyncHarness({ redis, nc, env });
    cleanups.push(() => dropEnv(redis, nc, env), () => harness.close());
    expect((await harness.sync('full')).error).toBeUndefined();
    const proxy = await startTcpProxy(REDIS_PORT);
    const cr = cacheRedis(proxy.port);
    await cr.ping();
    const cn = await cacheNats(NATS_URL);
    const cache = createMarketCache({ redis: cr, nats: cn, env, backoff: { minMs: 20, maxMs: 200 }, logger: testLogger() });
    cleanups.push(() => proxy.close(), async () => cr.disconnect(), () => cn.close(), () => cache.close());
    const reports = watch(cache);
    const errors: string[] = [];
    cache.onError((_e, context) => errors.push(context));

    proxy.pause();
    const started = cache.start();
    await waitFor('the warm to begin', () => cache.status === 'warming');
    await sleep(100);
    proxy.dropAll(); // the warm's Redis reads die with the connection
    proxy.resume();
    await started;
    expect(await cacheVsRedis(cache, redis, env)).toEqual([]);

    proxy.dropAll(); // while following: events keep flowing, nothing to re-read
    await syncAtLeast(harness, 10, 6);
    await cache.catchUp();
    expect(await cacheVsRedis(cache, redis, env)).toEqual([]);
    expect(cache.metrics().rewarmsFull).toBe(0);
    expect(reports).toEqual([]);

    // Redis comes back from an older backup: a ticker the cache holds is at an earlier version.
    const first = [...cache.values()].map((m) => m.ticker).sort()[0]!;
    const held = cache.version(first)!;
    const older = { ...cache.get(first)!, title: 'restored from an older backup' };
    const k = keys(env);
    await redis.multi().hset(k.markets, first, JSON.stringify(older)).hset(k.index, first, `${held - 1}|a||`).exec();
    proxy.dropAll();
    await waitFor('the rollback re-warm', () => reports.length > 0);
    await cache.catchUp();
    expect(reports.map((r) => [r.scope, r.reason])).toEqual([['all', 'redis_rollback']]);
    expect(cache.get(first)).toEqual(older);
    expect(await cacheVsRedis(cache, redis, env)).toEqual([]);
  });

  it('close() during the warm rejects ready with CacheClosedError and releases everything', async () => {
    const env = testEnv('ccr');
    const proxy = await startTcpProxy(REDIS_PORT);
    const cr = cacheRedis(proxy.port);
    await cr.ping();
    const cn = await cacheNats(NATS_URL);
    cleanups.push(() => proxy.close(), async () => cr.disconnect(), () => cn.close(), () => dropEnv(redis, nc, env));
    const cache = createMarketCache({ redis: cr, nats: cn, env, logger: testLogger() });
    proxy.pause(); // the warm hangs on Redis
    const started = cache.start();
    await waitFor('the warm to begin', () => cache.status === 'warming');
    await sleep(200); // its first Redis read is in flight
    const t0 = Date.now();
    await cache.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    await expect(started).rejects.toMatchObject({ name: 'CacheClosedError', code: 'CACHE_CLOSED' });
    await expect(cache.start()).rejects.toMatchObject({ code: 'CACHE_CLOSED' });
    expect(cache.status).toBe('closed');
    proxy.resume();
  });
});
