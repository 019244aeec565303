import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KalshiSimulator } from '../../src/sim/server.js';
import { connectNatsForTest, connectRedis, dropEnv, readStream, runCli, sentences, summary, testEnv } from '../helpers/services.js';
import { cliEnv, snapshotEnv, startCaptureSim } from '../helpers/sim.js';

let redis: Redis;
let nc: NatsConnection;
let sim: KalshiSimulator;
let env: string;

beforeAll(async () => {
  redis = await connectRedis();
  nc = await connectNatsForTest();
});
afterAll(async () => {
  await redis.quit();
  await nc.close();
});
beforeEach(async () => {
  env = testEnv('safe');
  sim = await startCaptureSim();
});
afterEach(async () => {
  await sim.close();
  await dropEnv(redis, nc, env);
});

const sync = (mode: 'full' | 'incremental', extra: Record<string, string> = {}, options: Parameters<typeof runCli>[2] = {}) =>
  runCli(['sync', env, '--mode', mode], cliEnv(sim, extra), options);

/** Waits until a run of this ENV holds the lock (it has started for real). */
async function lockTaken(): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await redis.exists(`${env}:secmaster:lock`)) === 1) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no sync took the lock within 10 s');
}

function activeTickers(): string[] {
  return sim.catalogue
    .liveEntries()
    .filter((e) => e.status === 'active' && !e.mve)
    .map((e) => e.ticker)
    .sort();
}

describe('incremental sync', () => {
  it('applies what changed since the last sync, never removes, and advances the watermark', async () => {
    expect((await sync('full')).code).toBe(0);
    // The first incremental also brings markets that were created and settled since (never walked by full).
    expect((await sync('incremental')).code).toBe(0);
    const watermark1 = Number(await redis.get(`${env}:secmaster:watermark`));
    const eventsBefore = (await readStream(nc, env)).length;
    const [paused, settled, delisted] = activeTickers();
    sim.catalogue.pause(paused!);
    sim.catalogue.determine(settled!, 'yes');
    sim.catalogue.settle(settled!);
    sim.catalogue.delist(delisted!);
    const added = { ...sim.catalogue.market(activeTickers()[5]!)!, ticker: 'KXNEWMARKET-26NOV25-T1', created_time: new Date().toISOString(), updated_time: new Date().toISOString() };
    sim.catalogue.add(added);
    await new Promise((r) => setTimeout(r, 1100));

    const res = await sync('incremental');
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ mode: 'incremental', added: 1, updated: 1, settled: 1, removed: 0 });
    const events = (await readStream(nc, env)).slice(eventsBefore).map((e) => [e.body.type, e.body.ticker]);
    expect(events).toEqual(
      [['market_updated', paused], ['market_settled', settled], ['market_added', 'KXNEWMARKET-26NOV25-T1']].sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
    expect(await redis.hexists(`${env}:secmaster:markets`, delisted!)).toBe(1);
    expect(Number(await redis.get(`${env}:secmaster:watermark`))).toBeGreaterThan(watermark1);

    // Nothing changed since: an incremental run is a no-op.
    const again = await sync('incremental');
    expect(summary(again.stdout)).toMatchObject({ added: 0, updated: 0, settled: 0, removed: 0 });
  });

  it('keeps the watermark when the run fails', async () => {
    expect((await sync('full')).code).toBe(0);
    const watermark = await redis.get(`${env}:secmaster:watermark`);
    sim.setOptions({ failures: [{ path: '/markets', status: 503 }] });
    const res = await sync('incremental', { KALSHI_MAX_RETRIES: '1' });
    expect(res.code).toBe(1);
    expect(await redis.get(`${env}:secmaster:watermark`)).toBe(watermark);
  });
});

describe('one sync per ENV at a time', () => {
  it('a second run while the first holds the lock exits 0 with skipped: locked', async () => {
    sim.setOptions({ latencyMs: 150 });
    const first = sync('full');
    await lockTaken();
    const second = await sync('incremental');
    expect(second.code, second.stderr).toBe(0);
    expect(summary(second.stdout)).toMatchObject({ status: 'skipped', skipped: 'locked', added: 0 });
    const firstRes = await first;
    expect(firstRes.code, firstRes.stderr).toBe(0);
    expect(summary(firstRes.stdout).status).toBe('success');
    expect(await redis.exists(`${env}:secmaster:lock`)).toBe(0);
  });
});

