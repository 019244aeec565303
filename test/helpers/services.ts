/**
 * Real servers for integration tests. Every test works in its own random ENV (keys
 * `{env}:secmaster:*`, subject `{env}.secmaster.changes`, stream `secmaster-{env}`), so files run
 * in parallel and nothing is flushed. A server that does not answer fails the test.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { defaultStreamName } from '../../src/core/keys.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const PUSHGATEWAY_URL = process.env.PUSHGATEWAY_URL ?? 'http://127.0.0.1:9091';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = `${root}dist/cli/main.js`;

export function testEnv(prefix = 't'): string {
  return `${prefix}-${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (err) {
    throw new Error(`integration tests need Redis at ${REDIS_URL} (scripts/services.sh starts one): ${String(err)}`);
  }
  return redis;
}

export async function connectNatsForTest(): Promise<NatsConnection> {
  try {
    return await connect({ servers: NATS_URL, timeout: 3000 });
  } catch (err) {
    throw new Error(`integration tests need NATS with JetStream at ${NATS_URL} (scripts/services.sh starts one): ${String(err)}`);
  }
}

/** Deletes every key of the ENV and its stream. */
export async function dropEnv(redis: Redis, nc: NatsConnection | null, env: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${env}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
  if (nc) {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(defaultStreamName(env)).catch(() => undefined);
  }
}

export interface StreamMessage {
  seq: number;
  msgId: string | null;
  body: Record<string, unknown>;
}

/** Every message in the ENV's stream, in stream order. */
export async function readStream(nc: NatsConnection, env: string): Promise<StreamMessage[]> {
  const jsm = await jetstreamManager(nc);
  const name = defaultStreamName(env);
  const info = await jsm.streams.info(name).catch(() => null);
  if (info === null) return [];
  const out: StreamMessage[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const msg = await jsm.streams.getMessage(name, { seq }).catch(() => null);
    if (msg === null) continue;
    out.push({ seq, msgId: msg.header?.get('Nats-Msg-Id') ?? null, body: msg.json<Record<string, unknown>>() });
  }
  return out;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm run build` first) as an operator would. */
export function runCli(args: string[], env: Record<string, string> = {}, options: { onSpawn?: (pid: number) => void; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', REDIS_URL, NATS_URL, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The plain sentences a failed command printed (stderr lines that are not pino JSON). */
export function sentences(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('{'));
}

export function summary(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as Record<string, unknown>;
}
