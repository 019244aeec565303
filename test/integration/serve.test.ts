/** `secmaster serve` end to end: the built CLI listening on a real port, Redis, NATS and the simulator. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Market } from '../../src/core/market.js';
import type { KalshiSimulator } from '../../src/sim/server.js';
import { CLI, connectNatsForTest, connectRedis, dropEnv, NATS_URL, REDIS_URL, runCli, sentences, testEnv } from '../helpers/services.js';
import { startCaptureSim } from '../helpers/sim.js';

const TOKEN = 'test-token-0123456789abcdef';

let redis: Redis;
let nc: NatsConnection;
let sim: KalshiSimulator;
let dir: string;
let env: string;
let server: ChildProcessWithoutNullStreams;
let base: string;
let serverLog = '';

beforeAll(async () => {
  redis = await connectRedis();
  nc = await connectNatsForTest();
  sim = await startCaptureSim();
  dir = await mkdtemp(join(tmpdir(), 'secmaster-serve-test-'));
  await writeFile(join(dir, 'token'), `${TOKEN}\n`);
  env = testEnv('serve');
  server = spawn(process.execPath, [CLI, 'serve', env, '--port', '0', '--host', '127.0.0.1'], {
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL,
      NATS_URL,
      LOG_LEVEL: 'info',
      KALSHI_API_URL: sim.url,
      KALSHI_READ_RATE: '1000',
      SECMASTER_SERVE_TOKEN_FILE: join(dir, 'token'),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${serverLog}`)), 20_000);
    server.stderr.on('data', (d: Buffer) => {
      serverLog += d.toString();
      const m = /"url":"(http:\/\/[^"]+)"[^\n]*"msg":"listening"/.exec(serverLog);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.on('close', (code) => reject(new Error(`serve exited with ${code}: ${serverLog}`)));
  });
});

afterAll(async () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  await sim.close();
  await dropEnv(redis, nc, env);
  await rm(dir, { recursive: true, force: true });
  await redis.quit();
  await nc.close();
});

const auth = { authorization: `Bearer ${TOKEN}` };
const post = (path: string, headers: Record<string, string> = auth) => fetch(`${base}${path}`, { method: 'POST', headers });

async function errorOf(res: Response): Promise<{ code: string; message: string; closest?: string[] }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe('serve', () => {
  it('refuses to start without a usable token (exit 2, one sentence)', async () => {
    const none = await runCli(['serve', 'kalshi-demo', '--port', '0']);
    expect(none.code).toBe(2);
    expect(sentences(none.stderr)).toEqual([
      'secmaster: serve needs a bearer token for POST /v1/sync: set SECMASTER_SERVE_TOKEN_FILE (a file holding the token) or SECMASTER_SERVE_TOKEN; fix the setting and run again.',
    ]);
    const short = await runCli(['serve', '--port', '0'], { SECMASTER_SERVE_TOKEN: 'short' });
    expect(short.code).toBe(2);
    expect(sentences(short.stderr)[0]).toMatch(/at least 16 characters/);
    const unreadable = await runCli(['serve', '--port', '0'], { SECMASTER_SERVE_TOKEN_FILE: join(dir, 'missing') });
    expect(unreadable.code).toBe(2);
    expect(sentences(unreadable.stderr)[0]).toMatch(/SECMASTER_SERVE_TOKEN_FILE cannot be read: ENOENT/);
  });

  it('answers /healthz', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', redis: 'ok' });
  });

  it('runs a sync only for the bearer of the token, and returns its summary', async () => {
    const none = await post(`/v1/sync?env=${env}&mode=full`, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await errorOf(none)).code).toBe('unauthorized');
    const wrong = await post(`/v1/sync?env=${env}&mode=full`, { authorization: 'Bearer not-the-token-at-all' });
    expect(wrong.status).toBe(401);
    expect(await redis.exists(`${env}:secmaster:markets`)).toBe(0);

    const res = await post(`/v1/sync?env=${env}&mode=full`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as { env: string; mode: string; status: string; added: number; events_published: number };
    expect(report).toMatchObject({ env, mode: 'full', status: 'success' });
    expect(report.added).toBe(await redis.hlen(`${env}:secmaster:markets`));
    expect(report.events_published).toBe(report.added);
  });

  it('answers 409 while another run holds the lock, and runs one of two concurrent syncs', async () => {
    await redis.set(`${env}:secmaster:lock`, 'cron-job-token', 'PX', 30_000);
    const locked = await post(`/v1/sync?env=${env}&mode=incremental`);
    expect(locked.status).toBe(409);
    expect(await locked.json()).toMatchObject({ status: 'skipped', skipped: 'locked' });
    await redis.del(`${env}:secmaster:lock`);

    const [a, b] = await Promise.all([post(`/v1/sync?env=${env}&mode=full`), post(`/v1/sync?env=${env}&mode=full`)]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
  });

  it('serves markets: one by ticker, lists by filter, errors as JSON', async () => {
    const stored = await redis.hgetall(`${env}:secmaster:markets`);
    const all = Object.values(stored).map((j) => JSON.parse(j) as Market);
    const one = all.find((m) => m.category !== null)!;
    const res = await fetch(`${base}/v1/markets/${env}/${encodeURIComponent(one.ticker)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(stored[one.ticker]);

    const missing = await fetch(`${base}/v1/markets/${env}/${encodeURIComponent(one.ticker.slice(0, -1))}`);
    expect(missing.status).toBe(404);
    const err = await errorOf(missing);
    expect(err.message).toBe(`market not found: ${one.ticker.slice(0, -1)} in ${env}`);
    expect(err.closest!.length).toBeGreaterThan(0);

    const list = await fetch(`${base}/v1/markets/${env}?category=${encodeURIComponent(one.category!)}&status=active`);
    expect(list.status).toBe(200);
    const listed = (await list.json()) as Market[];
    const cli = await runCli(['list', env, '--category', one.category!, '--status', 'active']);
    expect(listed.map((m) => m.ticker)).toEqual((JSON.parse(cli.stdout) as Market[]).map((m) => m.ticker));
    expect(listed.map((m) => m.ticker).sort()).toEqual(all.filter((m) => m.category === one.category && m.status === 'active').map((m) => m.ticker).sort());
    const limited = (await (await fetch(`${base}/v1/markets/${env}?expiring_within=7d&limit=2`)).json()) as Market[];
    expect(limited).toHaveLength(2);

    const cases: [string, RequestInit, number, string][] = [
      [`/v1/markets/${env}?expiring_within=soon`, {}, 400, 'bad_request'],
      [`/v1/markets/${env}?status=open`, {}, 400, 'bad_request'],
      [`/v1/markets/${env}?colour=red`, {}, 400, 'bad_request'],
      [`/v1/markets/${env}?category=nothing-like-it`, {}, 400, 'bad_request'],
      ['/v1/markets/some-other-env', {}, 404, 'not_found'],
      [`/v1/markets/${env}/%E0%A4%A`, {}, 400, 'bad_request'],
      [`/v1/sync?env=${env}&mode=sideways`, { method: 'POST', headers: auth }, 400, 'bad_request'],
      [`/v1/sync?env=Bad_Env&mode=full`, { method: 'POST', headers: auth }, 404, 'not_found'],
      [`/v1/sync?env=${env}&mode=full`, { method: 'GET' }, 405, 'method_not_allowed'],
      ['/v2/anything', {}, 404, 'not_found'],
    ];
    for (const [path, init, status, code] of cases) {
      const r = await fetch(`${base}${path}`, init);
      expect(r.status, path).toBe(status);
      expect((await errorOf(r)).code, path).toBe(code);
    }
  });

  it('exposes request counters and the last runs as Prometheus text', async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain('secmaster_serve_requests_total{route="/v1/sync",method="POST",code="401"} 2');
    expect(text).toMatch(/secmaster_serve_syncs_total\{env="[^"]+",mode="full",outcome="success"\} 2/);
    expect(text).toMatch(new RegExp(`secmaster_last_run_success\\{env="${env}",mode="full"\\} 1`));
    expect(text).toMatch(new RegExp(`secmaster_markets\\{status="active",env="${env}",mode="full"\\} \\d+`));
  });

  it('survives garbage and stops with exit 0 on SIGTERM', async () => {
    const { connect } = await import('node:net');
    const url = new URL(base);
    let reply = '';
    await new Promise<void>((resolve) => {
      const socket = connect(Number(url.port), url.hostname, () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      socket.on('data', (d: Buffer) => (reply += d.toString()));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => server.on('close', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
