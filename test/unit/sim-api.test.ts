import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../src/sim/catalogue.js';
import type { Catalogue } from '../../src/sim/catalogue.js';
import { createManualClock } from '../../src/sim/clock.js';
import { decodeCursor, encodeCursor } from '../../src/sim/cursor.js';
import { generateCatalogue } from '../../src/sim/generate.js';
import { createRng } from '../../src/sim/rng.js';
import { createKalshiSimulator } from '../../src/sim/server.js';
import type { KalshiSimulator } from '../../src/sim/server.js';
import type { SimEvent, SimMarket, SimSeries } from '../../src/sim/types.js';

interface Page {
  cursor: string;
  markets: SimMarket[];
}

const NOW = '2026-11-25T12:00:00Z';
const BAD_REQUEST = (details: string): string =>
  JSON.stringify({ error: { code: 'bad_request', message: 'bad request', details } });

let sim: KalshiSimulator;
let catalogue: Catalogue;

beforeAll(async () => {
  const clock = createManualClock(NOW);
  catalogue = createCatalogue({ now: clock.now });
  generateCatalogue(catalogue, { markets: 3000, seed: 11, now: clock.now(), mveShare: 0.05, historical: 300 });
  sim = await createKalshiSimulator({ catalogue });
});

afterAll(async () => {
  await sim.close();
});

async function get(path: string): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(`${sim.url}${path}`);
  return { status: response.status, body: await response.text(), headers: response.headers };
}

async function getJson<T>(path: string): Promise<T> {
  const response = await get(path);
  expect(response.status, response.body).toBe(200);
  return JSON.parse(response.body) as T;
}

/** Follows cursors to the end; fails on a repeated cursor. */
async function walk(path: string, between?: () => void): Promise<{ markets: SimMarket[]; cursors: string[] }> {
  const markets: SimMarket[] = [];
  const cursors: string[] = [];
  let cursor = '';
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await getJson<Page>(`${path}${cursor === '' ? '' : `${separator}cursor=${cursor}`}`);
    markets.push(...page.markets);
    expect(cursors).not.toContain(page.cursor);
    cursors.push(page.cursor);
    cursor = page.cursor;
    between?.();
  } while (cursor !== '');
  return { markets, cursors };
}

