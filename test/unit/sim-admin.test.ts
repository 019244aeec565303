import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCatalogue } from '../../src/sim/catalogue.js';
import type { Catalogue } from '../../src/sim/catalogue.js';
import { createManualClock } from '../../src/sim/clock.js';
import { generateCatalogue } from '../../src/sim/generate.js';
import { createKalshiSimulator } from '../../src/sim/server.js';
import type { KalshiSimulator } from '../../src/sim/server.js';
import type { SimMove } from '../../src/sim/step.js';
import type { SimMarket } from '../../src/sim/types.js';

const NOW = '2026-11-25T12:00:00Z';
let sims: KalshiSimulator[] = [];

async function start(): Promise<{ sim: KalshiSimulator; catalogue: Catalogue; admin: string }> {
  const clock = createManualClock(NOW);
  const catalogue = createCatalogue({ now: clock.now });
  generateCatalogue(catalogue, { markets: 600, seed: 8, now: clock.now() });
  const sim = await createKalshiSimulator({ catalogue });
  sims.push(sim);
  return { sim, catalogue, admin: sim.url.replace('/trade-api/v2', '/_sim') };
}

async function post(url: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeEach(() => {
  sims = [];
});

afterEach(async () => {
  await Promise.all(sims.map((sim) => sim.close()));
});

describe('admin endpoints', () => {
  it('POST /_sim/step?n&seed makes the same moves for the same seed', async () => {
    const a = await start();
    const b = await start();
    const first = await post(`${a.admin}/step?n=50&seed=7`);
    const second = await post(`${b.admin}/step?n=50&seed=7`);
    expect(first.status).toBe(200);
    expect((first.json.moves as SimMove[]).length).toBeGreaterThanOrEqual(50);
    expect(first.json.moves).toEqual(second.json.moves);
    expect(first.json.counts).toMatchObject({ live: expect.any(Number) });
    expect((await post(`${a.admin}/step?n=0`)).status).toBe(400);
  });

  it('POST /_sim/markets/{ticker}/{action} runs lifecycle moves and maps errors', async () => {
    const { admin, sim, catalogue } = await start();
    const ticker = catalogue.tickersWithStatus('active').find((t) => !t.startsWith('KXMVE')) as string;
    const paused = await post(`${admin}/markets/${ticker}/pause`);
    expect(paused.status).toBe(200);
    expect((paused.json.market as SimMarket).status).toBe('inactive');
    const conflict = await post(`${admin}/markets/${ticker}/pause`);
    expect(conflict.status).toBe(409);
    expect(conflict.json).toEqual({ error: { code: 'invalid_transition', message: `cannot pause ${ticker}: it is inactive` } });
    expect((await post(`${admin}/markets/${ticker}/resume`)).status).toBe(200);
    expect(((await post(`${admin}/markets/${ticker}/trade`)).json.market as SimMarket).status).toBe('active');
    const determined = await post(`${admin}/markets/${ticker}/determine?result=no`);
    expect(determined.json.market).toMatchObject({ status: 'determined', result: 'no' });
    expect(((await post(`${admin}/markets/${ticker}/settle`)).json.market as SimMarket).status).toBe('finalized');
    const archived = await post(`${admin}/markets/${ticker}/archive`);
    expect(archived.json.archived).toContain(ticker);
    expect((await fetch(`${sim.url}/historical/markets/${ticker}`)).status).toBe(200);
    expect((await post(`${admin}/markets/NOPE-1/open`)).status).toBe(404);
    expect((await post(`${admin}/markets/${ticker}/explode`)).status).toBe(404);
    expect((await post(`${admin}/markets/${ticker}/determine?result=maybe`)).status).toBe(400);
    const other = catalogue.tickersWithStatus('initialized')[0] as string;
    expect((await post(`${admin}/markets/${other}/delist`)).json).toEqual({ delisted: other });
  });

  it('GET /_sim/stats reports server and catalogue counters', async () => {
    const { admin, sim } = await start();
    await fetch(`${sim.url}/markets?limit=5`);
    await fetch(`${sim.url}/markets/NOPE`);
    const stats = (await (await fetch(`${admin}/stats`)).json()) as { server: { requests: number; byRoute: Record<string, number>; byStatus: Record<string, number> }; catalogue: { live: number } };
    expect(stats.server.requests).toBe(2);
    expect(stats.server.byRoute).toEqual({ '/markets': 1, '/markets/{ticker}': 1 });
    expect(stats.server.byStatus).toEqual({ 200: 1, 404: 1 });
    expect(stats.catalogue.live).toBe(600);
  });

  it('POST /_sim/config sets latency, rate, failures and exchange status', async () => {
    const { admin, sim } = await start();
    const config = await post(`${admin}/config`, {
      latencyMs: 0,
      rate: { perSecond: 100, burst: 100 },
      failures: [{ path: '/series', status: 503, times: 1 }],
      exchange: { exchange_active: false, trading_active: false },
    });
    expect(config.status).toBe(200);
    expect(config.json).toMatchObject({ latencyMs: 0, failures: [{ path: '/series', status: 503, times: 1 }] });
    expect((await fetch(`${sim.url}/series`)).status).toBe(503);
    expect((await fetch(`${sim.url}/series`)).status).toBe(200);
    expect(await (await fetch(`${sim.url}/exchange/status`)).json()).toEqual({ exchange_active: false, trading_active: false });
    expect((await post(`${admin}/config`, { rate: { perSecond: -1 } })).status).toBe(400);
    expect((await post(`${admin}/config`, { bogus: true })).status).toBe(400);
    expect((await post(`${admin}/config`, { rate: null })).json).toMatchObject({ rate: null });
  });
});
