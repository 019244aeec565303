import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Market } from '../../src/core/market.js';
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
  env = testEnv('full');
  sim = await startCaptureSim();
});
afterEach(async () => {
  await sim.close();
  await dropEnv(redis, nc, env);
});

const sync = (mode: 'full' | 'incremental', extra: Record<string, string> = {}, args: string[] = []) =>
  runCli(['sync', env, '--mode', mode, ...args], cliEnv(sim, extra));

async function market(ticker: string): Promise<Market | null> {
  const json = await redis.hget(`${env}:secmaster:markets`, ticker);
  return json === null ? null : (JSON.parse(json) as Market);
}

function liveTickers(): string[] {
  return sim.catalogue
    .liveEntries()
    .filter((e) => e.status !== 'finalized' && !e.mve)
    .map((e) => e.ticker)
    .sort();
}

describe('full sync against the simulator', () => {
  it('writes the seed layout and publishes one market_added per market', async () => {
    const res = await sync('full');
    expect(res.code, res.stderr).toBe(0);
    const s = summary(res.stdout);
    const expected = liveTickers();
    expect(s).toMatchObject({ env, mode: 'full', status: 'success', total: expected.length, added: expected.length, updated: 0, removed: 0, settled: 0 });
    expect(typeof s.sync_id).toBe('string');
    expect(typeof s.duration_ms).toBe('number');

    const stored = (await redis.hkeys(`${env}:secmaster:markets`)).sort();
    expect(stored).toEqual(expected);

    // The seed's own queries.
    const sports = await redis.smembers(`${env}:secmaster:markets:by_category:sports`);
    expect(sports.length).toBeGreaterThan(0);
    for (const t of sports.slice(0, 20)) expect((await market(t))?.category).toBe('Sports');
    const soon = await redis.zrangebyscore(`${env}:secmaster:markets:expiring`, 0, Math.floor(Date.now() / 1000) + 86_400 * 3650, 'WITHSCORES');
    expect(soon.length).toBeGreaterThan(0);
    for (let i = 0; i < Math.min(soon.length, 40); i += 2) {
      const m = (await market(soon[i]!))!;
      expect(m.status).not.toBe('settled');
      expect(Number(soon[i + 1])).toBe(Math.floor(Date.parse(m.expiration_time!) / 1000));
    }
    expect(await redis.get(`${env}:secmaster:last_sync`)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);

    const events = await readStream(nc, env);
    expect(events).toHaveLength(expected.length);
    expect(events.map((e) => e.body.ticker)).toEqual(expected); // stable order: by ticker
    for (const e of events) {
      expect(e.body).toMatchObject({ type: 'market_added', env, sync_id: s.sync_id, version: 1 });
      expect(e.msgId).toBe(e.body.id);
      expect(e.body.id).toBe(`${env}:${String(e.body.ticker)}:1`);
      expect(e.body.market).toEqual(await market(String(e.body.ticker)));
    }
  });

  it('a second run with only price changes writes and publishes nothing', async () => {
    expect((await sync('full')).code).toBe(0);
    const before = await snapshotEnv(redis, env);
    const eventsBefore = (await readStream(nc, env)).length;
    for (const t of liveTickers().filter((x) => sim.catalogue.market(x)?.status === 'active').slice(0, 50)) sim.catalogue.tradeTick(t);
    const res = await sync('full');
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ added: 0, updated: 0, settled: 0, removed: 0, unchanged: liveTickers().length, events_published: 0 });
    const after = await snapshotEnv(redis, env);
    delete before[`${env}:secmaster:last_sync`];
    delete after[`${env}:secmaster:last_sync`];
    delete before[`${env}:secmaster:watermark`];
    delete after[`${env}:secmaster:watermark`];
    expect(after).toEqual(before);
    expect((await readStream(nc, env)).length).toBe(eventsBefore);
  });

  it('reports lifecycle moves as updated, settled, added and removed, with versions', async () => {
    expect((await sync('full')).code).toBe(0);
    const firstSync = liveTickers().length;
    const [paused, settled, retitled, delisted] = liveTickers().filter((t) => sim.catalogue.market(t)?.status === 'active');
    sim.catalogue.pause(paused!);
    sim.catalogue.close(settled!);
    sim.catalogue.determine(settled!, 'yes');
    sim.catalogue.settle(settled!);
    sim.catalogue.updateMetadata(retitled!, { title: 'A brand new title' });
    sim.catalogue.delist(delisted!);
    const oldRetitled = (await market(retitled!))!;

    const res = await sync('full');
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ added: 0, updated: 2, settled: 1, removed: 1 });
    const counts = { active: 0, closed: 0, settled: 0 };
    for (const json of Object.values(await redis.hgetall(`${env}:secmaster:markets`))) counts[(JSON.parse(json) as Market).status]++;
    expect(summary(res.stdout).cache_by_status).toEqual(counts);

    const events = (await readStream(nc, env)).slice(firstSync);
    const byTicker = new Map(events.map((e) => [e.body.ticker as string, e.body]));
    expect(events).toHaveLength(4);
    expect(byTicker.get(paused!)).toMatchObject({ type: 'market_updated', version: 2, changes: { status: { old: 'active', new: 'closed' }, exchange_status: { old: 'active', new: 'inactive' } } });
    expect(byTicker.get(settled!)).toMatchObject({ type: 'market_settled', version: 2, result: 'yes', changes: { status: { old: 'active', new: 'settled' } } });
    expect((byTicker.get(settled!)!.market as Market).status).toBe('settled');
    expect(byTicker.get(retitled!)).toMatchObject({ type: 'market_updated', changes: { title: { old: oldRetitled.title, new: 'A brand new title' } } });
    expect(byTicker.get(delisted!)).toEqual({ type: 'market_removed', ticker: delisted, id: `${env}:${delisted}:2`, env, sync_id: expect.any(String), version: 2, timestamp: expect.any(String), reason: 'delisted' });

    expect(await market(delisted!)).toBeNull();
    expect(await redis.zscore(`${env}:secmaster:markets:expiring`, settled!)).toBeNull();
    expect(await redis.zscore(`${env}:secmaster:markets:expiring`, delisted!)).toBeNull();
    expect((await market(settled!))?.status).toBe('settled');
    expect((await market(paused!))?.status).toBe('closed');
  });

  it('a market that moves between status lists mid-walk yields one event with its latest state', async () => {
    expect((await sync('full')).code).toBe(0);
    const firstSync = liveTickers().length;
    const ticker = liveTickers().find((t) => sim.catalogue.market(t)?.status === 'active')!;
    sim.catalogue.updateMetadata(ticker, { title: 'Zanzibar quokka question' });
    let moved = false;
    // Kalshi's lists are not snapshots: the market closes after the open walk staged its new title.
    sim.setOptions({
      failures: [{
        status: 500,
        match: (u) => {
          if (!moved && u.pathname.endsWith('/markets') && u.searchParams.get('status') === 'closed') {
            moved = true;
            sim.catalogue.close(ticker);
          }
          return false;
        },
      }],
    });
    const res = await sync('full');
    expect(res.code, res.stderr).toBe(0);
    expect(moved).toBe(true);
    const events = (await readStream(nc, env)).slice(firstSync).filter((e) => e.body.ticker === ticker);
    expect(events).toHaveLength(1);
    expect(events[0]!.body).toMatchObject({ type: 'market_updated', version: 2, changes: { status: { old: 'active', new: 'closed' }, title: { new: 'Zanzibar quokka question' } } });
    expect((await market(ticker))?.status).toBe('closed');
    expect(await redis.smembers(`${env}:secmaster:search:term:quokka`)).toEqual([ticker]);
    expect(await redis.zscore(`${env}:secmaster:search:terms`, 'zanzibar')).toBe('0');
  });

  it('continues the version of a ticker that is listed again after removal', async () => {
    expect((await sync('full')).code).toBe(0);
    const ticker = liveTickers()[0]!;
    const record = { ...sim.catalogue.market(ticker)! };
    sim.catalogue.delist(ticker);
    expect((await sync('full')).code).toBe(0);
    sim.catalogue.add(record);
    expect((await sync('full')).code).toBe(0);
    const versions = (await readStream(nc, env)).filter((e) => e.body.ticker === ticker).map((e) => [e.body.type, e.body.version]);
    expect(versions).toEqual([['market_added', 1], ['market_removed', 2], ['market_added', 3]]);
  });

  it('archives a market that moved to the historical tier and settled markets past retention', async () => {
    expect((await sync('full')).code).toBe(0);
    const [a, b] = liveTickers().filter((t) => sim.catalogue.market(t)?.status === 'active');
    const settle = (t: string) => {
      sim.catalogue.close(t);
      sim.catalogue.determine(t, 'no');
      sim.catalogue.settle(t);
    };
    settle(a!);
    expect((await sync('full')).code).toBe(0); // a becomes settled
    sim.catalogue.archive(a!); // Kalshi's cutoff passes a's settlement
    await new Promise((r) => setTimeout(r, 1100)); // b settles after the cutoff (served in whole seconds)
    settle(b!);
    const res = await sync('full', { SECMASTER_SETTLED_RETENTION: '1d' });
    expect(res.code, res.stderr).toBe(0);
    const removed = (await readStream(nc, env)).filter((e) => e.body.type === 'market_removed');
    expect(removed.map((e) => [e.body.ticker, e.body.reason])).toEqual([[a!, 'archived']].sort());
    // b settled a moment ago: kept under a 1-day retention, archived under a 1-second one.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await sync('full', { SECMASTER_SETTLED_RETENTION: '1s' })).code).toBe(0);
    const removedLater = (await readStream(nc, env)).filter((e) => e.body.type === 'market_removed');
    expect(removedLater.map((e) => [e.body.ticker, e.body.reason])).toEqual([[a!, 'archived'], [b!, 'archived']]);
    expect(await market(b!)).toBeNull();
  });

  it('refuses a walk that would empty the cache: exit 3, nothing changed', async () => {
    expect((await sync('full')).code).toBe(0);
    const before = await snapshotEnv(redis, env);
    const eventsBefore = (await readStream(nc, env)).length;
    for (const t of liveTickers()) sim.catalogue.delist(t);
    const res = await sync('full');
    expect(res.code).toBe(3);
    expect(sentences(res.stderr)).toEqual([expect.stringMatching(/^secmaster: the full sync would remove \d+ of \d+ cached markets, more than the guard allows \(10%\); nothing was changed/)]);
    expect(await snapshotEnv(redis, env)).toEqual(before);
    expect((await readStream(nc, env)).length).toBe(eventsBefore);
  });

  it('a page that keeps failing mid-walk leaves Redis and the stream as they were', async () => {
    expect((await sync('full')).code).toBe(0);
    const before = await snapshotEnv(redis, env);
    const eventsBefore = (await readStream(nc, env)).length;
    for (const t of liveTickers().slice(0, 5)) sim.catalogue.pause(t);
    // The walk of paused markets (after unopened and open were staged) fails for good.
    sim.setOptions({ failures: [{ path: '/markets', status: 500, match: (u) => u.searchParams.get('status') === 'paused' }] });
    const res = await sync('full', { KALSHI_MAX_RETRIES: '2' });
    expect(res.code).toBe(1);
    const lines = sentences(res.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^secmaster: Kalshi GET \/markets.* kept failing.*nothing was changed/);
    expect(summary(res.stdout)).toMatchObject({ status: 'failed', error: { code: 'UPSTREAM' } });
    expect(await snapshotEnv(redis, env)).toEqual(before);
    expect((await readStream(nc, env)).length).toBe(eventsBefore);
  }, 60_000);

  it('survives a 429 storm', async () => {
    sim.setOptions({ rate: { perSecond: 4, burst: 2 } });
    const res = await sync('full', { KALSHI_READ_RATE: '100' });
    expect(res.code, res.stderr).toBe(0);
    const s = summary(res.stdout);
    expect(s.rate_limited as number).toBeGreaterThan(0);
    expect(s.added).toBe(liveTickers().length);
  }, 120_000);

  it('--dry-run plans and prints the summary but writes and publishes nothing', async () => {
    const res = await sync('full', {}, ['--dry-run']);
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ dry_run: true, added: liveTickers().length, events_published: 0 });
    expect(await snapshotEnv(redis, env)).toEqual({});
    expect(await readStream(nc, env)).toEqual([]);
  });
});
