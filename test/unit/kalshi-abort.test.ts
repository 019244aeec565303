import { describe, expect, it } from 'vitest';
import type { MarketPage, MarketSource } from '../../src/core/ports.js';
import { kalshiMarket, sendJson, kalshiClientFixture } from '../helpers/http-server.js';

const setup = kalshiClientFixture({ rate: 1000 });

async function walk(source: MarketSource, signal: AbortSignal): Promise<MarketPage[]> {
  const pages: MarketPage[] = [];
  for await (const page of source.markets({}, { signal })) pages.push(page);
  return pages;
}

/** Aborts `ms` after the call and resolves to the error and how long after the abort it came. */
async function abortAfter(ms: number, run: (signal: AbortSignal) => Promise<unknown>): Promise<{ err: unknown; lagMs: number }> {
  const controller = new AbortController();
  let abortedAt = 0;
  setTimeout(() => {
    abortedAt = performance.now();
    controller.abort(new Error('operator pressed ctrl-c'));
  }, ms);
  const err = await run(controller.signal).then(() => null, (e: unknown) => e);
  return { err, lagMs: performance.now() - abortedAt };
}

describe('Kalshi client: abort', () => {
  it('stops a walk between pages and while a request hangs', async () => {
    const { server, client } = await setup((_req, res, request) => {
      if (request.query.get('cursor') === 'HANG') return; // never answers
      sendJson(res, 200, { markets: [kalshiMarket('A')], cursor: 'HANG' });
    }, { requestTimeoutMs: 10_000 });
    const { err, lagMs } = await abortAfter(100, (signal) => walk(client, signal));
    expect(err).toMatchObject({ name: 'AbortedError', code: 'ABORTED', message: expect.stringContaining('GET /markets') });
    expect((err as Error).cause).toMatchObject({ message: 'operator pressed ctrl-c' });
    expect(lagMs).toBeLessThan(200);
    expect(server.requests).toHaveLength(2);
  });

  it('stops during a backoff sleep', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 503, { error: 'unavailable' }), {
      retryBaseMs: 10_000,
      retryMaxMs: 10_000,
    });
    const controller = new AbortController();
    // Let the first attempt fail and the (long) backoff start.
    const pending = walk(client, controller.signal).catch((e: unknown) => e);
    while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    const abortedAt = performance.now();
    controller.abort();
    const err = await pending;
    expect(err).toMatchObject({ name: 'AbortedError' });
    expect(performance.now() - abortedAt).toBeLessThan(200);
    expect(server.requests).toHaveLength(1);
  });

  it('stops while waiting for the rate limiter', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, { exchange_active: true, trading_active: true }), {
      rate: 0.2, // one request every 5 s once the single token is spent
    });
    await client.exchangeStatus();
    const { err, lagMs } = await abortAfter(50, (signal) => client.exchangeStatus({ signal }));
    expect(err).toMatchObject({ name: 'AbortedError', message: expect.stringContaining('GET /exchange/status') });
    expect(lagMs).toBeLessThan(200);
    expect(server.requests).toHaveLength(1);
  });

  it('does not start when the signal is already aborted', async () => {
    const { server, client } = await setup((_req, res) => sendJson(res, 200, { markets: [], cursor: '' }));
    const controller = new AbortController();
    controller.abort();
    await expect(walk(client, controller.signal)).rejects.toMatchObject({ name: 'AbortedError' });
    await expect(client.marketsByTickers(['A'], { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortedError' });
    expect(server.requests).toHaveLength(0);
  });

  it('aborts every batch of a look-up', async () => {
    const { server, client } = await setup(() => undefined, { tickersBatch: 1, requestTimeoutMs: 10_000 });
    const { err, lagMs } = await abortAfter(100, (signal) => client.marketsByTickers(['A', 'B', 'C'], { signal }));
    expect(err).toMatchObject({ name: 'AbortedError' });
    expect(lagMs).toBeLessThan(200);
    expect(server.requests).toHaveLength(3);
  });
});
