import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  isComboMarket,
  kalshiErrorMessage,
  parseEventsPage,
  parseHistoricalCutoff,
  parseMarketsPage,
  parseSeriesList,
} from '../../src/kalshi/schemas.js';
import { describeRequest, encodeQuery } from '../../src/kalshi/http.js';
import { backoffDelay } from '../../src/kalshi/retry.js';
import { kalshiComboMarket, kalshiMarket } from '../helpers/http-server.js';

describe('kalshiErrorMessage', () => {
  it.each([
    [{ error: 'too many requests' }, 'too many requests'],
    [{ error: { code: 'not_found', message: 'not found' } }, 'not_found: not found'],
    [
      { error: { code: 'bad_request', message: 'bad request', details: 'requested candlesticks across all markets: 36000, max candlesticks: 10000' } },
      'bad_request: bad request (requested candlesticks across all markets: 36000, max candlesticks: 10000)',
    ],
    [{ error: { code: 'x', details: { field: 'limit' } } }, 'x ({"field":"limit"})'],
    [{ error: { service: 'gateway' } }, null],
    [{ message: 'nope' }, null],
    ['plain', null],
  ])('%j -> %j', (body, expected) => {
    expect(kalshiErrorMessage(body)).toBe(expected);
  });
});

describe('market validation', () => {
  it('accepts the tolerated variants: null times, "" result, unknown status, µs precision, offsets', () => {
    const page = parseMarketsPage({
      markets: [
        kalshiMarket('A', { result: '', settlement_ts: null, status: 'amended' }),
        kalshiMarket('B', { result: null, open_time: '2026-08-24T17:11:53.123456789+02:00', settlement_timer_seconds: null }),
        kalshiMarket('C', { expected_expiration_time: undefined, title: undefined }),
      ],
    }, { dropCombos: true });
    expect(page).toMatchObject({ ok: true, value: { invalid: [], cursor: null, dropped: 0 } });
    if (page.ok) expect(page.value.records.map((m) => m.ticker)).toEqual(['A', 'B', 'C']);
  });

  it.each([
    [{ ticker: '' }, /^ticker: /],
    [{ event_ticker: null }, /^event_ticker: /],
    [{ status: undefined }, /^status: /],
    [{ open_time: 1756000000 }, /^open_time: .*got 1756000000/],
    [{ updated_time: '2026-08-24' }, /^updated_time: .*"2026-08-24"/],
    [{ settlement_timer_seconds: '300' }, /^settlement_timer_seconds: /],
    [{ result: false }, /^result: /],
    [{ title: 5 }, /^title: /],
  ])('rejects %j', (override, reason) => {
    const page = parseMarketsPage({ markets: [kalshiMarket('T', override)], cursor: 'next' }, { dropCombos: false });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.value.records).toEqual([]);
    expect(page.value.invalid[0]?.reason).toMatch(reason);
    expect(page.value.cursor).toBe('next');
  });

  it('recognises combo markets by collection ticker or legs', () => {
    expect(isComboMarket(kalshiComboMarket('X'))).toBe(true);
    expect(isComboMarket(kalshiMarket('X', { mve_selected_legs: [{ market_ticker: 'Y' }] }))).toBe(true);
    expect(isComboMarket(kalshiMarket('X', { mve_collection_ticker: '' }))).toBe(false);
    expect(isComboMarket(kalshiMarket('X'))).toBe(false);
  });

  it('fills an absent series_ticker with null and rejects an event without ticker', () => {
    const page = parseEventsPage({ events: [{ event_ticker: 'E1' }, { series_ticker: 'S' }], cursor: '' });
    expect(page.ok && page.value.records).toEqual([{ event_ticker: 'E1', series_ticker: null }]);
    expect(page.ok && page.value.invalid).toEqual([{ index: 1, ticker: null, reason: expect.stringMatching(/^event_ticker: /) }]);
  });

  it('accepts a cutoff without market_settled_ts as null', () => {
    expect(parseHistoricalCutoff({ trades_created_ts: '2026-06-25T00:00:00Z' })).toEqual({
      ok: true,
      value: { market_settled_ts: null, trades_created_ts: '2026-06-25T00:00:00Z' },
    });
  });
});

describe('query encoding', () => {
  it('omits null and undefined, keeps commas between tickers, encodes the rest', () => {
    expect(encodeQuery({ limit: 1000, cursor: 'a+b/c=', status: undefined, mve_filter: null, tickers: ['A-1', 'B 2'] }))
      .toBe('limit=1000&cursor=a%2Bb%2Fc%3D&tickers=A-1,B%202');
    expect(describeRequest('/markets', { limit: 1000, cursor: 'xyz', status: 'open', tickers: ['A', 'B'] }))
      .toBe('GET /markets?status=open&tickers=<2 tickers>');
  });
});

describe('backoffDelay', () => {
  const policy = { maxRetries: 8, baseMs: 100, maxMs: 1000, budgetMs: 10_000 };
  it('draws below an exponential cap that stops at maxMs', () => {
    expect([0, 1, 2, 3, 4, 20].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
  });
});

/** The project's byte-for-byte copies of real Kalshi responses (see fixtures/kalshi/SOURCES.md). */
const CAPTURES = new URL('../../fixtures/kalshi/', import.meta.url);

describe('real Kalshi captures', () => {
  const load = (name: string): unknown => JSON.parse(readFileSync(new URL(name, CAPTURES), 'utf8'));

  // Every captured list of markets, live and historical.
  const pages = existsSync(fileURLToPath(CAPTURES))
    ? readdirSync(CAPTURES).filter((name) => /^(historical_)?markets_.*\.json$/.test(name))
    : [];

  it('has markets pages to check', () => {
    expect(pages.length).toBeGreaterThanOrEqual(4);
  });

  it.each(pages)('%s validates without a single invalid market', (path) => {
    const body = load(path) as { markets: unknown[]; cursor: string };
    const page = parseMarketsPage(body, { dropCombos: false });
    expect(page.ok).toBe(true);
    if (!page.ok) return;
    expect(page.value.invalid).toEqual([]);
    expect(page.value.records).toHaveLength(body.markets.length);
    expect(page.value.cursor).toBe(body.cursor === '' ? null : body.cursor);
    // Kept as received, trading fields and unknown fields included.
    expect(page.value.records[0]).toEqual(body.markets[0]);
  });

  it('drops the combo markets of a captured page when excluding combos', () => {
    // markets_page1.json was captured without mve_filter: all five rows are combos.
    const body = load('markets_page1.json') as { markets: Array<Record<string, unknown>> };
    const page = parseMarketsPage(body, { dropCombos: true });
    const combos = body.markets.filter((m) => typeof m['mve_collection_ticker'] === 'string').length;
    expect(combos).toBeGreaterThan(0);
    expect(page.ok && page.value.dropped).toBe(combos);
    expect(page.ok && page.value.records).toEqual([]);
  });

  it('validates the events, series and cutoff captures', () => {
    for (const path of ['events_page1.json', 'events_page2.json']) {
      const page = parseEventsPage(load(path));
      expect(page.ok && page.value.invalid).toEqual([]);
      expect(page.ok && page.value.records.length).toBe(5);
    }
    const series = parseSeriesList(load('series_list.json'));
    expect(series.ok && series.value.invalid).toEqual([]);
    expect(series.ok && series.value.records.length).toBe(98);
    expect(parseHistoricalCutoff(load('historical_cutoff.json'))).toMatchObject({
      ok: true,
      value: { market_settled_ts: '2026-06-25T00:00:00Z' },
    });
    expect(kalshiErrorMessage(load('error_404.json'))).toBe('not_found: not found');
  });
});
