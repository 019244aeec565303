/**
 * How the cache treats single journal events: stale and duplicate ones are dropped, a version gap
 * or an unknown ticker is read back from Redis, a malformed message is skipped, and status
 * transitions reach the connector guard.
 */
import type { Redis } from 'ioredis';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createConnectorGuard,
  createMarketCache,
  createSecmasterClient,
  MarketNotActiveError,
  MarketNotFoundError,
  type ChangeEvent,
  type Market,
  type MarketCache,
  type MarketTransition,
  type RewarmReport,
} from '../../src/client/index.js';
import { changesSubject, eventId, keys } from '../../src/core/keys.js';
import { connectNatsForTest, connectRedis, dropEnv, NATS_URL, readStream, testEnv } from '../helpers/services.js';
import { cacheNats, cacheRedis, cacheVsRedis, startSyncHarness, testLogger, type SyncHarness } from './client-harness.js';
import { createRng } from '../../src/sim/rng.js';

let redis: Redis;
let nc: NatsConnection;
let js: JetStreamClient;

beforeAll(async () => {
  redis = await connectRedis();
  nc = await connectNatsForTest();
  js = jetstream(nc);
});

afterAll(async () => {
  redis.disconnect();
  await nc.close();
});

interface Fixture {
  env: string;
  harness: SyncHarness;
  cache: MarketCache;
  applied: ChangeEvent[];
  rewarms: RewarmReport[];
  transitions: MarketTransition[];
  publish(body: string, msgId?: string): Promise<void>;
  event(type: ChangeEvent['type'], ticker: string, version: number, market?: Market): string;
  /** Writes a ticker straight into Redis, as a sync's commit would (market null: removed). */
  commit(ticker: string, version: number, market: Market | null): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(syncs = 1): Promise<Fixture> {
  const env = testEnv('cce');
  const harness = await startSyncHarness({ redis, nc, env });
  const rng = createRng(42);
  for (let i = 0; i < syncs; i++) {
    expect((await harness.sync(i === 0 ? 'full' : 'incremental')).error).toBeUndefined();
    harness.catalogue.step(60, rng);
  }
  const cr = cacheRedis();
  const cn = await cacheNats(NATS_URL);
  const cache = createMarketCache({ redis: cr, nats: cn, env, logger: testLogger() });
  cleanups.push(async () => {
    await cache.close();
    cr.disconnect();
    await cn.close();
    await harness.close();
    await dropEnv(redis, nc, env);
  });
  await cache.start();
  const applied: ChangeEvent[] = [];
  const rewarms: RewarmReport[] = [];
  const transitions: MarketTransition[] = [];
  cache.onChange((e) => applied.push(e));
  cache.onRewarm((r) => rewarms.push(r));
  cache.onTransition((t) => transitions.push(t));
  const k = keys(env);
  return {
    env,
    harness,
    cache,
    applied,
    rewarms,
    transitions,
    async publish(body, msgId) {
      await js.publish(changesSubject(env), body, msgId === undefined ? {} : { msgID: msgId });
    },
    event(type, ticker, version, market) {
      const base = { type, ticker, id: eventId(env, ticker, version), env, sync_id: 'test', version, timestamp: new Date().toISOString() };
      if (type === 'market_removed') return JSON.stringify({ ...base, reason: 'delisted' });
      if (type === 'market_added') return JSON.stringify({ ...base, market });
      return JSON.stringify({ ...base, changes: {}, market });
    },
    async commit(ticker, version, market) {
      const m = redis.multi();
      if (market === null) m.hdel(k.markets, ticker).hset(k.index, ticker, `${version}|x||`).zrem(k.tickers, ticker);
      else m.hset(k.markets, ticker, JSON.stringify(market)).hset(k.index, ticker, `${version}|a||`).zadd(k.tickers, 0, ticker);
      await m.exec();
    },
  };
}

function someActive(cache: MarketCache, n: number): Market[] {
  return [...cache.values()].filter((m) => m.status === 'active').slice(0, n);
}

describe('market cache events', () => {
  it('drops stale and duplicate events: re-published copies, older versions', async () => {
    const f = await setup(3);
    const stream = await readStream(nc, f.env);
    expect(stream.length).toBeGreaterThan(1000);
    const before = f.cache.metrics();
    const rng = createRng(7);
    const picked = Array.from({ length: 15 }, () => rng.pick(stream));
    // A copy re-published after JetStream's duplicate window: a new message id, so the stream stores it.
    for (const m of picked) await f.publish(JSON.stringify(m.body), `${String(m.msgId)}:late-copy`);
    // A copy inside the window: JetStream drops it, the cache never sees it.
    for (const m of picked.slice(0, 5)) await f.publish(JSON.stringify(m.body), m.msgId ?? undefined);
    await f.cache.catchUp();
    const after = f.cache.metrics();
    expect(after.eventsReceived - before.eventsReceived).toBe(15);
    expect(after.eventsDroppedStale - before.eventsDroppedStale).toBe(15);
    expect(after.eventsApplied).toBe(before.eventsApplied);
    expect(f.applied).toEqual([]);
    expect(f.transitions).toEqual([]);
    expect(await cacheVsRedis(f.cache, redis, f.env)).toEqual([]);
  });

  it('a version gap reads the ticker back from Redis (event applied when Redis holds its version, Redis state when newer)', async () => {
    const f = await setup();
    const [t, u] = someActive(f.cache, 2) as [Market, Market];
    const tv = f.cache.version(t.ticker)!;
    const uv = f.cache.version(u.ticker)!;

    // t: versions tv+1 and tv+2 committed, only tv+2's event reaches the stream.
    const t2 = { ...t, title: 'gap: t at v+2' };
    await f.commit(t.ticker, tv + 2, t2);
    await f.publish(f.event('market_updated', t.ticker, tv + 2, t2));
    // u: the stream delivers uv+2 while Redis already holds uv+3.
    const u2 = { ...u, title: 'gap: u at v+2' };
    const u3 = { ...u, title: 'gap: u at v+3', status: 'closed' as const };
    await f.commit(u.ticker, uv + 3, u3);
    await f.publish(f.event('market_updated', u.ticker, uv + 2, u2));
    await f.publish(f.event('market_updated', u.ticker, uv + 3, u3));
    await f.cache.catchUp();

    expect(f.cache.get(t.ticker)).toEqual(t2);
    expect(f.cache.version(t.ticker)).toBe(tv + 2);
    expect(f.applied.map((e) => `${e.ticker}@${e.version}`)).toEqual([`${t.ticker}@${tv + 2}`]);
    expect(f.cache.get(u.ticker)).toEqual(u3);
    expect(f.cache.version(u.ticker)).toBe(uv + 3);
    expect(f.rewarms).toMatchObject([{ scope: 'tickers', reason: 'version_gap', changes: [{ ticker: u.ticker, version: uv + 3 }] }]);
    expect(f.transitions).toMatchObject([{ ticker: u.ticker, from: 'active', to: 'closed', cause: { type: 'rewarm', reason: 'version_gap' } }]);
    const m = f.cache.metrics();
    expect(m.rewarmedTickers).toBe(2);
    expect(m.eventsDroppedStale).toBe(2);
    expect(m.rewarmsFull).toBe(0);
    expect(await cacheVsRedis(f.cache, redis, f.env)).toEqual([]);
  });

  it('an unknown ticker is read back unless its event is provably its first', async () => {
    const f = await setup();
    const template = someActive(f.cache, 1)[0]!;
    const relisted = { ...template, ticker: 'CLIENTTEST-RELISTED', kalshi_id: 'CLIENTTEST-RELISTED' };
    const fresh = { ...template, ticker: 'CLIENTTEST-NEW', kalshi_id: 'CLIENTTEST-NEW' };
    // Listed, removed and listed again before this cache started: its add is version 3.
    await f.commit(relisted.ticker, 3, relisted);
    await f.publish(f.event('market_added', relisted.ticker, 3, relisted));
    // Removed before the cache ever saw it.
    await f.commit('CLIENTTEST-GONE', 4, null);
    await f.publish(f.event('market_removed', 'CLIENTTEST-GONE', 4));
    await f.cache.catchUp();
    const readBefore = f.cache.metrics().rewarmedTickers;
    expect(readBefore).toBe(2);
    // A version-1 add published after the cache caught up is the ticker's newest state: no read.
    await f.commit(fresh.ticker, 1, fresh);
    await f.publish(f.event('market_added', fresh.ticker, 1, fresh));
    await f.cache.catchUp();

    expect(f.cache.metrics().rewarmedTickers).toBe(readBefore);
    expect(f.cache.get(relisted.ticker)).toEqual(relisted);
    expect(f.cache.get(fresh.ticker)).toEqual(fresh);
    expect(f.cache.get('CLIENTTEST-GONE')).toBeUndefined();
    expect(f.cache.version('CLIENTTEST-GONE')).toBe(4);
    expect(f.transitions.map((t) => `${t.ticker} ${t.from}->${t.to}`)).toEqual([
      `${relisted.ticker} absent->active`,
      `${fresh.ticker} absent->active`,
    ]);
    expect(await cacheVsRedis(f.cache, redis, f.env)).toEqual([]);
  });

  it('skips and counts a malformed message, reading back the ticker it names', async () => {
    const f = await setup();
    const t = someActive(f.cache, 1)[0]!;
    const v = f.cache.version(t.ticker)!;
    const errors: string[] = [];
    f.cache.onError((_err, context) => errors.push(context));
    await f.publish('this is not JSON');
    await f.publish(JSON.stringify({ type: 'market_updated', ticker: t.ticker, version: 'seven' }));
    const next = { ...t, title: 'after the malformed ones' };
    await f.commit(t.ticker, v + 1, next);
    await f.publish(f.event('market_updated', t.ticker, v + 1, next));
    await f.cache.catchUp();
    const m = f.cache.metrics();
    expect(m.eventsMalformed).toBe(2);
    expect(m.rewarmsFull).toBe(0);
    expect(errors.filter((c) => c.startsWith('skipped a malformed message'))).toHaveLength(2);
    // Whether the read-back saw v or v+1 in Redis, the cache ends at v+1.
    expect(f.cache.get(t.ticker)).toEqual(next);
    expect(await cacheVsRedis(f.cache, redis, f.env)).toEqual([]);
  });

  it('the connector guard: subscribe checks, close and settle hooks, errors with stable codes', async () => {
    const f = await setup();
    const [a, b, c] = someActive(f.cache, 3) as [Market, Market, Market];
    const log: string[] = [];
    const guard = createConnectorGuard(f.cache, {
      onClosed: (m) => log.push(`closed ${m.ticker}`),
      onReopened: (m) => log.push(`reopened ${m.ticker}`),
      onSettled: (m) => log.push(`settled ${m.ticker} ${m.result}`),
      onRemoved: (ticker) => log.push(`removed ${ticker}`),
    });
    expect(guard.subscribe(a.ticker)).toEqual(a);
    guard.subscribe(b.ticker);
    expect(guard.following()).toEqual([a.ticker, b.ticker].sort());

    const { catalogue } = f.harness;
    catalogue.close(a.ticker);
    catalogue.close(c.ticker); // not followed: no hook
    expect((await f.harness.sync('incremental')).error).toBeUndefined();
    await f.cache.catchUp();
    catalogue.determine(a.ticker, 'yes');
    catalogue.settle(a.ticker);
    catalogue.determine(b.ticker, 'no'); // closes and determines in one move
    expect((await f.harness.sync('incremental')).error).toBeUndefined();
    await f.cache.catchUp();
    catalogue.settle(b.ticker);
    expect((await f.harness.sync('incremental')).error).toBeUndefined();
    await f.cache.catchUp();

    expect(log).toEqual([`closed ${a.ticker}`, `settled ${a.ticker} yes`, `closed ${b.ticker}`, `settled ${b.ticker} no`]);
    expect(guard.following()).toEqual([]);

    const notActive = (() => {
      try {
        guard.subscribe(a.ticker);
      } catch (err) {
        return err;
      }
      return null;
    })();
    expect(notActive).toBeInstanceOf(MarketNotActiveError);
    expect(notActive).toMatchObject({ code: 'MARKET_NOT_ACTIVE', name: 'MarketNotActiveError', status: 'settled', ticker: a.ticker });
    expect((notActive as Error).message).toBe(`market ${a.ticker} is settled, not active`);
    expect(() => guard.subscribe('NO-SUCH-MARKET')).toThrow(MarketNotFoundError);
    expect(() => f.cache.assertSubscribable('NO-SUCH-MARKET')).toThrow(expect.objectContaining({ code: 'MARKET_NOT_FOUND', name: 'MarketNotFoundError' }));
    expect(() => f.cache.assertSubscribable(c.ticker)).toThrow(`market ${c.ticker} is closed, not active`);

    // The same check straight against Redis.
    const client = createSecmasterClient({ redis, env: f.env });
    await expect(client.assertSubscribable(a.ticker)).rejects.toMatchObject({ code: 'MARKET_NOT_ACTIVE', status: 'settled' });
    await expect(client.assertSubscribable('NO-SUCH-MARKET')).rejects.toMatchObject({ code: 'MARKET_NOT_FOUND' });
    const active = someActive(f.cache, 5).find((m) => m.ticker !== c.ticker)!;
    await expect(client.assertSubscribable(active.ticker)).resolves.toEqual(active);
    guard.close();
  });
});
