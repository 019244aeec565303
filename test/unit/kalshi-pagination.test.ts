import { describe, expect, it } from 'vitest';
import type { MarketPage } from '../../src/core/ports.js';
import {
  endpoint,
  kalshiComboMarket,
  kalshiMarket,
  recordingLogger,
  sendJson,
  type Handler, kalshiClientFixture } from '../helpers/http-server.js';

const setup = kalshiClientFixture({ rate: 1000, retryBaseMs: 1, retryMaxMs: 5 });

async function collect(pages: AsyncIterable<MarketPage>): Promise<MarketPage[]> {
  const out: MarketPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

// Real-looking cursors: base64url-ish, with characters that need encoding in a query.
const CURSORS = ['CgsImLux1AYQkML2VxI2S1hNVkVD+/=', 'CgsIoLi01AYQ8Mr6Ehc=='];

function chain(last: unknown): Handler {
  return (_req, res, request) => {
    const cursor = request.query.get('cursor');
    const page = cursor === null ? 0 : CURSORS.indexOf(cursor) + 1;
    const body: Record<string, unknown> = { markets: [kalshiMarket(`M-${page}-A`), kalshiMarket(`M-${page}-B`)] };
    if (page < CURSORS.length) body['cursor'] = CURSORS[page];
    else if (last !== undefined) body['cursor'] = last;
    sendJson(res, 200, body);
  };
}

describe('Kalshi client: GET /markets pagination', () => {
  it('yields each page as it arrives, passes cursors back verbatim and stops on an empty cursor', async () => {
    const { server, client } = await setup(chain(''));
    const iterator = client.markets({ status: 'open' })[Symbol.asyncIterator]();

    const first = await iterator.next();
    expect(first.done).toBe(false);
    // Nothing is fetched ahead of the consumer.
    expect(server.requests).toHaveLength(1);
    expect(first.value).toMatchObject({ page: 0, cursor: CURSORS[0], invalid: [] });
    expect((first.value as MarketPage).markets.map((m) => m.ticker)).toEqual(['M-0-A', 'M-0-B']);

    const rest: MarketPage[] = [];
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) rest.push(r.value);
    expect(rest.map((p) => p.page)).toEqual([1, 2]);
    expect(rest.at(-1)?.cursor).toBeNull();
    expect(server.requests).toHaveLength(3);

    const [r0, r1, r2] = server.requests;
    expect(endpoint(r0!)).toBe('/markets');
    expect(Object.fromEntries(r0!.query)).toEqual({ limit: '1000', status: 'open', mve_filter: 'exclude' });
    expect(r1!.query.get('cursor')).toBe(CURSORS[0]);
    expect(r2!.query.get('cursor')).toBe(CURSORS[1]);
    expect(client.stats()).toMatchObject({ requests: 3, pages: 3, retries: 0, rateLimited: 0 });
    expect(client.stats().bytes).toBeGreaterThan(0);
  });

  it.each([
    ['null', null],
    ['absent', undefined],
  ])('stops when the last cursor is %s', async (_name, last) => {
    const { server, client } = await setup(chain(last));
    const pages = await collect(client.markets({}));
    expect(pages).toHaveLength(3);
    expect(server.requests).toHaveLength(3);
  });

  it('maps every query field to its Kalshi parameter and omits mve_filter when null', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, { markets: [], cursor: '' }), { pageLimit: 250 });
    await collect(client.markets({ minUpdatedTs: 1_756_000_000, seriesTicker: 'KXBTC', mveFilter: 'exclude' }));
    await collect(client.markets({ eventTicker: 'KXBTC-26AUG24', status: 'settled', mveFilter: null }));
    await collect(client.markets({ mveFilter: 'only' }));
    expect(server.requests.map((r) => Object.fromEntries(r.query))).toEqual([
      { limit: '250', min_updated_ts: '1756000000', series_ticker: 'KXBTC', mve_filter: 'exclude' },
      { limit: '250', status: 'settled', event_ticker: 'KXBTC-26AUG24' },
      { limit: '250', mve_filter: 'only' },
    ]);
  });

  it('drops combo rows client-side when excluding combos, keeps them otherwise', async () => {
    const { client } = await setup((_req, res) =>
      sendJson(res, 200, { markets: [kalshiMarket('PLAIN-1'), kalshiComboMarket('KXMVE-1'), kalshiMarket('PLAIN-2')], cursor: '' }));
    const [excluded] = await collect(client.markets({ mveFilter: 'exclude' }));
    expect(excluded?.markets.map((m) => m.ticker)).toEqual(['PLAIN-1', 'PLAIN-2']);
    expect(excluded?.invalid).toEqual([]);
    const [included] = await collect(client.markets({ mveFilter: null }));
    expect(included?.markets.map((m) => m.ticker)).toEqual(['PLAIN-1', 'KXMVE-1', 'PLAIN-2']);
  });

  it('fails the walk when a cursor comes back a second time', async () => {
    const { server, client } = await setup((_req, res, request) =>
      sendJson(res, 200, { markets: [kalshiMarket(`T-${server.requests.length}`)], cursor: request.query.get('cursor') === 'A' ? 'B' : 'A' }));
    const seen: number[] = [];
    const walk = (async () => {
      for await (const page of client.markets({})) seen.push(page.page);
    })();
    await expect(walk).rejects.toMatchObject({ name: 'UpstreamError', code: 'UPSTREAM_BAD_RESPONSE' });
    await expect(walk).rejects.toThrow(/GET \/markets.*already returned/);
    expect(seen).toEqual([0, 1]);
    expect(server.requests).toHaveLength(3);
  });

  it('fails the walk past maxPages instead of following an endless chain', async () => {
    const { server, client } = await setup(
      (_req, res) => sendJson(res, 200, { markets: [kalshiMarket(`T-${server.requests.length}`)], cursor: `c${server.requests.length}` }),
      { maxPages: 3 },
    );
    const seen: number[] = [];
    const walk = (async () => {
      for await (const page of client.markets({ status: 'open' })) seen.push(page.page);
    })();
    await expect(walk).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', message: expect.stringMatching(/GET \/markets\?status=open.*3 pages/) });
    expect(seen).toEqual([0, 1, 2]);
    expect(server.requests).toHaveLength(3);
  });

  it('stops fetching when the consumer breaks out of the walk', async () => {
    const { server, client } = await setup(chain(''));
    for await (const page of client.markets({})) {
      expect(page.page).toBe(0);
      break;
    }
    expect(server.requests).toHaveLength(1);
  });
});

