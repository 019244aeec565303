import { describe, expect, it } from 'vitest';
import type { KalshiMarketRecord } from '../../src/core/kalshi.js';
import { mapStatus, normalizeMarket, TRADING_FIELDS, type CategoryInfo } from '../../src/core/normalize.js';
import { categorySlug } from '../../src/core/keys.js';
import { fixture } from '../helpers/fixtures.js';

const eventCapture = fixture<{ event: { series_ticker: string; category: string }; markets: KalshiMarketRecord[] }>('event_with_markets.json');
const sports: CategoryInfo = { seriesTicker: 'KXDFBPOKALTEAMTOTAL', seriesCategory: 'Sports', eventCategory: 'Sports' };

function market(ticker: string): KalshiMarketRecord {
  const m = eventCapture.markets.find((x) => x.ticker === ticker);
  if (!m) throw new Error(`fixture has no ${ticker}`);
  return m;
}

describe('normalizeMarket on the real event capture', () => {
  it('maps a finalized market to settled with its result and settlement time', () => {
    const m = normalizeMarket(market('KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV-HSV1'), sports);
    expect(m).toMatchObject({
      ticker: 'KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV-HSV1',
      kalshi_id: 'KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV-HSV1',
      title: 'Will Hamburg score over 0.5 goals?',
      category: 'Sports',
      status: 'settled',
      exchange_status: 'finalized',
      result: 'yes',
      settled_at: '2026-08-24T17:11:57.094255Z',
      expiration_time: '2026-08-24T19:00:00Z',
      settlement_time: '2026-08-24T19:05:00Z',
      event_ticker: 'KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV',
      series_ticker: 'KXDFBPOKALTEAMTOTAL',
      market_type: 'binary',
    });
  });

  it('maps determined to closed, keeping the result Kalshi already reports', () => {
    const m = normalizeMarket(market('KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV-HSV2'), sports);
    expect(m.status).toBe('closed');
    expect(m.exchange_status).toBe('determined');
    expect(m.result).toBe('yes');
    expect(m.settled_at).toBeNull();
  });

  it('reports an active market with an empty result as null', () => {
    const m = normalizeMarket(market('KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV-HSV3'), sports);
    expect(m.status).toBe('active');
    expect(m.result).toBeNull();
  });

  it('drops every trading field from raw_metadata and keeps the rest as received', () => {
    const raw = market('KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV-HSV3');
    const m = normalizeMarket(raw, sports);
    for (const key of Object.keys(m.raw_metadata)) expect(TRADING_FIELDS.has(key)).toBe(false);
    expect(m.raw_metadata.rules_primary).toBe(raw.rules_primary);
    expect(m.raw_metadata.price_ranges).toEqual(raw.price_ranges);
    expect('yes_bid_dollars' in m.raw_metadata).toBe(false);
    expect('volume_fp' in m.raw_metadata).toBe(false);
  });

  it.each([
    ['active', 'active'],
    ['finalized', 'settled'],
    ['settled', 'settled'],
    ['initialized', 'closed'],
    ['inactive', 'closed'],
    ['closed', 'closed'],
    ['determined', 'closed'],
    ['disputed', 'closed'],
    ['amended', 'closed'],
    ['some_future_status', 'closed'],
  ])('status %s -> %s', (kalshi, ours) => {
    expect(mapStatus(kalshi)).toBe(ours);
  });
});

describe('normalizeMarket field rules', () => {
  const base: KalshiMarketRecord = { ticker: 'T-1', event_ticker: 'E-1', status: 'active' };
  const none: CategoryInfo = { seriesTicker: null, seriesCategory: null, eventCategory: null };

  it.each([
    [{ title: 'A title', yes_sub_title: 'yes sub' }, 'A title'],
    [{ title: '', yes_sub_title: 'yes sub' }, 'yes sub'],
    [{ title: '', yes_sub_title: '' }, 'T-1'],
    [{}, 'T-1'],
  ])('title from %j is %s', (fields, title) => {
    expect(normalizeMarket({ ...base, ...fields }, none).title).toBe(title);
  });

  it.each([
    [{ seriesTicker: 'S', seriesCategory: 'Economics', eventCategory: 'World' }, 'Economics'],
    [{ seriesTicker: 'S', seriesCategory: null, eventCategory: 'World' }, 'World'],
    [{ seriesTicker: 'S', seriesCategory: '', eventCategory: '' }, null],
    [none, null],
  ])('category from %j is %s', (info, category) => {
    expect(normalizeMarket(base, info).category).toBe(category);
  });

  it.each([
    [{ expected_expiration_time: '2026-01-01T10:00:00Z', latest_expiration_time: '2026-01-02T00:00:00Z', expiration_time: '2026-01-03T00:00:00Z' }, '2026-01-01T10:00:00Z'],
    [{ expected_expiration_time: null, latest_expiration_time: '2026-01-02T00:00:00Z', expiration_time: '2026-01-03T00:00:00Z' }, '2026-01-02T00:00:00Z'],
    [{ expiration_time: '2026-01-03T00:00:00Z' }, '2026-01-03T00:00:00Z'],
    [{}, null],
  ])('expiration_time from %j is %s', (fields, expiration) => {
    expect(normalizeMarket({ ...base, ...fields }, none).expiration_time).toBe(expiration);
  });

  it('settlement_time needs both the expiration and the timer', () => {
    expect(normalizeMarket({ ...base, expected_expiration_time: '2026-01-01T10:00:00Z', settlement_timer_seconds: 1800 }, none).settlement_time).toBe('2026-01-01T10:30:00Z');
    expect(normalizeMarket({ ...base, expected_expiration_time: '2026-01-01T10:00:00Z' }, none).settlement_time).toBeNull();
    expect(normalizeMarket({ ...base, settlement_timer_seconds: 60 }, none).settlement_time).toBeNull();
  });

  it('treats result "" and null alike and accepts scalar', () => {
    expect(normalizeMarket({ ...base, result: '' }, none).result).toBeNull();
    expect(normalizeMarket({ ...base, result: null }, none).result).toBeNull();
    expect(normalizeMarket({ ...base, result: 'scalar' }, none).result).toBe('scalar');
  });

  it('converts offsets to UTC and Go zero times to null', () => {
    const m = normalizeMarket({ ...base, open_time: '2026-01-01T05:00:00-05:00', close_time: '0001-01-01T00:00:00Z' }, none);
    expect(m.open_time).toBe('2026-01-01T10:00:00Z');
    expect(m.close_time).toBeNull();
  });
});

describe('categorySlug', () => {
  it.each([
    ['Science and Technology', 'science-and-technology'],
    ['Politics', 'politics'],
    ['  Climate & Weather!! ', 'climate-weather'],
    ['COVID-19', 'covid-19'],
  ])('%s -> %s', (name, slug) => expect(categorySlug(name)).toBe(slug));
});
