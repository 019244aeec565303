import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/diff.js';
import { LockLostError } from '../../src/core/errors.js';
import type { KalshiMarketRecord } from '../../src/core/kalshi.js';
import { normalizeMarket } from '../../src/core/normalize.js';
import { planUpsert, type PlanContext } from '../../src/core/plan.js';
import type { SyncReport } from '../../src/core/report.js';
import { RedisMarketStore } from '../../src/store/redis-store.js';
import { connectRedis, dropEnv, testEnv } from '../helpers/services.js';
import { snapshotEnv } from '../helpers/sim.js';

let redis: Redis;
let env: string;
let store: RedisMarketStore;

beforeAll(async () => {
  redis = await connectRedis();
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(() => {
  env = testEnv('store');
  store = new RedisMarketStore(redis, env);
});
afterEach(async () => {
  await dropEnv(redis, null, env);
});

const record = (patch: Partial<KalshiMarketRecord> = {}): KalshiMarketRecord => ({
  ticker: 'KXSTORE-1',
  event_ticker: 'KXSTORE',
  status: 'active',
  title: 'Store test',
  expected_expiration_time: '2030-01-01T00:00:00Z',
  ...patch,
});
const ctx = (syncId: string): PlanContext => ({ env, syncId, timestamp: '2026-11-25T00:00:00Z' });
const report = { mode: 'full', status: 'success' } as unknown as SyncReport;
const commitMeta = (token: string, syncId: string) => ({ lockToken: token, syncId, mode: 'full' as const, lastSync: '2026-11-25T00:00:01Z', watermark: 1, report });

describe('RedisMarketStore against a real Redis', () => {
  it('the lock: one holder, renewal only by the holder, compare-and-delete release', async () => {
    const token = (await store.acquireLock(5000))!;
    expect(token).toBeTruthy();
    expect(await store.acquireLock(5000)).toBeNull();
    expect(await store.renewLock('someone-else', 5000)).toBe(false);
    expect(await store.renewLock(token, 5000)).toBe(true);
    await store.releaseLock('someone-else');
    expect(await redis.get(`${env}:secmaster:lock`)).toBe(token);
    await store.releaseLock(token);
    expect(await redis.exists(`${env}:secmaster:lock`)).toBe(0);
  });

  it('a commit after the lock was taken over writes nothing', async () => {
    const token = (await store.acquireLock(5000))!;
    const m = normalizeMarket(record(), { seriesTicker: 'S', seriesCategory: 'Politics', eventCategory: null });
    await store.stage('s1', [planUpsert(ctx('s1'), undefined, null, m)!]);
    await redis.set(`${env}:secmaster:lock`, 'another-run');
    const before = await snapshotEnv(redis, env);
    await expect(store.commit(commitMeta(token, 's1'))).rejects.toBeInstanceOf(LockLostError);
    expect(await snapshotEnv(redis, env)).toEqual(before);
    expect(await redis.exists(`${env}:secmaster:markets`)).toBe(0);
    await store.discard('s1');
    expect(await redis.keys(`${env}:secmaster:stage*`)).toEqual([]);
  });

  it('a category move updates both sets; settlement leaves the expiring set', async () => {
    const token = (await store.acquireLock(5000))!;
    const a = normalizeMarket(record(), { seriesTicker: 'S', seriesCategory: 'Politics', eventCategory: null });
    await store.stage('s1', [planUpsert(ctx('s1'), undefined, null, a)!]);
    await store.commit(commitMeta(token, 's1'));
    expect(await redis.smembers(`${env}:secmaster:markets:by_category:politics`)).toEqual(['KXSTORE-1']);
    expect(Number(await redis.zscore(`${env}:secmaster:markets:expiring`, 'KXSTORE-1'))).toBe(Date.parse('2030-01-01T00:00:00Z') / 1000);

    const entry = { version: 1, state: 'active' as const, fingerprint: fingerprint(a), settledEpoch: null };
    const b = normalizeMarket(record({ status: 'finalized', result: 'no', settlement_ts: '2026-11-24T00:00:00Z' }), { seriesTicker: 'S', seriesCategory: 'Economics', eventCategory: null });
    await store.stage('s2', [planUpsert(ctx('s2'), entry, a, b)!]);
    await store.commit(commitMeta(token, 's2'));
    expect(await redis.exists(`${env}:secmaster:markets:by_category:politics`)).toBe(0);
    expect(await redis.smembers(`${env}:secmaster:markets:by_category:economics`)).toEqual(['KXSTORE-1']);
    expect(await redis.zscore(`${env}:secmaster:markets:expiring`, 'KXSTORE-1')).toBeNull();
    expect(await redis.hgetall(`${env}:secmaster:categories`)).toEqual({ politics: 'Politics', economics: 'Economics' });
    expect((await store.loadIndex()).get('KXSTORE-1')).toMatchObject({ version: 2, state: 'settled', settledEpoch: Date.parse('2026-11-24T00:00:00Z') / 1000 });
    expect(await redis.lrange(`${env}:secmaster:outbox`, 0, -1)).toEqual(['s1', 's2']);
  });

  it('abandoned staging keys of a dead run are cleaned by the next run', async () => {
    const m = normalizeMarket(record(), { seriesTicker: null, seriesCategory: null, eventCategory: null });
    await store.stage('dead-run', [planUpsert(ctx('dead-run'), undefined, null, m)!]);
    expect((await redis.keys(`${env}:secmaster:stage:*`)).length).toBeGreaterThan(0);
    expect(await store.discardAbandonedStages()).toBe(1);
    expect(await redis.keys(`${env}:secmaster:stage*`)).toEqual([]);
  });
});
