/**
 * export -> import: the round trip reproduces the cache, a bad file changes nothing, versions go
 * on counting, events are published only when asked, --replace removes under the guard.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Market } from '../../src/core/market.js';
import type { KalshiSimulator } from '../../src/sim/server.js';
import { CLI, connectNatsForTest, connectRedis, dropEnv, NATS_URL, readStream, REDIS_URL, runCli, sentences, summary, testEnv } from '../helpers/services.js';
import { cliEnv, snapshotEnv, startCaptureSim } from '../helpers/sim.js';

let redis: Redis;
let nc: NatsConnection;
let sim: KalshiSimulator;
let dir: string;
let source: string;
let exportFile: string;
let exported: Market[];
const envs: string[] = [];

const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, cliEnv(sim, extra));
const newEnv = (prefix: string) => {
  const env = testEnv(prefix);
  envs.push(env);
  return env;
};

beforeAll(async () => {
  redis = await connectRedis();
  nc = await connectNatsForTest();
  sim = await startCaptureSim();
  dir = await mkdtemp(join(tmpdir(), 'secmaster-import-test-'));
  source = newEnv('src');
  const res = await cli(['sync', source, '--mode', 'full']);
  expect(res.code, res.stderr).toBe(0);
  const exp = await cli(['export', source]);
  expect(exp.code, exp.stderr).toBe(0);
  exportFile = join(dir, 'markets.json');
  await writeFile(exportFile, exp.stdout);
  exported = JSON.parse(exp.stdout) as Market[];
});

afterAll(async () => {
  await sim.close();
  for (const env of envs) await dropEnv(redis, nc, env);
  await rm(dir, { recursive: true, force: true });
  await redis.quit();
  await nc.close();
});

/** The keys a reader sees, with their content, without the ENV prefix (so two ENVs compare). */
async function readable(env: string): Promise<Record<string, unknown>> {
  const snap = await snapshotEnv(redis, env);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(snap)) {
    const k = key.slice(env.length);
    if (/:(lock|watermark|last_sync|journal|outbox.*|stages?.*)$/.test(k)) continue;
    out[k] = k.endsWith(':index') ? Object.fromEntries(Object.entries(value as Record<string, string>).map(([t, e]) => [t, e.split('|').slice(1).join('|')])) : value;
  }
  return out;
}

function writeFileOf(name: string, markets: unknown[]): Promise<string> {
  const path = join(dir, name);
  return writeFile(path, JSON.stringify(markets, null, 2)).then(() => path);
}

/** Runs the CLI with a file on standard input (runCli gives the child none). */
function cliWithStdin(args: string[], file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL, NATS_URL, LOG_LEVEL: 'warn' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    readFile(file).then((data) => child.stdin.end(data), reject);
  });
}