describe('crash consistency', () => {
  it('a SIGKILL between commit and publish loses no event: the next run publishes each exactly once', async () => {
    const crashed = await sync('full', { SECMASTER_FAULT: 'crash-after-commit' });
    expect(crashed.signal).toBe('SIGKILL');
    const count = await redis.hlen(`${env}:secmaster:markets`);
    expect(count).toBeGreaterThan(1000);
    expect(await readStream(nc, env)).toEqual([]);
    expect(await redis.llen(`${env}:secmaster:outbox`)).toBe(1);
    const [syncId] = await redis.lrange(`${env}:secmaster:outbox`, 0, -1);
    const leftover = await redis.hgetall(`${env}:secmaster:outbox:${syncId}`);
    expect(Object.keys(leftover)).toHaveLength(count);

    // The lock of the killed run expires; a short TTL keeps the test quick.
    await redis.del(`${env}:secmaster:lock`);
    const next = await sync('full');
    expect(next.code, next.stderr).toBe(0);
    expect(summary(next.stdout).events_published).toBe(count);
    const events = await readStream(nc, env);
    expect(events).toHaveLength(count);
    expect(new Set(events.map((e) => e.body.id)).size).toBe(count);
    expect(await redis.llen(`${env}:secmaster:outbox`)).toBe(0);

    // A crash after publishing but before clearing the outbox: the next run publishes it again,
    // and JetStream drops every copy by its Nats-Msg-Id.
    await redis.hset(`${env}:secmaster:outbox:${syncId}`, leftover);
    await redis.rpush(`${env}:secmaster:outbox`, syncId!);
    const again = await sync('full');
    expect(again.code, again.stderr).toBe(0);
    expect(summary(again.stdout).events_published).toBe(0);
    expect(await readStream(nc, env)).toHaveLength(count);
    expect(await redis.llen(`${env}:secmaster:outbox`)).toBe(0);
  });

  it('SIGTERM mid-walk stops cleanly: non-zero exit, nothing written, lock released', async () => {
    expect((await sync('full')).code).toBe(0);
    const before = await snapshotEnv(redis, env);
    for (const t of activeTickers().slice(0, 3)) sim.catalogue.pause(t);
    sim.setOptions({ latencyMs: 300 });
    let pid = 0;
    const running = sync('full', {}, { onSpawn: (p) => (pid = p) });
    await lockTaken();
    await new Promise((r) => setTimeout(r, 300)); // into the walk
    process.kill(pid, 'SIGTERM');
    const res = await running;
    expect(res.code).toBe(1);
    expect(sentences(res.stderr)).toEqual([expect.stringMatching(/^secmaster: the sync was interrupted .*nothing was written/)]);
    expect(await snapshotEnv(redis, env)).toEqual(before);
    expect(await redis.exists(`${env}:secmaster:lock`)).toBe(0);
  });
});

describe('bad input from Kalshi', () => {
  it('a malformed market is counted, logged with its ticker and skipped', async () => {
    const bad = activeTickers()[2]!;
    sim.catalogue.updateMetadata(bad, { settlement_timer_seconds: 'soon' });
    const res = await sync('full', { LOG_LEVEL: 'warn' });
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout).invalid).toBe(1);
    expect(res.stderr).toContain(bad);
    expect(await redis.hexists(`${env}:secmaster:markets`, bad)).toBe(0);
    expect(await redis.hexists(`${env}:secmaster:markets`, activeTickers()[3]!)).toBe(1);
  });

  it('a cached market that turns malformed is kept, not removed as delisted', async () => {
    expect((await sync('full')).code).toBe(0);
    const bad = activeTickers()[4]!;
    const stored = await redis.hget(`${env}:secmaster:markets`, bad);
    sim.catalogue.updateMetadata(bad, { settlement_timer_seconds: 'soon' });
    const res = await sync('full');
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ invalid: 1, removed: 0 });
    expect(await redis.hget(`${env}:secmaster:markets`, bad)).toBe(stored);
  });

  it('a response that is not a markets page fails the run and changes nothing', async () => {
    sim.setOptions({ failures: [{ path: '/markets', status: 'garbage', match: (u) => u.searchParams.get('status') === 'open' }] });
    const res = await sync('full');
    expect(res.code).toBe(1);
    expect(sentences(res.stderr)).toHaveLength(1);
    expect(summary(res.stdout).error).toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE' });
    expect(await snapshotEnv(redis, env)).toEqual({});
  });
});

describe('trading hours', () => {
  it('an incremental run exits 0 at once when Kalshi trading is closed', async () => {
    sim.setOptions({ exchange: { exchange_active: true, trading_active: false } });
    const res = await sync('incremental', { SECMASTER_SKIP_OUTSIDE_TRADING_HOURS: 'true' });
    expect(res.code).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ status: 'skipped', skipped: 'exchange_closed' });
  });
});

describe('usage errors', () => {
  it.each([
    [['sync', 'Bad_Env', '--mode', 'full'], /ENV must match/],
    [['sync', 'ok-env', '--mode', 'sometimes'], /--mode must be full or incremental/],
    [['sync', 'ok-env'], /Missing required argument: mode/],
    [['sync', 'ok-env', '--mode', 'full', '--frobnicate'], /Unknown argument: frobnicate/],
    [['sync', '--mode', 'full'], /ENV is required/],
    [['sync', 'ok-env', '--mode', 'full', '--redis-url', 'http://nope'], /REDIS_URL \(--redis-url\): must be a URL with scheme redis or rediss/],
    [['sync', 'ok-env', '--mode', 'full', '--kalshi-api-key-id', 'abc'], /KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE go together/],
    [['frobnicate'], /Unknown argument: frobnicate/],
  ])('%j -> exit 2 and one sentence', async (args, pattern) => {
    const res = await runCli(args);
    expect(res.code).toBe(2);
    const lines = sentences(res.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    expect(res.stdout).toBe('');
  });

  it('takes the ENV from SECMASTER_ENV', async () => {
    const res = await runCli(['sync', '--mode', 'full', '--dry-run'], cliEnv(sim, { SECMASTER_ENV: env }));
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout).env).toBe(env);
  });
});
