import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { MarketPage } from '../../src/core/ports.js';
import { type KalshiClientOptions } from '../../src/kalshi/index.js';
import { kalshiMarket, recordingLogger, sendJson, type Handler, kalshiClientFixture } from '../helpers/http-server.js';

const FAST: KalshiClientOptions = { rate: 1000, retryBaseMs: 5, retryMaxMs: 20, maxRetries: 8 };

const setup = kalshiClientFixture({ ...FAST });

async function collect(pages: AsyncIterable<MarketPage>): Promise<MarketPage[]> {
  const out: MarketPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const PAGE = { markets: [kalshiMarket('OK-1'), kalshiMarket('OK-2')], cursor: '' };

/** Answers the first `n` requests with `fail`, then with a good page. */
function failFirst(n: number, fail: Handler): Handler {
  let seen = 0;
  return (req, res, request) => {
    seen += 1;
    if (seen <= n) return fail(req, res, request);
    sendJson(res, 200, PAGE);
  };
}

describe('Kalshi client: retries', () => {
  it('rides out a 429 storm (Kalshi body, no Retry-After) and counts it', async () => {
    const { server, client } = await setup(failFirst(5, (_req, res) => sendJson(res, 429, { error: 'too many requests' })));
    const pages = await collect(client.markets({}));
    expect(pages[0]?.markets).toHaveLength(2);
    expect(server.requests).toHaveLength(6);
    expect(client.stats()).toMatchObject({ requests: 6, pages: 1, retries: 5, rateLimited: 5 });
  });

  it('retries 5xx answers, JSON or not, then succeeds', async () => {
    let n = 0;
    const { client } = await setup(failFirst(3, (_req, res) => {
      n += 1;
      if (n === 1) sendJson(res, 500, { error: { code: 'internal_error', message: 'internal error' } });
      else if (n === 2) sendJson(res, 502, '<html>bad gateway</html>');
      else { res.writeHead(503); res.end(); }
    }));
    const pages = await collect(client.markets({}));
    expect(pages).toHaveLength(1);
    expect(client.stats()).toMatchObject({ requests: 4, retries: 3, rateLimited: 0 });
  });

  it('logs each retry at warn with the request and the reason', async () => {
    const { logger, entries } = recordingLogger();
    const { client } = await setup(failFirst(1, (_req, res) => sendJson(res, 503, { error: { code: 'service_unavailable', message: 'try later' } })), { logger });
    await collect(client.markets({ status: 'open' }));
    const warns = entries.filter((e) => e.level === 'warn');
    expect(warns).toHaveLength(1);
    expect(warns[0]?.obj).toMatchObject({ request: 'GET /markets?status=open&mve_filter=exclude', attempt: 1, status: 503 });
    expect(String((warns[0]?.obj as { reason: unknown }).reason)).toContain('service_unavailable: try later');
  });

  it('gives up on a page that keeps failing after maxRetries, in bounded time', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 500, { error: { code: 'internal', message: 'boom' } }), { maxRetries: 4 });
    const started = performance.now();
    const err = await collect(client.markets({ status: 'open' })).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(err).toMatchObject({ name: 'UpstreamError', code: 'UPSTREAM', status: 500 });
    expect((err as Error).message).toMatch(/GET \/markets\?status=open.*5 attempts.*HTTP 500: internal: boom/);
    expect(server.requests).toHaveLength(5);
    expect(client.stats()).toMatchObject({ requests: 5, retries: 4 });
  });

  it('gives up when the retry budget is spent, even with retries left', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 429, { error: 'too many requests' }), {
      maxRetries: 1000,
      retryBaseMs: 40,
      retryMaxMs: 40,
      retryBudgetMs: 300,
    });
    const started = performance.now();
    const err = await client.exchangeStatus().catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toMatchObject({ code: 'UPSTREAM', status: 429, message: expect.stringMatching(/retry budget.*too many requests/) });
    expect(elapsed).toBeLessThan(1500);
    expect(server.requests.length).toBeGreaterThan(2);
    expect(server.requests.length).toBeLessThan(200);
  });

  it('retries a connection dropped before the answer and one dropped mid-body', async () => {
    let n = 0;
    const { client } = await setup(failFirst(2, (_req, res) => {
      n += 1;
      if (n === 1) {
        res.socket?.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
      res.write('{"markets":[{"ticker":"HALF');
      setTimeout(() => res.socket?.destroy(), 10);
    }));
    const pages = await collect(client.markets({}));
    expect(pages[0]?.markets.map((m) => m.ticker)).toEqual(['OK-1', 'OK-2']);
    expect(client.stats()).toMatchObject({ requests: 3, retries: 2 });
  });

  it('retries a request whose headers do not come in time, and one whose body stalls', async () => {
    let n = 0;
    const { client } = await setup(failFirst(2, (_req, res) => {
      n += 1;
      if (n === 2) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"markets":[');
      }
      // otherwise: never answer
    }), { requestTimeoutMs: 150 });
    const started = performance.now();
    const pages = await collect(client.markets({}));
    expect(pages[0]?.markets).toHaveLength(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(client.stats()).toMatchObject({ requests: 3, retries: 2 });
  });

  it('does not retry a 400 and reports Kalshi\'s code, message and details', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 400, {
      error: { code: 'bad_request', message: 'bad request', details: 'min_updated_ts cannot be combined with status' },
    }));
    const err = await collect(client.markets({ status: 'open', minUpdatedTs: 1_756_000_000 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'UpstreamError', code: 'UPSTREAM', status: 400 });
    expect((err as Error).message).toBe(
      'Kalshi GET /markets?status=open&min_updated_ts=1756000000&mve_filter=exclude answered HTTP 400: bad_request: bad request (min_updated_ts cannot be combined with status).',
    );
    expect(server.requests).toHaveLength(1);
    expect(client.stats().retries).toBe(0);
  });

  it('does not retry a 404 and reads the error body without details', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 404, { error: { code: 'not_found', message: 'not found' } }));
    await expect(client.historicalCutoff()).rejects.toThrow('Kalshi GET /historical/cutoff answered HTTP 404: not_found: not found.');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a non-JSON 4xx body as text', async () => {
    const { client } = await setup((_req, res) => {
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end('Forbidden by WAF');
    });
    await expect(client.exchangeStatus()).rejects.toThrow(/HTTP 403: Forbidden by WAF/);
  });

  it('decodes gzip bodies and counts the bytes on the wire', async () => {
    const compressed = gzipSync(JSON.stringify(PAGE));
    const { server, client } = await setup((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': compressed.byteLength });
      res.end(compressed);
    });
    const pages = await collect(client.markets({}));
    expect(pages[0]?.markets).toHaveLength(2);
    expect(server.requests[0]?.headers['accept-encoding']).toContain('gzip');
    expect(client.stats().bytes).toBe(compressed.byteLength);
  });
});
