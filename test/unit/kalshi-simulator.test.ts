/**
 * The client walked against the project's Kalshi simulator (src/sim), seeded with the real
 * captures: the two sides were written separately from the same facts sheet, so this checks that
 * they agree on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketSource } from '../../src/core/ports.js';
import { createKalshiClient } from '../../src/kalshi/index.js';
import { createKalshiSimulator, type KalshiSimulator } from '../../src/sim/server.js';
import { seedFromCaptures } from '../../src/sim/seed.js';

let sim: KalshiSimulator;
let client: MarketSource;

beforeAll(async () => {
  sim = await createKalshiSimulator();
  await seedFromCaptures(sim.catalogue);
  client = createKalshiClient({ baseUrl: sim.url, rate: 1000, pageLimit: 250, retryBaseMs: 1, retryMaxMs: 5 });
});

afterAll(async () => {
  await client.close();
  await sim.close();
});

describe('Kalshi client against the simulator', () => {
  it('walks every open non-combo market page by page, through injected 429s and a dropped connection', async () => {
    sim.setOptions({
      failures: [
        { path: '/markets', status: 429, times: 2 },
        { path: '/markets', status: 'drop', times: 1, afterRequests: 3 },
      ],
    });
    const tickers: string[] = [];
    let pages = 0;
    for await (const page of client.markets({ status: 'open' })) {
      expect(page.page).toBe(pages);
      expect(page.invalid).toEqual([]);
      pages += 1;
      for (const market of page.markets) {
        expect(market.status).toBe('active');
        expect(market.mve_collection_ticker ?? null).toBeNull();
        tickers.push(market.ticker);
      }
    }
    sim.setOptions({ failures: [] });

    const expected = sim.catalogue.tickersWithStatus('active').filter((t) => !t.startsWith('KXMVE'));
    expect(new Set(tickers).size).toBe(tickers.length);
    expect([...tickers].sort()).toEqual([...expected].sort());
    expect(pages).toBe(Math.ceil(expected.length / 250));
    const stats = client.stats();
    expect(stats).toMatchObject({ pages, retries: 3, rateLimited: 2, requests: pages + 3 });
    expect(stats.bytes).toBeGreaterThan(expected.length * 1000);
  });

  it('looks markets, historical markets and events up by ticker, and reads series, cutoff and status', async () => {
    const live = sim.catalogue.liveEntries().slice(0, 5).map((e) => e.ticker);
    const historical = sim.catalogue.historicalEntries().slice(0, 5).map((e) => e.ticker);
    expect(historical.length).toBeGreaterThan(0);

    const found = await client.marketsByTickers([...live, 'NO-SUCH-MARKET']);
    expect(found.map((m) => m.ticker).sort()).toEqual([...live].sort());
    const archived = await client.historicalMarketsByTickers(historical);
    expect(archived.map((m) => m.ticker).sort()).toEqual([...historical].sort());
    expect(archived.every((m) => m.status === 'finalized')).toBe(true);

    const eventTickers = [...new Set(found.map((m) => m.event_ticker))].filter((t) => !t.startsWith('KXMVE'));
    const events = await client.eventsByTickers(eventTickers);
    expect(events.map((e) => e.event_ticker).sort()).toEqual([...eventTickers].sort());

    const series = await client.allSeries();
    expect(series.length).toBe(sim.catalogue.allSeries().length);
    const cutoff = await client.historicalCutoff();
    expect(cutoff.market_settled_ts).toBe(sim.catalogue.counts().cutoff);
    await expect(client.exchangeStatus()).resolves.toMatchObject({ exchange_active: true, trading_active: true });
  });
});
