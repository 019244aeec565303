/** `createSecmasterClient`: the plain reads, checked against the Redis keys a sync wrote. */
import type { Redis } from 'ioredis';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientConfigError, createSecmasterClient, type Market, type SecmasterClient } from '../../src/client/index.js';
import { categorySlug, keys } from '../../src/core/keys.js';
import { words } from '../../src/core/search.js';
import { createRng } from '../../src/sim/rng.js';
import { connectNatsForTest, connectRedis, dropEnv, testEnv } from '../helpers/services.js';
import { redisMarkets, startSyncHarness, type SyncHarness } from './client-harness.js';

let redis: Redis;
let nc: NatsConnection;
let harness: SyncHarness;
let client: SecmasterClient;
const env = testEnv('ccl');
const k = keys(env);

beforeAll(async () => {
  redis = await connectRedis();
  nc = await connectNatsForTest();
  harness = await startSyncHarness({ redis, nc, env });
  expect((await harness.sync('full')).error).toBeUndefined();
  harness.catalogue.step(80, createRng(3));
  expect((await harness.sync('incremental')).error).toBeUndefined();
  // A small chunk size makes every multi-chunk path run.
  client = createSecmasterClient({ redis, env, chunkSize: 7 });
});

afterAll(async () => {
  await harness.close();
  await dropEnv(redis, nc, env);
  redis.disconnect();
  await nc.close();
});

function tickers(markets: Market[]): string[] {
  return markets.map((m) => m.ticker);
}

describe('secmaster client reads', () => {
  it('getAll streams every market once, in ticker order', async () => {
    const all: Market[] = [];
    for await (const m of client.getAll()) all.push(m);
    const expected = await redisMarkets(redis, env);
    expect(all.length).toBe(expected.size);
    expect(tickers(all)).toEqual([...expected.keys()].sort());
    for (const m of all) expect(m).toEqual(expected.get(m.ticker)!.market);
  });

  it('get and getMany', async () => {
    const [a, b] = (await redis.zrange(k.tickers, 0, 1)) as [string, string];
    const market = JSON.parse((await redis.hget(k.markets, a))!) as Market;
    expect(await client.get(a)).toEqual(market);
    expect(await client.get('NO-SUCH-MARKET')).toBeUndefined();
    const many = await client.getMany([a, 'NO-SUCH-MARKET', b]);
    expect([...many.keys()]).toEqual([a, b]);
    expect(many.get(a)).toEqual(market);
  });

  it('byCategory takes the name or the slug', async () => {
    const all = [...(await redisMarkets(redis, env)).values()].map((h) => h.market);
    const category = all.find((m) => m.category !== null && /[^a-z0-9]/.test(m.category))?.category ?? all.find((m) => m.category)!.category!;
    const byName = await client.byCategory(category);
    const bySlug = await client.byCategory(categorySlug(category));
    expect(byName.length).toBe(await redis.scard(k.byCategory(categorySlug(category))));
    expect(byName.length).toBeGreaterThan(0);
    expect(bySlug).toEqual(byName);
    expect(tickers(byName)).toEqual(tickers(byName).sort());
    for (const m of byName) expect(categorySlug(m.category!)).toBe(categorySlug(category));
    expect(await client.byCategory('no such category at all')).toEqual([]);
  });

  it('expiringWithin is the seed query: unsettled markets expiring before now + ms, soonest first', async () => {
    const day = 24 * 3600 * 1000;
    const got = await client.expiringWithin(day);
    const expected = await redis.zrangebyscore(k.expiring, '-inf', Math.floor((Date.now() + day) / 1000));
    expect(tickers(got)).toEqual(expected);
    expect(got.length).toBeGreaterThan(0);
    for (const m of got) expect(m.status).not.toBe('settled');
    const times = got.map((m) => Date.parse(m.expiration_time!));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('search matches every word by prefix, puts the exact ticker first and honours the limit', async () => {
    const all = [...(await redisMarkets(redis, env)).values()].map((h) => h.market);
    const target = all.find((m) => words(m.title).some((w) => w.length >= 5))!;
    const word = words(target.title).find((w) => w.length >= 5)!;
    const hits = await client.search(word.slice(0, 4), { limit: 1000 });
    expect(tickers(hits)).toContain(target.ticker);
    const twoWords = words(target.title).filter((w) => w.length >= 3).slice(0, 2).join(' ');
    const narrowed = await client.search(twoWords, { limit: 1000 });
    expect(tickers(narrowed)).toContain(target.ticker);
    for (const m of narrowed) {
      const text = [m.ticker, m.title, m.raw_metadata.yes_sub_title, m.raw_metadata.no_sub_title, m.event_ticker, m.category].join(' ');
      for (const w of words(twoWords)) expect(words(text).some((t) => t.startsWith(w)), `${m.ticker} for ${w}`).toBe(true);
    }
    const byTicker = await client.search(target.ticker);
    expect(byTicker[0]?.ticker).toBe(target.ticker);
    const counts = new Map<string, number>();
    for (const m of all) for (const w of new Set(words(m.title))) counts.set(w, (counts.get(w) ?? 0) + 1);
    const common = [...counts].filter(([w]) => w.length >= 4).sort((x, y) => y[1] - x[1])[0]![0];
    expect((await client.search(common, { limit: 1000 })).length).toBeGreaterThan(2);
    expect(await client.search(common, { limit: 2 })).toHaveLength(2);
    expect(await client.search('qqqzzzxxyy')).toEqual([]);
    expect(await client.search('  ')).toEqual([]);
  });

  it('refuses an invalid ENV before any I/O', () => {
    expect(() => createSecmasterClient({ redis, env: 'Kalshi Prod' })).toThrow(ClientConfigError);
    expect(() => createSecmasterClient({ redis, env: 'Kalshi Prod' })).toThrow(expect.objectContaining({ code: 'CLIENT_CONFIG' }));
  });
});
