import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../src/sim/catalogue.js';
import type { Catalogue } from '../../src/sim/catalogue.js';
import { seedFromCaptures } from '../../src/sim/seed.js';
import type { SeedReport } from '../../src/sim/seed.js';
import { createKalshiSimulator } from '../../src/sim/server.js';
import type { KalshiSimulator } from '../../src/sim/server.js';
import type { SimEvent, SimMarket } from '../../src/sim/types.js';

const NOW = new Date('2026-12-01T09:30:00Z');
const TIME_FIELDS = ['created_time', 'updated_time', 'open_time', 'close_time', 'expected_expiration_time', 'expiration_time', 'latest_expiration_time', 'occurrence_datetime', 'settlement_ts'];

let catalogue: Catalogue;
let report: SeedReport;
let sim: KalshiSimulator;
let capturedOpen: SimMarket[];

async function fixture<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(new URL(`../../fixtures/kalshi/${name}`, import.meta.url), 'utf8')) as T;
}

beforeAll(async () => {
  catalogue = createCatalogue({ now: () => NOW });
  report = await seedFromCaptures(catalogue, { now: NOW });
  sim = await createKalshiSimulator({ catalogue });
  capturedOpen = (await fixture<{ markets: SimMarket[] }>('markets_open_1000.json')).markets;
});

afterAll(async () => {
  await sim.close();
});

describe('seedFromCaptures', () => {
  it('loads the captured markets, events, series and historical page', () => {
    expect(report.live).toBeGreaterThanOrEqual(1050);
    expect(report.historical).toBe(1000);
    expect(report.series).toBeGreaterThanOrEqual(100);
    expect(report.cutoff).toMatch(/T00:00:00Z$/);
    expect(catalogue.counts().mve).toBeGreaterThan(0);
  });

  it('serves the real markets unchanged except for times, shifted so they look live now', async () => {
    const page = (await (await fetch(`${sim.url}/markets?status=open&mve_filter=exclude&limit=1000`)).json()) as { markets: SimMarket[] };
    const served = new Map(page.markets.map((market) => [market.ticker, market]));
    let compared = 0;
    for (const original of capturedOpen) {
      const market = served.get(original.ticker);
      if (market === undefined) continue;
      compared += 1;
      expect(Object.keys(market)).toEqual(Object.keys(original));
      for (const [key, value] of Object.entries(original)) {
        if (!TIME_FIELDS.includes(key)) expect(market[key], key).toEqual(value);
      }
      const gap = (m: SimMarket): number => Date.parse(m.close_time) - Date.parse(m.created_time);
      expect(gap(market)).toBe(gap(original));
      expect(market.created_time.split('.')[1]).toBe(original.created_time.split('.')[1]);
    }
    expect(compared).toBeGreaterThan(900);
  });

  it('keeps every status consistent with now and the cutoff', () => {
    const now = NOW.getTime() * 1000;
    for (const entry of catalogue.liveEntries()) {
      expect(entry.createdUs, entry.ticker).toBeLessThanOrEqual(now);
      expect(entry.updatedUs, entry.ticker).toBeLessThanOrEqual(now);
      if (entry.status === 'active') expect(entry.closeUs, entry.ticker).toBeGreaterThan(now);
      if (entry.status === 'finalized') expect(entry.settledUs as number).toBeGreaterThanOrEqual(catalogue.cutoffUs());
    }
    for (const entry of catalogue.historicalEntries()) expect(entry.settledUs as number).toBeLessThan(catalogue.cutoffUs());
  });

  it('serves captured events with their real fields, and synthesises the missing ones', async () => {
    const captured = await fixture<{ event: SimEvent }>('event_with_markets.json');
    const response = (await (await fetch(`${sim.url}/events/${captured.event.event_ticker}`)).json()) as { event: SimEvent; markets: SimMarket[] };
    expect(response.event).toEqual(captured.event);
    expect(response.markets.map((market) => market.status).sort()).toEqual(['active', 'active', 'active', 'active', 'active', 'active', 'determined', 'finalized']);
    for (const market of capturedOpen.slice(0, 50)) {
      const event = catalogue.event(market.event_ticker)?.event;
      expect(event?.series_ticker).toBeTruthy();
      expect(catalogue.series(event?.series_ticker as string)?.category).toBeTruthy();
    }
  });

  it('keeps the historical capture only on /historical/markets', async () => {
    const historical = (await fixture<{ markets: SimMarket[] }>('historical_markets_page.json')).markets;
    const ticker = historical[0]?.ticker as string;
    expect((await fetch(`${sim.url}/markets/${ticker}`)).status).toBe(404);
    const page = (await (await fetch(`${sim.url}/historical/markets?limit=1000`)).json()) as { cursor: string; markets: SimMarket[] };
    expect(page.cursor).toBe('');
    expect(page.markets.map((market) => market.ticker).sort()).toEqual(historical.map((market) => market.ticker).sort());
  });
});
