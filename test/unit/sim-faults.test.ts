import { afterEach, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../src/sim/catalogue.js';
import { createManualClock } from '../../src/sim/clock.js';
import { generateCatalogue } from '../../src/sim/generate.js';
import { createKalshiSimulator } from '../../src/sim/server.js';
import type { KalshiSimulator, KalshiSimulatorOptions } from '../../src/sim/server.js';

const NOW = '2026-11-25T12:00:00Z';
let sim: KalshiSimulator | undefined;

async function start(options: KalshiSimulatorOptions = {}): Promise<KalshiSimulator> {
  const clock = createManualClock(NOW);
  const catalogue = createCatalogue({ now: clock.now });
  generateCatalogue(catalogue, { markets: 200, seed: 3, now: clock.now() });
  sim = await createKalshiSimulator({ catalogue, ...options });
  return sim;
}

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('rate limit', () => {
  it('answers 429 with Kalshi\'s exact body and no Retry-After once the bucket is empty', async () => {
    const server = await start({ rate: { perSecond: 0.5, burst: 2 } });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 4; i += 1) {
      const response = await fetch(`${server.url}/markets?limit=1`);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.arrayBuffer();
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
    expect(await limited?.text()).toBe('{"error":"too many requests"}');
    expect(limited?.headers.get('retry-after')).toBeNull();
    expect([...(limited?.headers.keys() ?? [])].some((name) => name.startsWith('x-ratelimit'))).toBe(false);
    expect(server.stats().rateLimited).toBe(2);
  });

  it('refills over time and can be lifted with setOptions', async () => {
    const server = await start({ rate: { perSecond: 20, burst: 1 } });
    expect((await fetch(`${server.url}/exchange/status`)).status).toBe(200);
    expect((await fetch(`${server.url}/exchange/status`)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect((await fetch(`${server.url}/exchange/status`)).status).toBe(200);
    server.setOptions({ rate: null });
    const burst = await Promise.all(Array.from({ length: 10 }, () => fetch(`${server.url}/exchange/status`)));
    expect(burst.map((response) => response.status)).toEqual(Array(10).fill(200));
  });

  it('does not limit the admin endpoints', async () => {
    const server = await start({ rate: { perSecond: 0.1, burst: 1 } });
    const admin = server.url.replace('/trade-api/v2', '/_sim/stats');
    for (let i = 0; i < 3; i += 1) expect((await fetch(admin)).status).toBe(200);
  });
});

describe('failure injection', () => {
  it('fails the first `times` matching requests with Kalshi-style error bodies', async () => {
    const server = await start({ failures: [{ path: '/markets', status: 500, times: 2 }] });
    const first = await fetch(`${server.url}/markets`);
    expect(first.status).toBe(500);
    expect(await first.json()).toEqual({ error: { code: 'internal_server_error', message: 'internal server error' } });
    expect((await fetch(`${server.url}/markets`)).status).toBe(500);
    expect((await fetch(`${server.url}/events`)).status).toBe(200);
    expect((await fetch(`${server.url}/markets`)).status).toBe(200);
    expect(server.stats().failuresInjected).toBe(2);
  });

  it('lets `afterRequests` through first, and narrows with `match` and path prefixes', async () => {
    const server = await start({
      failures: [
        { path: '/markets', status: 503, afterRequests: 1, match: (url) => url.searchParams.get('status') === 'open' },
        { path: '/historical/*', status: 502, times: 1 },
      ],
    });
    expect((await fetch(`${server.url}/markets?status=open`)).status).toBe(200);
    expect((await fetch(`${server.url}/markets?status=closed`)).status).toBe(200);
    const unavailable = await fetch(`${server.url}/markets?status=open`);
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({ error: { code: 'service_unavailable', message: 'service unavailable' } });
    expect((await fetch(`${server.url}/historical/cutoff`)).status).toBe(502);
    expect((await fetch(`${server.url}/historical/cutoff`)).status).toBe(200);
  });

  it('garbage: 200 with JSON that is not a markets page', async () => {
    const server = await start({ failures: [{ path: '/markets', status: 'garbage', times: 1 }] });
    const response = await fetch(`${server.url}/markets`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('markets');
    expect(body).not.toHaveProperty('cursor');
  });

  it('drop: destroys the socket without an answer', async () => {
    const server = await start({ failures: [{ path: '/markets', status: 'drop', times: 1 }] });
    await expect(fetch(`${server.url}/markets`)).rejects.toThrow();
    expect((await fetch(`${server.url}/markets`)).status).toBe(200);
  });

  it('hang: never answers, and close() still returns promptly', async () => {
    const server = await start({ failures: [{ path: '/markets', status: 'hang' }] });
    await expect(fetch(`${server.url}/markets`, { signal: AbortSignal.timeout(150) })).rejects.toThrow();
    const pending = fetch(`${server.url}/markets`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await server.close();
    sim = undefined;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('setOptions replaces the rules and latencyMs delays every answer', async () => {
    const server = await start({ failures: [{ status: 500 }] });
    expect((await fetch(`${server.url}/series`)).status).toBe(500);
    server.setOptions({ failures: [], latencyMs: 120 });
    const started = performance.now();
    expect((await fetch(`${server.url}/series`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });
});
