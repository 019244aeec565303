import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../src/sim/catalogue.js';
import type { Catalogue } from '../../src/sim/catalogue.js';
import { createManualClock } from '../../src/sim/clock.js';
import type { ManualClock } from '../../src/sim/clock.js';
import { SimError } from '../../src/sim/errors.js';
import { TRADING_FIELDS } from '../../src/sim/fields.js';
import { generateCatalogue } from '../../src/sim/generate.js';
import { createRng } from '../../src/sim/rng.js';
import { createKalshiSimulator } from '../../src/sim/server.js';
import type { KalshiSimulator } from '../../src/sim/server.js';
import type { MarketStatus, SimMarket } from '../../src/sim/types.js';

const NOW = '2026-11-25T12:00:00Z';

let clock: ManualClock;
let catalogue: Catalogue;
let sim: KalshiSimulator;

beforeEach(async () => {
  clock = createManualClock(NOW);
  catalogue = createCatalogue({ now: clock.now });
  generateCatalogue(catalogue, { markets: 1500, seed: 21, now: clock.now(), historical: 50 });
  sim = await createKalshiSimulator({ catalogue });
});

afterEach(async () => {
  await sim.close();
});

function withStatus(status: MarketStatus, skip = 0): string {
  const ticker = catalogue.tickersWithStatus(status).filter((t) => !t.startsWith('KXMVE'))[skip];
  if (ticker === undefined) throw new Error(`no ${status} market`);
  return ticker;
}

