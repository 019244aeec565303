/** `watch` follows the change journal: live while a sync runs, from a time, from the start; SIGINT ends it with 0. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { KalshiSimulator } from '../../src/sim/server.js';
import { CLI, connectNatsForTest, connectRedis, dropEnv, NATS_URL, readStream, REDIS_URL, runCli, testEnv } from '../helpers/services.js';
import { cliEnv, startCaptureSim } from '../helpers/sim.js';

let redis: Redis;
let nc: NatsConnection;
let sim: KalshiSimulator;
const envs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  redis = await connectRedis();
  nc = await connectNatsForTest();
  sim = await startCaptureSim();
});

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

afterAll(async () => {
  await sim.close();
  for (const env of envs) await dropEnv(redis, nc, env);
  await redis.quit();
  await nc.close();
});

interface Watcher {
  child: ChildProcessWithoutNullStreams;
  lines: () => string[];
  stderr: () => string;
  /** Resolves once the output has `n` lines. */
  waitForLines: (n: number, timeoutMs?: number) => Promise<string[]>;
  /** Resolves once stderr says the consumer is in place. */
  ready: Promise<void>;
  exit: Promise<number | null>;
}

/** Starts `secmaster watch` as an operator would, logging at info so it says when it follows. */
function watch(args: string[]): Watcher {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], {
    env: { PATH: process.env.PATH ?? '', REDIS_URL, NATS_URL, LOG_LEVEL: 'info' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  const poke = () => waiters.splice(0).forEach((w) => w());
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    poke();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    poke();
  });
  const lines = () => stdout.split('\n').filter((l) => l !== '');
  const until = (check: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stdout: ${stdout.slice(-500)} stderr: ${stderr.slice(-500)}`)), timeoutMs);
      const test = () => {
        if (check()) {
          clearTimeout(timer);
          resolve();
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`watch exited with ${child.exitCode} while waiting for ${what}: ${stderr}`));
        } else waiters.push(test);
      };
      test();
    });
  return {
    child,
    lines,
    stderr: () => stderr,
    waitForLines: async (n, timeoutMs = 20_000) => {
      await until(() => lines().length >= n, `${n} lines`, timeoutMs);
      return lines();
    },
    ready: until(() => stderr.includes('watching the change journal'), 'the consumer', 20_000),
    exit: new Promise((resolve) => child.on('close', (code) => resolve(code))),
  };
}

describe('watch', () => {
  it('shows the events of a sync while it runs, one compact line each, and exits 0 on SIGINT', async () => {
    const env = testEnv('watch');
    envs.push(env);
    const w = watch([env]);
    await w.ready;
    let syncExited = false;
    const sync = runCli(['sync', env, '--mode', 'full'], cliEnv(sim)).finally(() => {
      syncExited = true;
    });
    // The first line arrives while the sync process is still running.
    await w.waitForLines(1);
    expect(syncExited).toBe(false);
    const res = await sync;
    expect(res.code, res.stderr).toBe(0);
    const events = await readStream(nc, env);
    const lines = await w.waitForLines(events.length);
    expect(lines).toHaveLength(events.length);
    const first = events[0]!.body as { ticker: string; version: number };
    expect(lines[0]).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  added    ${first.ticker.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}  v1  (active|closed|settled)  `));
    expect(lines.map((l) => l.split(/\s+/)[3])).toEqual(events.map((e) => e.body.ticker));

    w.child.kill('SIGINT');
    expect(await w.exit).toBe(0);
  });

  it('replays from the start or from a time, filters by ticker pattern and type, prints raw JSON', async () => {
    const env = testEnv('replay');
    envs.push(env);
    expect((await runCli(['sync', env, '--mode', 'full'], cliEnv(sim))).code).toBe(0);
    const events = (await readStream(nc, env)).map((m) => m.body as { ticker: string; type: string; id: string });
    const some = events[5]!.ticker;
    const prefix = some.slice(0, some.lastIndexOf('-') + 1);
    const expected = events.filter((e) => e.ticker.startsWith(prefix));

    const all = watch([env, '--from-start', '--json', '--count', String(events.length)]);
    const raw = await all.waitForLines(events.length);
    expect(raw.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(events.map((e) => e.id));
    expect(await all.exit).toBe(0);

    const filtered = watch([env, '--since', '1h', '--ticker', `${prefix}*`, '--type', 'added', '--count', String(expected.length)]);
    const lines = await filtered.waitForLines(expected.length);
    expect(lines.map((l) => l.split(/\s+/)[3])).toEqual(expected.map((e) => e.ticker));
    expect(await filtered.exit).toBe(0);

    const none = watch([env, '--from-start', '--type', 'removed']);
    await none.ready;
    await new Promise((r) => setTimeout(r, 500));
    expect(none.lines()).toEqual([]);
    none.child.kill('SIGTERM');
    expect(await none.exit).toBe(0);
  });

  it('refuses conflicting or bad flags with exit 2', async () => {
    const both = await runCli(['watch', 'x-env', '--since', '1h', '--from-start']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--since and --from-start exclude each other/);
    const type = await runCli(['watch', 'x-env', '--type', 'deleted']);
    expect(type.code).toBe(2);
    expect(type.stderr).toMatch(/--type must be added, updated, settled or removed/);
  });
});
