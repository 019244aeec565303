/**
 * Helpers of the consumer-library tests: a Kalshi simulator with in-process syncs, Redis read-backs,
 * a TCP proxy in front of Redis (to pause or cut the cache's connection without touching the
 * shared server) and a private nats-server child process (to restart it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as tcpConnect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { decodeIndexEntry } from '../../src/core/index-entry.js';
import { changesSubject, defaultStreamName, keys } from '../../src/core/keys.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import type { Market } from '../../src/core/market.js';
import type { SyncMode } from '../../src/core/report.js';
import { runSync, type SyncOutcome } from '../../src/jobs/sync.js';
import { NatsChangeJournal } from '../../src/journal/nats-journal.js';
import { createKalshiClient } from '../../src/kalshi/client.js';
import { createCatalogue, type Catalogue } from '../../src/sim/catalogue.js';
import { seedFromCaptures } from '../../src/sim/seed.js';
import { createKalshiSimulator, type KalshiSimulator } from '../../src/sim/server.js';
import { RedisMarketStore } from '../../src/store/redis-store.js';
import type { MarketCache } from '../../src/client/index.js';

export const REDIS_HOST = '127.0.0.1';
export const REDIS_PORT = Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);

// ---- simulator + syncs ----

export interface SyncHarness {
  sim: KalshiSimulator;
  catalogue: Catalogue;
  sync(mode: SyncMode): Promise<SyncOutcome>;
  close(): Promise<void>;
}

export interface SyncHarnessOptions {
  redis: Redis;
  nc: NatsConnection;
  env: string;
  /** Settled markets older than this are removed by full syncs (0: at the next full sync). */
  retentionSeconds?: number;
}

export async function startSyncHarness(options: SyncHarnessOptions): Promise<SyncHarness> {
  const catalogue = createCatalogue();
  await seedFromCaptures(catalogue);
  const sim = await createKalshiSimulator({ catalogue });
  const source = createKalshiClient({ baseUrl: sim.url, rate: 100_000, maxRetries: 2 });
  const store = new RedisMarketStore(options.redis, options.env);
  const journal = await NatsChangeJournal.open(
    options.nc,
    { name: defaultStreamName(options.env), subject: changesSubject(options.env), maxAgeSeconds: 3600, duplicateWindowSeconds: 120, replicas: 1 },
    silentLogger,
  );
  return {
    sim,
    catalogue,
    sync: (mode) =>
      runSync(
        { source, store, journal, logger: silentLogger },
        {
          env: options.env,
          mode,
          dryRun: false,
          mveFilter: 'exclude',
          lockTtlMs: 60_000,
          overlapSeconds: 120,
          retentionSeconds: options.retentionSeconds ?? 3 * 24 * 3600,
          removalGuard: { maxShare: 1, allowance: 1_000_000 },
          skipOutsideTradingHours: false,
        },
      ),
    async close() {
      await source.close();
      await sim.close();
    },
  };
}

// ---- what Redis holds ----

export interface HeldMarket {
  version: number;
  market: Market;
}

export async function redisMarkets(redis: Redis, env: string): Promise<Map<string, HeldMarket>> {
  const k = keys(env);
  const [markets, index] = (await redis.multi().hgetall(k.markets).hgetall(k.index).exec())!.map(([, v]) => v) as [Record<string, string>, Record<string, string>];
  const out = new Map<string, HeldMarket>();
  for (const [ticker, json] of Object.entries(markets)) {
    out.set(ticker, { version: decodeIndexEntry(index[ticker] ?? '')?.version ?? 0, market: JSON.parse(json) as Market });
  }
  return out;
}

/** Differences between the cache and Redis, as readable lines (empty when equal). */
export async function cacheVsRedis(cache: MarketCache, redis: Redis, env: string): Promise<string[]> {
  const expected = await redisMarkets(redis, env);
  const problems: string[] = [];
  for (const [ticker, held] of expected) {
    const got = cache.get(ticker);
    if (got === undefined) problems.push(`${ticker}: missing from the cache (Redis v${held.version})`);
    else if (JSON.stringify(got) !== JSON.stringify(held.market)) problems.push(`${ticker}: differs (cache v${cache.version(ticker)}, Redis v${held.version})`);
    else if (cache.version(ticker) !== held.version) problems.push(`${ticker}: cache v${cache.version(ticker)}, Redis v${held.version}`);
  }
  for (const market of cache.values()) if (!expected.has(market.ticker)) problems.push(`${market.ticker}: in the cache, not in Redis`);
  if (cache.size !== expected.size) problems.push(`size: cache ${cache.size}, Redis ${expected.size}`);
  return problems;
}

/** Silent, unless CLIENT_TEST_VERBOSE is set: then the cache's log goes to the console. */
export function testLogger(): Logger {
  if (!process.env.CLIENT_TEST_VERBOSE) return silentLogger;
  const line = (level: string) => (obj: object, msg?: string): void => console.log(new Date().toISOString(), level, msg, JSON.stringify(obj));
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}

// ---- connections ----

export function cacheRedis(port = REDIS_PORT): Redis {
  return new Redis({ host: REDIS_HOST, port, maxRetriesPerRequest: 2, retryStrategy: () => 100, lazyConnect: false });
}

export async function cacheNats(servers: string): Promise<NatsConnection> {
  return connect({ servers, maxReconnectAttempts: -1, reconnectTimeWait: 200, timeout: 3000 });
}

export async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// ---- a TCP proxy in front of Redis ----

export interface TcpProxy {
  port: number;
  /** Holds every byte, both ways, until `resume()`. */
  pause(): void;
  resume(): void;
  /** Cuts every open connection (the clients see Redis go away and reconnect). */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = REDIS_HOST): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let paused = false;
  /** Bytes held while paused, per destination socket, in arrival order. */
  const held: [Socket, Buffer][] = [];
  const forward = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (paused) held.push([to, chunk]);
      else to.write(chunk);
    });
  };
  const server: Server = createServer((client) => {
    const upstream = tcpConnect(targetPort, targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    forward(client, upstream);
    forward(upstream, client);
    const end = (): void => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const destroyAll = (): void => {
    for (const [client, upstream] of pairs) {
      client.destroy();
      upstream.destroy();
    }
    pairs.clear();
    held.length = 0;
  };
  return {
    port: (server.address() as AddressInfo).port,
    pause() {
      paused = true;
    },
    resume() {
      paused = false;
      for (const [to, chunk] of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    dropAll: destroyAll,
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        server.close(() => resolve());
      }),
  };
}

// ---- a private nats-server ----

export interface NatsServerProcess {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes its store. */
  destroy(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tcpConnect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** `nats-server -js -p <random port> -sd <tmpdir>`: the same store survives `stop()` + `start()`. */
export async function startNatsServer(): Promise<NatsServerProcess> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'secmaster-nats-'));
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    const proc = spawn('nats-server', ['-js', '-p', String(port), '-a', '127.0.0.1', '-sd', storeDir], { stdio: 'ignore' });
    child = proc;
    await waitFor('nats-server to accept connections', async () => {
      if (proc.exitCode !== null) throw new Error(`nats-server exited with ${proc.exitCode}`);
      return accepts(port);
    });
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (proc === null || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    start,
    stop,
    async destroy() {
      await stop();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
