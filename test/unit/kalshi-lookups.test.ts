import { describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { createKalshiClient } from '../../src/kalshi/index.js';
import {
  endpoint,
  kalshiEvent,
  kalshiMarket,
  recordingLogger,
  sendJson,
  type Handler, kalshiClientFixture } from '../helpers/http-server.js';

const setup = kalshiClientFixture({ rate: 1000, retryBaseMs: 1, retryMaxMs: 2 });

const KNOWN = new Set(['A', 'B', 'C', 'D', 'E']);

/** `tickers=` like Kalshi: unknown tickers silently absent; batches of more than 2 come in pages of 2. */
const tickersServer: Handler = (_req, res, request) => {
  const wanted = (request.query.get('tickers') ?? '').split(',').filter((t) => KNOWN.has(t));
  const offset = Number(request.query.get('cursor') ?? '0');
  const slice = wanted.slice(offset, offset + 2);
  const next = offset + 2 < wanted.length ? String(offset + 2) : '';
  sendJson(res, 200, { markets: slice.map((t) => kalshiMarket(t, { status: 'finalized', result: 'yes' })), cursor: next });
};

describe('Kalshi client: look-ups', () => {
  it('looks markets up by ticker in batches, following every page, skipping unknown ones', async () => {
    const { server, client } = await setup(tickersServer, { tickersBatch: 3 });
    const found = await client.marketsByTickers(['A', 'B', 'ZZZ', 'C', 'D', 'A', 'E', 'YYY']);
    expect(found.map((m) => m.ticker).sort()).toEqual(['A', 'B', 'C', 'D', 'E']);
    const calls = server.requests.map((r) => `${endpoint(r)}?${r.rawQuery}`).sort();
    expect(calls).toEqual([
      '/markets?limit=1000&tickers=A,B,ZZZ',
      '/markets?limit=1000&tickers=C,D,E',
      '/markets?limit=1000&tickers=C,D,E&cursor=2',
      '/markets?limit=1000&tickers=YYY',
    ]);
    expect(client.stats().pages).toBe(4);
  });

  it('makes no request for an empty list', async () => {
    const { server, client } = await setup(tickersServer);
    await expect(client.marketsByTickers([])).resolves.toEqual([]);
    await expect(client.eventsByTickers([])).resolves.toEqual([]);
    expect(server.requests).toHaveLength(0);
  });

  it('looks historical markets up on /historical/markets', async () => {
    const { server, client } = await setup(tickersServer);
    const found = await client.historicalMarketsByTickers(['A', 'NOPE']);
    expect(found.map((m) => m.ticker)).toEqual(['A']);
    expect(endpoint(server.requests[0]!)).toBe('/historical/markets');
  });

  it('skips and logs a malformed market in a look-up', async () => {
    const { logger, entries } = recordingLogger();
    const { client } = await setup((_req, res) => sendJson(res, 200, {
      markets: [kalshiMarket('A'), kalshiMarket('B', { status: 7 })],
      cursor: '',
    }), { logger });
    const found = await client.marketsByTickers(['A', 'B']);
    expect(found.map((m) => m.ticker)).toEqual(['A']);
    expect(entries.find((e) => e.level === 'warn')?.obj).toMatchObject({ ticker: 'B', reason: expect.stringMatching(/^status: /) });
  });

  it('fails the look-up when one batch fails', async () => {
    const { client } = await setup((_req, res, request) => {
      if ((request.query.get('tickers') ?? '').includes('BAD')) return sendJson(res, 400, { error: { code: 'bad_request', message: 'bad request' } });
      return tickersServer(_req, res, request);
    }, { tickersBatch: 1 });
    await expect(client.marketsByTickers(['A', 'BAD', 'C'])).rejects.toMatchObject({ status: 400, message: expect.stringContaining('GET /markets?tickers=<1 tickers>') });
  });

  it('looks events up by ticker on /events in batches', async () => {
    const { server, client } = await setup((_req, res, request) => {
      const tickers = (request.query.get('tickers') ?? '').split(',');
      sendJson(res, 200, {
        events: tickers.filter((t) => !t.startsWith('KXMVE')).map((t) => kalshiEvent(t)),
        milestones: [],
        cursor: '',
      });
    }, { eventsBatch: 2 });
    const events = await client.eventsByTickers(['KXELONMARS-99', 'KXMVE-1', 'KXFED-26']);
    expect(events.map((e) => e.event_ticker)).toEqual(['KXELONMARS-99', 'KXFED-26']);
    expect(events[0]).toMatchObject({ series_ticker: 'KXELONMARS', category: 'World', available_on_brokers: true });
    expect(server.requests.map((r) => r.rawQuery).sort()).toEqual(['limit=200&tickers=KXELONMARS-99,KXMVE-1', 'limit=200&tickers=KXFED-26']);
  });

  it('reads /series, the historical cutoff and the exchange status', async () => {
    const { client } = await setup((_req, res, request) => {
      switch (endpoint(request)) {
        case '/series':
          return sendJson(res, 200, { series: [
            { ticker: 'KXCASEM', category: 'Health', title: 'COVID daily case max', tags: ['Covid'], frequency: 'monthly' },
            { ticker: 'KXNOCAT', category: null, title: 'No category', tags: null },
          ] });
        case '/historical/cutoff':
          return sendJson(res, 200, {
            market_positions_last_updated_ts: '2026-06-25T00:00:00Z', market_settled_ts: '2026-06-25T00:00:00Z',
            orders_updated_ts: '2026-06-25T00:00:00Z', trades_created_ts: '2026-06-25T00:00:00Z',
          });
        case '/exchange/status':
          return sendJson(res, 200, { exchange_active: true, trading_active: false, exchange_estimated_resume_time: null });
        default:
          return sendJson(res, 404, { error: { code: 'not_found', message: 'not found' } });
      }
    });
    const series = await client.allSeries();
    expect(series).toEqual([
      { ticker: 'KXCASEM', category: 'Health', title: 'COVID daily case max', tags: ['Covid'], frequency: 'monthly' },
      { ticker: 'KXNOCAT', category: null, title: 'No category', tags: null },
    ]);
    await expect(client.historicalCutoff()).resolves.toMatchObject({ market_settled_ts: '2026-06-25T00:00:00Z', trades_created_ts: '2026-06-25T00:00:00Z' });
    await expect(client.exchangeStatus()).resolves.toEqual({ exchange_active: true, trading_active: false, exchange_estimated_resume_time: null });
  });

  it('rejects a cutoff or status that is not one', async () => {
    const { client } = await setup((_req, res, request) =>
      sendJson(res, 200, endpoint(request) === '/exchange/status' ? { exchange_active: 'yes' } : { market_settled_ts: 'June' }));
    await expect(client.exchangeStatus()).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', message: expect.stringMatching(/GET \/exchange\/status.*exchange_active/) });
    await expect(client.historicalCutoff()).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', message: expect.stringMatching(/market_settled_ts/) });
  });
});

describe('Kalshi client: lifecycle', () => {
  it('close() closes its own agent and later calls fail', async () => {
    const { client } = await setup((_req, res) => sendJson(res, 200, { exchange_active: true, trading_active: true }));
    await client.exchangeStatus();
    await client.close();
    await client.close();
    await expect(client.exchangeStatus()).rejects.toMatchObject({ code: 'UPSTREAM', message: expect.stringContaining('closed') });
  });

  it('leaves a dispatcher it was given open', async () => {
    const agent = new Agent();
    try {
      const { client } = await setup((_req, res) => sendJson(res, 200, { exchange_active: true, trading_active: true }), { dispatcher: agent });
      await client.close();
      expect(agent.closed).toBe(false);
      expect(agent.destroyed).toBe(false);
    } finally {
      await agent.close();
    }
  });

  it('refuses bad options with a ConfigError naming the option', () => {
    expect(() => createKalshiClient({ rate: 0 })).toThrow('Kalshi client option rate must be a positive number, got 0.');
    expect(() => createKalshiClient({ pageLimit: 10.5 })).toThrow(/pageLimit/);
    expect(() => createKalshiClient({ maxRetries: -1 })).toThrow(/maxRetries/);
    expect(() => createKalshiClient({ baseUrl: 'ftp://example.com/trade-api/v2' })).toThrow(/must be http/);
    expect(() => createKalshiClient({ baseUrl: 'kalshi' })).toThrow(/not a URL/);
  });
});
