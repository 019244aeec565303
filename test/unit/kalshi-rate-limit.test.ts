import { describe, expect, it } from 'vitest';
import { createTokenBucket } from '../../src/kalshi/rate-limit.js';
import { sendJson, type Handler, type TestServer, kalshiClientFixture } from '../helpers/http-server.js';

const STATUS = { exchange_active: true, trading_active: true, exchange_estimated_resume_time: null };
const ok: Handler = (_req, res) => sendJson(res, 200, STATUS);

const setup = kalshiClientFixture({ retryBaseMs: 1, retryMaxMs: 2 });

function span(s: TestServer): number {
  const times = s.requests.map((r) => r.at);
  return Math.max(...times) - Math.min(...times);
}

describe('Kalshi client: token bucket', () => {
  it('spaces sequential requests at the configured rate once the burst is spent', async () => {
    const { server, client } = await setup(ok, { rate: 10, burstSeconds: 0.1 });
    for (let i = 0; i < 6; i++) await client.exchangeStatus();
    // 1 token of burst, then 5 more at 10/s: about 500 ms.
    expect(span(server)).toBeGreaterThanOrEqual(450);
    expect(span(server)).toBeLessThan(2000);
  });

  it('shares one budget among concurrent requests', async () => {
    const { server, client } = await setup(ok, { rate: 10, burstSeconds: 0.1 });
    await Promise.all(Array.from({ length: 6 }, () => client.exchangeStatus()));
    expect(server.requests).toHaveLength(6);
    expect(span(server)).toBeGreaterThanOrEqual(450);
    expect(span(server)).toBeLessThan(2000);
  });

  it('lets a burst of one second of budget through at once, then meters', async () => {
    const { server, client } = await setup(ok, { rate: 20 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 25 }, () => client.exchangeStatus()));
    const arrivals = server.requests.map((r) => r.at - started).sort((a, b) => a - b);
    // The first 20 do not wait for the bucket; the last 5 need about 250 ms of refill.
    expect(arrivals[19]).toBeLessThan(200);
    expect(arrivals[24]).toBeGreaterThanOrEqual(220);
    expect(arrivals[24]).toBeLessThan(1500);
  });

  it('empties the bucket on a 429 so the retry waits for a refill', async () => {
    let n = 0;
    const { server, client } = await setup((req, res, r) => {
      n += 1;
      if (n === 1) sendJson(res, 429, { error: 'too many requests' });
      else ok(req, res, r);
    }, { rate: 5 });
    await client.exchangeStatus();
    const [first, second] = server.requests;
    // Backoff alone would be at most 2 ms here; the emptied bucket makes it 1/rate = 200 ms.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(150);
    expect(client.stats().rateLimited).toBe(1);
  });
});

describe('createTokenBucket', () => {
  it('serves callers in order, each a token apart', async () => {
    const bucket = createTokenBucket({ ratePerSecond: 50, capacity: 1 });
    const order: number[] = [];
    const started = performance.now();
    await Promise.all([0, 1, 2, 3].map(async (i) => {
      await bucket.acquire();
      order.push(i);
    }));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('rejects bad settings', () => {
    expect(() => createTokenBucket({ ratePerSecond: 0, capacity: 1 })).toThrow(RangeError);
    expect(() => createTokenBucket({ ratePerSecond: 5, capacity: 0.5 })).toThrow(RangeError);
  });
});