async function served(ticker: string): Promise<SimMarket> {
  const response = await fetch(`${sim.url}/markets/${ticker}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { market: SimMarket }).market;
}

/** Serves the market (so its JSON is cached), moves the clock, applies `move`, serves it again. */
async function change(ticker: string, move: () => unknown): Promise<{ before: SimMarket; after: SimMarket; at: number }> {
  const before = await served(ticker);
  const at = clock.advance(5_000).getTime();
  move();
  return { before, after: await served(ticker), at };
}

function expectStampedAt(market: SimMarket, at: number): void {
  const updated = Date.parse(market.updated_time);
  expect(updated).toBeGreaterThanOrEqual(at);
  expect(updated).toBeLessThan(at + 1000);
  expect(market.updated_time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,6}Z$/);
}

describe('lifecycle moves stamp updated_time (non-trading changes)', () => {
  it('open: initialized -> active, open_time moves to now', async () => {
    const ticker = withStatus('initialized');
    const { before, after, at } = await change(ticker, () => catalogue.open(ticker));
    expect(after.status).toBe('active');
    expect(Date.parse(after.open_time)).toBeLessThanOrEqual(at);
    expect(Date.parse(before.open_time)).toBeGreaterThan(at);
    expectStampedAt(after, at);
  });

  it('pause and resume: active <-> inactive', async () => {
    const ticker = withStatus('active');
    const paused = await change(ticker, () => catalogue.pause(ticker));
    expect(paused.after.status).toBe('inactive');
    expectStampedAt(paused.after, paused.at);
    const resumed = await change(ticker, () => catalogue.resume(ticker));
    expect(resumed.after.status).toBe('active');
    expectStampedAt(resumed.after, resumed.at);
  });

  it('close early, reopen with a later close_time, determine, settle', async () => {
    const ticker = withStatus('active');
    const closed = await change(ticker, () => catalogue.close(ticker));
    expect(closed.after.status).toBe('closed');
    expect(Date.parse(closed.after.close_time)).toBeLessThanOrEqual(closed.at);
    expectStampedAt(closed.after, closed.at);

    const reopened = await change(ticker, () => catalogue.reopen(ticker));
    expect(reopened.after.status).toBe('active');
    expect(Date.parse(reopened.after.close_time)).toBeGreaterThan(reopened.at);

    catalogue.close(ticker);
    const determined = await change(ticker, () => catalogue.determine(ticker, 'no'));
    expect(determined.after).toMatchObject({ status: 'determined', result: 'no', settlement_value_dollars: '0.0000' });
    expect(determined.after.settlement_ts).toBeUndefined();
    expectStampedAt(determined.after, determined.at);

    const settled = await change(ticker, () => catalogue.settle(ticker));
    expect(settled.after).toMatchObject({ status: 'finalized', result: 'no' });
    const settlementTs = Date.parse(settled.after.settlement_ts as string);
    expect(settlementTs).toBeLessThanOrEqual(Date.parse(settled.after.updated_time));
    expect(Date.parse(settled.after.updated_time) - settlementTs).toBeLessThan(100);
    expectStampedAt(settled.after, settled.at - 100);
  });

  it('determine closes a trading market at once; scalar results carry their value', async () => {
    const ticker = withStatus('active');
    const { after } = await change(ticker, () => catalogue.determine(ticker, 'scalar', '0.4200'));
    expect(after).toMatchObject({ status: 'determined', result: 'scalar', settlement_value_dollars: '0.4200' });
    expect(Date.parse(after.close_time)).toBeLessThanOrEqual(clock.now().getTime());
  });

  it('updateMetadata stamps updated_time and refuses trading and lifecycle fields', async () => {
    const ticker = withStatus('active');
    const { after, at } = await change(ticker, () => catalogue.updateMetadata(ticker, { rules_secondary: 'New rules.' }));
    expect(after.rules_secondary).toBe('New rules.');
    expectStampedAt(after, at);
    expect(() => catalogue.updateMetadata(ticker, { yes_bid_dollars: '0.5000' })).toThrow(SimError);
    expect(() => catalogue.updateMetadata(ticker, { status: 'closed' })).toThrow(/not metadata fields: status/);
  });

  it('tradeTick changes prices and volume but NOT updated_time', async () => {
    const ticker = withStatus('active');
    const { before, after } = await change(ticker, () => {
      for (let i = 0; i < 3; i += 1) catalogue.tradeTick(ticker);
    });
    expect(after.updated_time).toBe(before.updated_time);
    expect(['last_price_dollars', 'volume_fp'].some((field) => after[field] !== before[field])).toBe(true);
    const metadata = (market: SimMarket): Record<string, unknown> =>
      Object.fromEntries(Object.entries(market).filter(([key]) => !TRADING_FIELDS.has(key)));
    expect(metadata(after)).toEqual(metadata(before));
  });

  it('refuses impossible moves with invalid_transition and unknown tickers with not_found', () => {
    const ticker = withStatus('initialized');
    expect(() => catalogue.settle(ticker)).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    expect(() => catalogue.tradeTick(ticker)).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
    expect(() => catalogue.open('NOPE-1')).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});

describe('historical tier', () => {
  it('archive moves a settled market to /historical and advances the cutoff past it', async () => {
    const ticker = withStatus('active');
    catalogue.determine(ticker, 'yes');
    clock.advance(60_000);
    catalogue.settle(ticker);
    const settledAt = Date.parse(catalogue.market(ticker)?.settlement_ts as string);
    const olderFinalized = catalogue
      .tickersWithStatus('finalized')
      .filter((other) => Date.parse(catalogue.market(other)?.settlement_ts as string) < settledAt);
    expect(olderFinalized.length).toBeGreaterThan(0);

    const archived = catalogue.archive(ticker);
    expect(archived).toContain(ticker);
    expect(archived.length).toBe(olderFinalized.length + 1);

    expect((await fetch(`${sim.url}/markets/${ticker}`)).status).toBe(404);
    const historical = (await (await fetch(`${sim.url}/historical/markets/${ticker}`)).json()) as { market: SimMarket };
    expect(historical.market).toMatchObject({ ticker, status: 'finalized', result: 'yes' });
    const cutoff = (await (await fetch(`${sim.url}/historical/cutoff`)).json()) as { market_settled_ts: string };
    expect(Date.parse(cutoff.market_settled_ts)).toBeGreaterThan(settledAt);
    const settledPage = (await (await fetch(`${sim.url}/markets?status=settled&limit=1000`)).json()) as { markets: SimMarket[] };
    expect(settledPage.markets.every((market) => Date.parse(market.settlement_ts as string) >= Date.parse(cutoff.market_settled_ts))).toBe(true);
    expect(() => catalogue.archive(withStatus('active'))).toThrow(expect.objectContaining({ code: 'invalid_transition' }));
  });

  it('delist removes a market everywhere', async () => {
    const ticker = withStatus('initialized');
    catalogue.delist(ticker);
    expect((await fetch(`${sim.url}/markets/${ticker}`)).status).toBe(404);
    expect((await fetch(`${sim.url}/historical/markets/${ticker}`)).status).toBe(404);
    expect(catalogue.tickersWithStatus('initialized')).not.toContain(ticker);
  });
});

describe('min_updated_ts', () => {
  it('returns exactly the markets whose metadata changed after the timestamp, not traded ones', async () => {
    const since = Math.floor(clock.now().getTime() / 1000);
    clock.advance(10_000);
    const traded = catalogue.tickersWithStatus('active').slice(0, 20);
    for (const ticker of traded) catalogue.tradeTick(ticker);
    const moves = catalogue.step(60, createRng(99));
    const gone = new Set(moves.filter((move) => move.type === 'archive' || move.type === 'delist').map((move) => move.ticker));
    const changed = new Set(moves.filter((move) => move.type !== 'trade' && !gone.has(move.ticker)).map((move) => move.ticker));
    expect(changed.size).toBeGreaterThan(10);

    const seen: string[] = [];
    let cursor = '';
    do {
      const response = await fetch(`${sim.url}/markets?min_updated_ts=${since}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { cursor: string; markets: SimMarket[] };
      seen.push(...page.markets.map((market) => market.ticker));
      cursor = page.cursor;
    } while (cursor !== '');
    expect(new Set(seen)).toEqual(changed);
    expect(seen.length).toBe(changed.size);

    const later = Math.floor(clock.now().getTime() / 1000) + 1;
    expect(await (await fetch(`${sim.url}/markets?min_updated_ts=${later}`)).text()).toBe('{"cursor":"","markets":[]}');
  });
});

describe('step', () => {
  it('makes plausible moves and is deterministic for a seed', () => {
    const twin = createCatalogue({ now: createManualClock(NOW).now });
    generateCatalogue(twin, { markets: 1500, seed: 21, now: new Date(NOW), historical: 50 });
    const a = catalogue.step(200, createRng(4));
    const b = twin.step(200, createRng(4));
    expect(a).toEqual(b);
    expect(new Set(a.map((move) => move.type)).size).toBeGreaterThanOrEqual(8);
    for (const move of a.filter((m) => m.type === 'settle')) expect(move).toMatchObject({ from: 'determined', to: 'finalized' });
    for (const move of a.filter((m) => m.type === 'open')) expect(move).toMatchObject({ from: 'initialized', to: 'active' });
    const other = twin.step(200, createRng(5));
    expect(other).not.toEqual(a);
  });
});
