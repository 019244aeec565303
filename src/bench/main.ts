/**
 * `npm run bench`: performance figures against local servers and the bundled simulator with no
 * added latency. Each sync runs in its own process so its peak RSS is its own. Prints one JSON
 * object per scenario and a final summary.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { defaultStreamName } from '../core/keys.js';

const MARKETS = Number(process.env.BENCH_MARKETS ?? 100_000);
const CHANGED_SHARE = 0.01;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startSimulator(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, [here('../sim/main.js'), '--markets', String(MARKETS), '--seed', '42', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /"url":"([^"]+)"/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('close', () => reject(new Error(`simulator exited: ${out}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function redisMemoryMb(redis: Redis): Promise<{ used: number; peak: number }> {
  const info = await redis.info('memory');
  const read = (k: string) => Number(new RegExp(`^${k}:(\\d+)`, 'm').exec(info)?.[1] ?? 0) / 1024 / 1024;
  return { used: Math.round(read('used_memory')), peak: Math.round(read('used_memory_peak')) };
}

const redis = new Redis(REDIS_URL);
const env = `bench-${randomUUID().slice(0, 8)}`;
const t0 = Date.now();
const sim = await startSimulator();
const adminBase = sim.url.replace(/\/trade-api\/v2$/, '');
process.stderr.write(`bench: simulator with ${MARKETS} markets ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; ENV ${env}\n`);

const childEnv = { KALSHI_API_URL: sim.url, KALSHI_READ_RATE: '1000', REDIS_URL, NATS_URL, SECMASTER_ENV: env };
const results: Record<string, unknown> = {};
try {
  const scenario = async (name: string, mode: 'full' | 'incremental') => {
    const before = await redisMemoryMb(redis);
    // Redis' own peak is process-wide and never resets: sample used memory while the sync runs.
    let sampledPeak = before.used;
    const sampler = setInterval(() => {
      redisMemoryMb(redis).then((m) => (sampledPeak = Math.max(sampledPeak, m.used)), () => undefined);
    }, 100);
    const res = await run([here('./sync-once.js'), env, mode], childEnv).finally(() => clearInterval(sampler));
    if (res.code !== 0) throw new Error(`${name} failed: ${res.stdout}${res.stderr}`);
    const after = await redisMemoryMb(redis);
    const figures = { scenario: name, ...JSON.parse(res.stdout), redis_used_mb_before: before.used, redis_used_mb_after: after.used, redis_used_mb_peak_during_run: sampledPeak };
    results[name] = figures;
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  };
  await scenario('cold_full_sync', 'full');
  await scenario('no_change_full_sync', 'full');

  // 1% of the markets change security-master data: paused (active) or closed early.
  const tickers = await redis.zrange(`${env}:secmaster:tickers`, 0, -1);
  const want = Math.round(MARKETS * CHANGED_SHARE);
  let changed = 0;
  for (let i = 0; i < tickers.length && changed < want; i += Math.max(1, Math.floor(tickers.length / want / 2))) {
    const json = await redis.hget(`${env}:secmaster:markets`, tickers[i]!);
    const status = json ? (JSON.parse(json) as { exchange_status: string }).exchange_status : '';
    const action = status === 'active' ? 'pause' : status === 'inactive' ? 'resume' : null;
    if (action === null) continue;
    const r = await fetch(`${adminBase}/_sim/markets/${encodeURIComponent(tickers[i]!)}/${action}`, { method: 'POST' });
    if (r.ok) changed++;
  }
  await new Promise((r) => setTimeout(r, 1100));
  await scenario(`incremental_sync_${changed}_changed`, 'incremental');

  for (const extra of ['./search.js', '../client/bench.js', './cache.js']) {
    try {
      const mod = (await import(extra)) as { runBench?: (o: { redis: Redis; env: string; natsUrl: string; redisUrl: string }) => Promise<Record<string, unknown>> };
      if (typeof mod.runBench === 'function') {
        const figures = await mod.runBench({ redis, env, natsUrl: NATS_URL, redisUrl: REDIS_URL });
        results[extra] = figures;
        process.stdout.write(`${JSON.stringify(figures)}\n`);
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    }
  }
} finally {
  sim.stop();
  // Leave nothing behind: the ENV's keys and stream.
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${env}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.unlink(...found);
  } while (cursor !== '0');
  const nc = await connect({ servers: NATS_URL });
  await (await jetstreamManager(nc)).streams.delete(defaultStreamName(env)).catch(() => undefined);
  await nc.close();
  await redis.quit();
}