describe('import', () => {
  it('restores an export into an empty ENV: identical seed keys, index and search index; no events', async () => {
    const target = newEnv('copy');
    const res = await cli(['import', target, exportFile]);
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ env: target, mode: 'import', status: 'success', records: exported.length, added: exported.length, updated: 0, unchanged: 0, events_published: 0, events_discarded: exported.length });

    expect(await readable(target)).toEqual(await readable(source));
    expect(await redis.hgetall(`${target}:secmaster:markets`)).toEqual(await redis.hgetall(`${source}:secmaster:markets`));
    // Not a sync: no last_sync, no watermark; no events reached a stream or stayed in the outbox.
    expect(await redis.exists(`${target}:secmaster:last_sync`, `${target}:secmaster:watermark`, `${target}:secmaster:outbox`, `${target}:secmaster:lock`)).toBe(0);
    expect(await readStream(nc, target)).toEqual([]);
    // ...and it exports to the same bytes.
    const again = await cli(['export', target]);
    expect(again.stdout).toBe(await readFile(exportFile, 'utf8'));

    // status shows the import next to the syncs.
    const status = JSON.parse((await cli(['status', target, '--json', '--no-nats'])).stdout) as { runs: Record<string, { last: { records: number } }> };
    expect(status.runs.import?.last.records).toBe(exported.length);
  });

  it('reads standard input, and a second import of the same file changes nothing', async () => {
    const target = newEnv('stdin');
    const first = await cliWithStdin(['import', target, '-'], exportFile);
    expect(first.code, first.stderr).toBe(0);
    expect(summary(first.stdout)).toMatchObject({ source: 'stdin', added: exported.length });
    const before = await snapshotEnv(redis, target);
    const second = await cliWithStdin(['import', target], exportFile);
    expect(second.code, second.stderr).toBe(0);
    expect(summary(second.stdout)).toMatchObject({ added: 0, updated: 0, unchanged: exported.length });
    expect(await snapshotEnv(redis, target)).toEqual(before);
  });

  it('refuses a bad record before writing anything: exit 2, its position and field', async () => {
    const target = newEnv('bad');
    const seeded = await cli(['import', target, exportFile]);
    expect(seeded.code).toBe(0);
    const before = await snapshotEnv(redis, target);
    const bad = structuredClone(exported);
    bad[7]!.title = 'changed, and would be written if the file were good';
    (bad[12] as unknown as Record<string, unknown>).expiration_time = 'tomorrow';
    const file = await writeFileOf('bad.json', bad);
    const res = await cli(['import', target, file]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    const lines = sentences(res.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toBe(
      `secmaster: record 13 (ticker ${bad[12]!.ticker}): field expiration_time: must be an RFC 3339 UTC time such as 2026-01-02T03:04:05Z; nothing was imported, fix the file and run again.`,
    );
    expect(await snapshotEnv(redis, target)).toEqual(before);

    const truncated = join(dir, 'truncated.json');
    await writeFile(truncated, (await readFile(exportFile, 'utf8')).slice(0, 5000));
    const cut = await cli(['import', target, truncated]);
    expect(cut.code).toBe(2);
    expect(sentences(cut.stderr)[0]).toMatch(/record \d+ is cut off \(a truncated file\?\)/);
    expect(await snapshotEnv(redis, target)).toEqual(before);

    const missing = await cli(['import', target, join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(sentences(missing.stderr)[0]).toMatch(/the import file does not exist/);
  });

  it('goes through the sync machinery: versions continue, --publish emits the events, the next sync diffs against it', async () => {
    const target = newEnv('ver');
    const seeded = await cli(['import', target, exportFile]);
    expect(seeded.code).toBe(0);
    const changed = structuredClone(exported);
    changed[0]!.title = 'A changed title';
    changed[1]!.status = 'closed';
    changed[1]!.exchange_status = 'closed';
    const file = await writeFileOf('changed.json', changed);
    const res = await cli(['import', target, file, '--publish']);
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ updated: 2, unchanged: exported.length - 2, events_published: 2, events_discarded: 0 });
    const events = (await readStream(nc, target)).map((m) => m.body);
    expect(events.map((e) => [e.type, e.ticker, e.version])).toEqual([
      ['market_updated', changed[0]!.ticker, 2],
      ['market_updated', changed[1]!.ticker, 2],
    ].sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : 1)));
    expect(events.find((e) => e.ticker === changed[0]!.ticker)!.changes).toEqual({ title: { old: exported[0]!.title, new: 'A changed title' } });
    expect(await redis.hget(`${target}:secmaster:index`, changed[0]!.ticker)).toMatch(/^2\|a\|/);
    expect(await redis.llen(`${target}:secmaster:outbox`)).toBe(0);

    // A full sync against Kalshi puts the two markets back, as version 3.
    const sync = await cli(['sync', target, '--mode', 'full']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(summary(sync.stdout)).toMatchObject({ updated: 2, added: 0, removed: 0 });
    const after = (await readStream(nc, target)).map((m) => m.body).slice(2);
    expect(after.map((e) => [e.ticker, e.version]).sort()).toEqual([[changed[0]!.ticker, 3], [changed[1]!.ticker, 3]].sort());
    expect(await redis.hget(`${target}:secmaster:markets`, changed[0]!.ticker)).toBe(await redis.hget(`${source}:secmaster:markets`, changed[0]!.ticker));
  });

  it('--replace removes the markets the file lacks, within the removal guard unless --force', async () => {
    const target = newEnv('repl');
    expect((await cli(['import', target, exportFile])).code).toBe(0);
    const kept = exported.slice(0, exported.length - 5);
    const file = await writeFileOf('fewer.json', kept);
    const res = await cli(['import', target, file, '--replace']);
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ removed: 5, unchanged: kept.length, events_discarded: 5 });
    expect(await redis.hlen(`${target}:secmaster:markets`)).toBe(kept.length);
    const gone = exported[exported.length - 1]!.ticker;
    expect(await redis.zscore(`${target}:secmaster:tickers`, gone)).toBeNull();
    expect(await redis.hget(`${target}:secmaster:index`, gone)).toMatch(/^2\|x\|/);

    const before = await snapshotEnv(redis, target);
    const few = await writeFileOf('few.json', exported.slice(0, 3));
    const refused = await cli(['import', target, few, '--replace']);
    expect(refused.code).toBe(3);
    expect(sentences(refused.stderr)[0]).toMatch(/--replace would remove \d+ of \d+ cached markets, more than the guard allows .* Pass --force/);
    expect(await snapshotEnv(redis, target)).toEqual(before);
    const forced = await cli(['import', target, few, '--replace', '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await redis.hlen(`${target}:secmaster:markets`)).toBe(3);
  });

  it('waits for no one: a held lock fails the import (exit 1) and writes nothing', async () => {
    const target = newEnv('lock');
    await redis.set(`${target}:secmaster:lock`, 'someone-else', 'PX', 30_000);
    const res = await cli(['import', target, exportFile]);
    expect(res.code).toBe(1);
    expect(sentences(res.stderr)[0]).toMatch(/another sync or import of .* holds the lock \(someone-else\); nothing was imported/);
    expect(await redis.exists(`${target}:secmaster:markets`)).toBe(0);
    await redis.del(`${target}:secmaster:lock`);
  });

  it('--dry-run counts without writing', async () => {
    const target = newEnv('dry');
    const res = await cli(['import', target, exportFile, '--dry-run']);
    expect(res.code, res.stderr).toBe(0);
    expect(summary(res.stdout)).toMatchObject({ dry_run: true, added: exported.length });
    expect(await snapshotEnv(redis, target)).toEqual({});
  });
});