describe('Kalshi client: validation of markets pages', () => {
  it('skips one malformed market, reports it and logs its ticker, and returns the rest of the page', async () => {
    const { logger, entries } = recordingLogger();
    const { client } = await setup((_req, res) => sendJson(res, 200, {
      markets: [
        kalshiMarket('GOOD-1', { status: 'some_future_status', brand_new_field: { nested: true } }),
        kalshiMarket('BAD-TIME', { close_time: 'next tuesday' }),
        kalshiMarket('BAD-TIMER', { settlement_timer_seconds: 1.5 }),
        { ...kalshiMarket('x'), ticker: undefined },
        'not a market',
        kalshiMarket('GOOD-2', { result: null, settlement_ts: null, title: null }),
      ],
      cursor: '',
    }), { logger });

    const [page] = await collect(client.markets({}));
    expect(page?.markets.map((m) => m.ticker)).toEqual(['GOOD-1', 'GOOD-2']);
    // Unknown enum values and unknown fields are kept as received.
    expect(page?.markets[0]).toMatchObject({ status: 'some_future_status', brand_new_field: { nested: true }, yes_bid_dollars: '0.0000' });
    expect(page?.invalid).toEqual([
      { index: 1, ticker: 'BAD-TIME', reason: expect.stringMatching(/^close_time: .*next tuesday/) },
      { index: 2, ticker: 'BAD-TIMER', reason: expect.stringMatching(/^settlement_timer_seconds: /) },
      { index: 3, ticker: null, reason: expect.stringMatching(/^ticker: /) },
      { index: 4, ticker: null, reason: expect.stringMatching(/^\(record\): /) },
    ]);
    const warned = entries.filter((e) => e.level === 'warn');
    expect(warned.map((e) => (e.obj as { ticker: unknown }).ticker)).toEqual(['BAD-TIME', 'BAD-TIMER', null, null]);
    expect(warned[0]?.obj).toMatchObject({ request: 'GET /markets?mve_filter=exclude', page: 0, index: 1 });
  });

  it.each([
    ['an events page', { events: [], cursor: '' }],
    ['markets that is not an array', { markets: { ticker: 'X' }, cursor: '' }],
    ['a numeric cursor', { markets: [], cursor: 42 }],
    ['a JSON array', [kalshiMarket('A')]],
  ])('fails the walk on %s', async (_name, body) => {
    const { client } = await setup((_req, res) => sendJson(res, 200, body));
    const walk = collect(client.markets({ status: 'open' }));
    await expect(walk).rejects.toMatchObject({ name: 'UpstreamError', code: 'UPSTREAM_BAD_RESPONSE' });
    await expect(walk).rejects.toThrow(/GET \/markets\?status=open.*not a markets page/);
  });

  it('fails the walk, without retrying, on a 200 whose body is not JSON', async () => {
    const { server, client } = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>maintenance</html>');
    });
    await expect(collect(client.markets({}))).rejects.toMatchObject({ code: 'UPSTREAM_BAD_RESPONSE', status: 200 });
    expect(server.requests).toHaveLength(1);
  });
});
