import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../src/sim/catalogue.js';
import type { Catalogue } from '../../src/sim/catalogue.js';
import { marketJson } from '../../src/sim/entry.js';
import { generateCatalogue } from '../../src/sim/generate.js';
import type { SimMarket } from '../../src/sim/types.js';

const NOW = new Date('2026-11-25T12:00:00Z');
const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/;

function build(seed: number, markets = 4000): Catalogue {
  const catalogue = createCatalogue({ now: () => NOW });
  generateCatalogue(catalogue, { markets, seed, now: NOW, mveShare: 0.05 });
  return catalogue;
}

function dump(catalogue: Catalogue): string {
  return [...catalogue.liveEntries(), ...catalogue.historicalEntries()].map(marketJson).join('\n');
}

let catalogue: Catalogue;
let markets: SimMarket[];
let captured: SimMarket[];

beforeAll(async () => {
  catalogue = build(42);
  markets = catalogue.liveEntries().map((entry) => JSON.parse(marketJson(entry)) as SimMarket);
  const page = await readFile(new URL('../../fixtures/kalshi/markets_open_1000.json', import.meta.url), 'utf8');
  captured = (JSON.parse(page) as { markets: SimMarket[] }).markets;
});

describe('generateCatalogue', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    expect(dump(build(42))).toBe(dump(catalogue));
    expect(dump(build(43))).not.toBe(dump(catalogue));
  });

  it('creates exactly the requested live markets, a historical tier and a share of combos', () => {
    const counts = catalogue.counts();
    expect(counts.live).toBe(4000);
    expect(counts.historical).toBe(200);
    expect(counts.mve).toBe(200);
    for (const status of ['initialized', 'active', 'inactive', 'closed', 'determined', 'finalized'] as const) {
      expect(counts.byStatus[status] ?? 0, status).toBeGreaterThan(0);
    }
    expect((counts.byStatus.active ?? 0) + (counts.byStatus.initialized ?? 0)).toBeGreaterThan(counts.live / 2);
    expect(counts.series).toBeGreaterThan(150);
  });

  it('spreads markets across many series, events and real categories', () => {
    const events = new Set(markets.map((market) => market.event_ticker));
    expect(events.size).toBeGreaterThan(500);
    const categories = new Set(
      [...events].map((ticker) => catalogue.series(catalogue.event(ticker)?.event.series_ticker as string)?.category),
    );
    for (const category of ['Sports', 'Financials', 'Crypto', 'Climate and Weather', 'Economics', 'Health', 'Politics']) {
      expect(categories.has(category), category).toBe(true);
    }
  });

  it('shapes markets like the captured ones: same fields, formats and size', () => {
    const alwaysCaptured = Object.keys(captured[0] as SimMarket).filter((key) => captured.every((market) => key in market));
    const capturedKeys = new Set(captured.flatMap((market) => Object.keys(market)));
    const lifecycleKeys = ['cap_strike', 'settlement_ts', 'settlement_value_dollars', 'mve_collection_ticker', 'mve_selected_legs', 'is_provisional'];
    // Checked by hand and reported once: an expect() per field of 4000 markets is slow.
    const problems: string[] = [];
    for (const market of markets) {
      const keys = Object.keys(market);
      // Combos follow their own captures (markets_open.json): no occurrence_datetime, for one.
      if (market.mve_collection_ticker === undefined) {
        for (const key of alwaysCaptured) if (!(key in market)) problems.push(`${market.ticker} lacks ${key}`);
      }
      for (const key of keys) if (!capturedKeys.has(key) && !lifecycleKeys.includes(key)) problems.push(`${market.ticker} has ${key}`);
      if (keys.join() !== [...keys].sort().join()) problems.push(`${market.ticker} keys out of order`);
      for (const key of ['created_time', 'updated_time', 'open_time', 'close_time', 'latest_expiration_time']) {
        if (!TIME.test(String(market[key]))) problems.push(`${market.ticker} ${key}=${String(market[key])}`);
      }
      for (const [key, value] of Object.entries(market)) {
        if (key.endsWith('_dollars') && !/^[01]\.\d{4}$/.test(String(value))) problems.push(`${market.ticker} ${key}=${String(value)}`);
        if (key.endsWith('_fp') && !/^\d+\.\d{2}$/.test(String(value))) problems.push(`${market.ticker} ${key}=${String(value)}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
    const bytes = markets.reduce((sum, market) => sum + JSON.stringify(market).length, 0) / markets.length;
    expect(bytes).toBeGreaterThan(1500);
    expect(bytes).toBeLessThan(3000);
  });

  it('keeps times consistent with each status', () => {
    const now = NOW.getTime();
    const cutoff = catalogue.cutoffUs() / 1000;
    for (const market of markets) {
      const [open, close, updated] = [market.open_time, market.close_time, market.updated_time].map(Date.parse) as [number, number, number];
      expect(Date.parse(market.created_time), market.ticker).toBeLessThanOrEqual(now);
      expect(updated, market.ticker).toBeLessThanOrEqual(now);
      if (market.status === 'initialized') expect(open, market.ticker).toBeGreaterThan(now);
      if (market.status === 'active' || market.status === 'inactive') {
        expect(open, market.ticker).toBeLessThanOrEqual(now);
        expect(close, market.ticker).toBeGreaterThan(now);
      }
      if (market.status === 'closed' || market.status === 'determined') expect(close, market.ticker).toBeLessThanOrEqual(now);
      if (market.status === 'determined' || market.status === 'finalized') expect(['yes', 'no']).toContain(market.result);
      else expect(market.result).toBe('');
      if (market.status === 'finalized') expect(Date.parse(market.settlement_ts as string)).toBeGreaterThanOrEqual(cutoff);
    }
    for (const entry of catalogue.historicalEntries()) expect((entry.settledUs as number) / 1000).toBeLessThan(cutoff);
  });

  it('builds combos over real generated legs', () => {
    const combos = markets.filter((market) => market.mve_collection_ticker !== undefined);
    expect(combos.length).toBe(200);
    for (const combo of combos.slice(0, 20)) {
      const legs = combo.mve_selected_legs as { market_ticker: string; event_ticker: string }[];
      expect(legs.length).toBeGreaterThanOrEqual(2);
      for (const leg of legs) expect(catalogue.market(leg.market_ticker)?.event_ticker).toBe(leg.event_ticker);
      expect(combo.ticker.startsWith('KXMVECROSSCATEGORY-SHARD1-')).toBe(true);
    }
  });
});