describe('GET /markets pagination', () => {
  it('walks every live market exactly once, newest created first, and ends on ""', async () => {
    const { markets, cursors } = await walk('/markets?limit=250');
    const tickers = markets.map((market) => market.ticker);
    expect(new Set(tickers).size).toBe(tickers.length);
    expect(tickers.length).toBe(catalogue.counts().live);
    expect(cursors.at(-1)).toBe('');
    expect(cursors.slice(0, -1).every((cursor) => /^[A-Za-z0-9_-]+$/.test(cursor))).toBe(true);
    const created = markets.map((market) => Date.parse(market.created_time));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('defaults to 100 rows and serves compact JSON with the cursor first', async () => {
    const response = await get('/markets');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.body.startsWith('{"cursor":"')).toBe(true);
    expect(response.body).not.toContain('\n');
    expect((JSON.parse(response.body) as Page).markets).toHaveLength(100);
  });

  it('keeps a cursor valid while markets are created and change between pages', async () => {
    const clock = createManualClock(NOW);
    const local = createCatalogue({ now: clock.now });
    generateCatalogue(local, { markets: 800, seed: 5, now: clock.now(), historical: 0 });
    const before = new Set(local.liveEntries().map((entry) => entry.ticker));
    const server = await createKalshiSimulator({ catalogue: local });
    try {
      const gone = new Set<string>();
      const seen: string[] = [];
      let cursor = '';
      let round = 0;
      do {
        const response = await fetch(`${server.url}/markets?limit=100${cursor ? `&cursor=${cursor}` : ''}`);
        const page = (await response.json()) as Page;
        seen.push(...page.markets.map((market) => market.ticker));
        cursor = page.cursor;
        clock.advance(1000);
        round += 1;
        for (const move of local.step(25, createRng(round))) {
          if (move.type === 'archive' || move.type === 'delist') gone.add(move.ticker);
        }
      } while (cursor !== '');
      const expected = [...before].filter((ticker) => !gone.has(ticker));
      const seenOnce = new Set(seen);
      expect(seen.length).toBe(seenOnce.size);
      for (const ticker of expected) expect(seenOnce.has(ticker)).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('uses protobuf-shaped cursors like Kalshi, which decode the real captured cursor', () => {
    const real = 'CgwI_96x1AYQiPTNtgMSHUtYTkZMMlFUT1RBTC0yNkFVRzI4TllHTllKLTIx';
    const position = decodeCursor(real);
    expect(position).toEqual({ us: Date.parse('2026-08-24T16:21:19.919Z') * 1000 + 829, key: 'KXNFL2QTOTAL-26AUG28NYGNYJ-21' });
    expect(encodeCursor(position as NonNullable<typeof position>)).toBe(real);
    expect(decodeCursor('not a cursor!')).toBeNull();
  });
});

describe('GET /markets filters', () => {
  const live = (): SimMarket[] => catalogue.liveEntries().map((entry) => catalogue.market(entry.ticker) as SimMarket);

  it.each([
    ['unopened', ['initialized']],
    ['open', ['active']],
    ['paused', ['inactive']],
    ['closed', ['closed', 'determined']],
    ['settled', ['finalized']],
  ])('status=%s returns exactly the markets in %j', async (filter, statuses) => {
    const { markets } = await walk(`/markets?status=${filter}&limit=1000`);
    const expected = live().filter((market) => statuses.includes(market.status));
    expect(expected.length).toBeGreaterThan(0);
    expect(markets.map((market) => market.ticker).sort()).toEqual(expected.map((market) => market.ticker).sort());
  });

  it('mve_filter: omitted includes combos, exclude drops them, only keeps them', async () => {
    const all = (await walk('/markets?limit=1000')).markets;
    const excluded = (await walk('/markets?limit=1000&mve_filter=exclude')).markets;
    const only = (await walk('/markets?limit=1000&mve_filter=only')).markets;
    expect(only.length).toBe(catalogue.counts().mve);
    expect(only.every((market) => market.ticker.startsWith('KXMVE') && typeof market.mve_collection_ticker === 'string')).toBe(true);
    expect(excluded.some((market) => 'mve_collection_ticker' in market)).toBe(false);
    expect(excluded.length + only.length).toBe(all.length);
  });

  it('event_ticker, series_ticker and tickers narrow the rows; unknown tickers are simply absent', async () => {
    const sample = live().find((market) => !market.ticker.startsWith('KXMVE')) as SimMarket;
    const siblings = live().filter((market) => market.event_ticker === sample.event_ticker);
    const byEvent = (await walk(`/markets?event_ticker=${sample.event_ticker}`)).markets;
    expect(byEvent.map((market) => market.ticker).sort()).toEqual(siblings.map((market) => market.ticker).sort());

    const series = catalogue.event(sample.event_ticker)?.event.series_ticker as string;
    const bySeries = (await walk(`/markets?series_ticker=${series}&limit=1000`)).markets;
    expect(bySeries.length).toBeGreaterThanOrEqual(siblings.length);
    expect(bySeries.every((market) => catalogue.event(market.event_ticker)?.event.series_ticker === series)).toBe(true);

    const byTickers = await getJson<Page>(`/markets?tickers=${sample.ticker},NOPE-1,${siblings.at(-1)?.ticker}`);
    expect(byTickers.cursor).toBe('');
    expect(byTickers.markets.map((market) => market.ticker).sort()).toEqual([...new Set([sample.ticker, siblings.at(-1)?.ticker])].sort());
  });

  it('time windows keep rows inside the window', async () => {
    const markets = live();
    const closes = markets.map((market) => Math.floor(Date.parse(market.close_time) / 1000)).sort((a, b) => a - b);
    const [min, max] = [closes[Math.floor(closes.length / 4)] as number, closes[Math.floor(closes.length / 2)] as number];
    const inWindow = (await walk(`/markets?min_close_ts=${min}&max_close_ts=${max}&limit=1000`)).markets;
    const expected = markets.filter((market) => {
      const close = Math.floor(Date.parse(market.close_time) / 1000);
      return close >= min && close <= max;
    });
    expect(inWindow.length).toBe(expected.length);

    const settled = (await walk(`/markets?status=settled&min_settled_ts=1&limit=1000`)).markets;
    expect(settled.length).toBe(catalogue.counts().byStatus.finalized);
    expect(settled.every((market) => typeof market.settlement_ts === 'string')).toBe(true);

    const created = (await walk(`/markets?status=open&min_created_ts=${min}&limit=1000`)).markets;
    expect(created.every((market) => market.status === 'active' && Date.parse(market.created_time) / 1000 >= min)).toBe(true);
  });

  it.each([
    ['min_updated_ts=1&status=open&mve_filter=exclude', 'min_updated_ts is incompatible with any other filter except mve_filter=exclude'],
    ['min_updated_ts=1&event_ticker=X', 'min_updated_ts is incompatible with any other filter except mve_filter=exclude'],
    ['min_updated_ts=1&tickers=X', 'min_updated_ts is incompatible with any other filter except mve_filter=exclude'],
    ['min_updated_ts=1&min_close_ts=1', 'min_updated_ts is incompatible with any other filter except mve_filter=exclude'],
    ['min_updated_ts=1&mve_filter=only', 'min_updated_ts is incompatible with any other filter except mve_filter=exclude'],
    ['min_updated_ts=1&series_ticker=KXMLBGAME', 'min_updated_ts with series_ticker requires mve_filter=exclude'],
    ['min_created_ts=1&status=closed', 'min_created_ts and max_created_ts are only compatible with status unopened or open'],
    ['max_close_ts=1&status=open', 'min_close_ts and max_close_ts are only compatible with status closed'],
    ['min_settled_ts=1&status=paused', 'min_settled_ts and max_settled_ts are only compatible with status settled'],
    ['min_created_ts=1&min_settled_ts=1', 'created, close and settled timestamp filters are mutually exclusive'],
    ['limit=0', 'limit must be an integer between 1 and 1000'],
    ['limit=1001', 'limit must be an integer between 1 and 1000'],
    ['status=active', 'status must be one of unopened, open, paused, closed, settled'],
    ['mve_filter=all', 'mve_filter must be one of only, exclude'],
    ['event_ticker=A,B', 'only a single event_ticker is supported'],
    ['cursor=bm90LWEtY3Vyc29y', 'invalid cursor'],
    ['min_close_ts=yesterday', 'min_close_ts must be a Unix timestamp in seconds'],
  ])('?%s -> 400 with Kalshi\'s error body', async (query, details) => {
    const response = await get(`/markets?${query}`);
    expect(response.status).toBe(400);
    expect(response.body).toBe(BAD_REQUEST(details));
  });

  it('accepts the combinations Kalshi accepts', async () => {
    for (const query of [
      'min_updated_ts=1',
      'min_updated_ts=1&mve_filter=exclude',
      'min_updated_ts=1&series_ticker=KXMLBGAME&mve_filter=exclude',
      'min_created_ts=1&status=unopened',
      'min_close_ts=1&status=closed',
      'min_settled_ts=1&status=settled',
      'limit=1000',
      'status=',
    ]) {
      expect((await get(`/markets?${query}`)).status, query).toBe(200);
    }
  });
});

describe('single resources and other endpoints', () => {
  it('GET /markets/{ticker} answers {market}; unknown tickers get the captured 404 body', async () => {
    const ticker = catalogue.liveEntries()[0]?.ticker as string;
    const found = await getJson<{ market: SimMarket }>(`/markets/${ticker}`);
    expect(found.market.ticker).toBe(ticker);
    const captured = (await readFile(new URL('../../fixtures/kalshi/error_404.json', import.meta.url), 'utf8')).trim();
    const missing = await get('/markets/NOPE-123');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe(captured);
    expect(missing.body).toBe('{"error":{"code":"not_found","message":"not found"}}');
  });

  it('unknown paths answer the 404 body', async () => {
    for (const path of ['/nope', '/markets/a/b', '/historical']) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(response.body).toBe('{"error":{"code":"not_found","message":"not found"}}');
    }
    const outside = await fetch(sim.url.replace('/trade-api/v2', '/v1/markets'));
    expect(outside.status).toBe(404);
  });

  it('GET /events pages at most 200, hides combo events and nests markets on request', async () => {
    expect((await get('/events?limit=201')).status).toBe(400);
    const events: SimEvent[] = [];
    let cursor = '';
    do {
      const page = await getJson<{ cursor: string; events: SimEvent[]; milestones: unknown[] }>(`/events?limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.events.length).toBeLessThanOrEqual(200);
      expect(page.milestones).toEqual([]);
      events.push(...page.events);
      cursor = page.cursor;
    } while (cursor !== '');
    const tickers = events.map((event) => event.event_ticker);
    expect(new Set(tickers).size).toBe(tickers.length);
    expect(tickers.some((ticker) => ticker.startsWith('KXMVE'))).toBe(false);
    const nonCombo = catalogue.sortedEvents().filter((entry) => !entry.mve).length;
    expect(tickers.length).toBe(nonCombo);

    const nested = await getJson<{ events: (SimEvent & { markets: SimMarket[] })[] }>(`/events?tickers=${tickers[0]},${tickers[1]}&with_nested_markets=true`);
    expect(nested.events).toHaveLength(2);
    for (const event of nested.events) {
      expect(event.markets.length).toBeGreaterThan(0);
      expect(event.markets.every((market) => market.event_ticker === event.event_ticker)).toBe(true);
    }

    const single = await getJson<{ event: SimEvent; markets: SimMarket[] }>(`/events/${tickers[0]}`);
    expect(single.event.event_ticker).toBe(tickers[0]);
    expect(single.markets.length).toBeGreaterThan(0);
    const singleNested = await getJson<{ event: SimEvent & { markets: SimMarket[] }; markets: SimMarket[] }>(`/events/${tickers[0]}?with_nested_markets=true`);
    expect(singleNested.markets).toEqual([]);
    expect(singleNested.event.markets.length).toBe(single.markets.length);
  });

  it('GET /events?status matches events with any market in that status', async () => {
    const page = await getJson<{ events: (SimEvent & { markets: SimMarket[] })[] }>('/events?status=settled&with_nested_markets=true');
    expect(page.events.length).toBeGreaterThan(0);
    for (const event of page.events) expect(event.markets.some((market) => market.status === 'finalized')).toBe(true);
  });

  it('GET /series is not paginated and filters by category; GET /series/{ticker}', async () => {
    const all = await getJson<{ series: SimSeries[]; cursor?: string }>('/series');
    expect(all.cursor).toBeUndefined();
    expect(all.series.length).toBe(catalogue.counts().series);
    const categories = new Set(all.series.map((series) => series.category));
    for (const category of ['Sports', 'Health', 'Economics', 'Climate and Weather', 'Crypto']) expect(categories).toContain(category);
    const health = await getJson<{ series: SimSeries[] }>('/series?category=Health');
    expect(health.series.length).toBeGreaterThan(50);
    expect(health.series.every((series) => series.category === 'Health')).toBe(true);
    const one = await getJson<{ series: SimSeries }>('/series/KXMLBGAME');
    expect(one.series.ticker).toBe('KXMLBGAME');
    expect((await get('/series/NOPE')).status).toBe(404);
  });

  it('historical markets are served only by /historical/*', async () => {
    const page = await getJson<Page>('/historical/markets?limit=1000');
    expect(page.markets.length).toBe(300);
    const cutoff = await getJson<{ market_settled_ts: string; trades_created_ts: string }>('/historical/cutoff');
    const cutoffMs = Date.parse(cutoff.market_settled_ts);
    expect(page.markets.every((market) => market.status === 'finalized' && Date.parse(market.settlement_ts as string) < cutoffMs)).toBe(true);
    const one = page.markets[0] as SimMarket;
    expect((await getJson<{ market: SimMarket }>(`/historical/markets/${one.ticker}`)).market.ticker).toBe(one.ticker);
    expect((await get(`/markets/${one.ticker}`)).status).toBe(404);
    expect((await get(`/markets?tickers=${one.ticker}`)).body).toBe('{"cursor":"","markets":[]}');
    const byEvent = await getJson<Page>(`/historical/markets?event_ticker=${one.event_ticker}`);
    expect(byEvent.markets.map((market) => market.ticker)).toContain(one.ticker);
    expect((await get('/historical/markets?mve_filter=only')).status).toBe(400);
    expect((await get(`/historical/markets?tickers=${one.ticker}&event_ticker=${one.event_ticker}`)).body).toBe(
      BAD_REQUEST('tickers, event_ticker and series_ticker are mutually exclusive'),
    );
  });

  it('GET /exchange/status is settable and /exchange/schedule has the documented shape', async () => {
    expect(await getJson('/exchange/status')).toEqual({ exchange_active: true, trading_active: true });
    sim.setOptions({ exchange: { exchange_active: true, trading_active: false } });
    expect(await getJson('/exchange/status')).toEqual({ exchange_active: true, trading_active: false });
    sim.setOptions({ exchange: { exchange_active: true, trading_active: true } });
    const schedule = await getJson<{ schedule: { standard_hours: Record<string, unknown>[]; maintenance_windows: unknown[] } }>('/exchange/schedule');
    expect(schedule.schedule.standard_hours[0]).toHaveProperty('monday');
    expect(Array.isArray(schedule.schedule.maintenance_windows)).toBe(true);
  });
});
