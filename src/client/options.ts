import type { Redis } from 'ioredis';
import type { NatsConnection } from '@nats-io/transport-node';
import { isValidEnv } from '../core/keys.js';
import type { Logger } from '../core/logger.js';
import { ClientConfigError } from './errors.js';
import type { BackoffOptions } from './retry.js';

/** Tickers per Redis round trip when reading many markets. @defaultValue 1000 */
export const DEFAULT_CLIENT_CHUNK_SIZE = 1000;
/** JetStream pull batch of the cache's consumer. @defaultValue 1000 */
export const DEFAULT_CACHE_BATCH_SIZE = 1000;
/** @defaultValue 5 s */
export const DEFAULT_CACHE_PULL_EXPIRES_MS = 5000;
/** @defaultValue 100000 */
export const DEFAULT_CACHE_MAX_BUFFERED = 100_000;
/** @defaultValue 15 s */
export const DEFAULT_CACHE_CHECK_INTERVAL_MS = 15_000;
/** Held versions compared with Redis after a Redis reconnect. @defaultValue 64 */
export const DEFAULT_CACHE_ROLLBACK_SAMPLE = 64;

export interface SecmasterClientOptions {
  /** An ioredis client; the secmaster client never closes it. */
  redis: Redis;
  /** The exchange environment, e.g. `kalshi-prod` (CONTRACT section 1). */
  env: string;
  /**
   * Tickers per Redis round trip when reading many markets.
   * @defaultValue {@link DEFAULT_CLIENT_CHUNK_SIZE}
   */
  chunkSize?: number;
}

export interface MarketCacheOptions extends SecmasterClientOptions {
  /**
   * A NATS connection; the cache never closes it. Give it `maxReconnectAttempts: -1` so the cache
   * outlives any NATS outage (the nats.js default gives up after 10 attempts).
   */
  nats: NatsConnection;
  /**
   * JetStream stream holding `{env}.secmaster.changes`.
   * @defaultValue `secmaster-{env}`, the sync's default
   */
  stream?: string;
  /** @defaultValue `silentLogger` */
  logger?: Logger;
  /**
   * Messages per JetStream pull request.
   * @defaultValue {@link DEFAULT_CACHE_BATCH_SIZE}
   */
  batchSize?: number;
  /**
   * Lifetime of a JetStream pull request. After a NATS server restart the consumer is checked and
   * recreated within about this time (nats.js waits this long between checks), so keep it short.
   * @defaultValue {@link DEFAULT_CACHE_PULL_EXPIRES_MS}
   */
  pullExpiresMs?: number;
  /**
   * Messages received but not yet applied (while a Redis read is retried) before the cache gives
   * up on the stream position and re-warms everything once Redis answers again; bounds memory.
   * @defaultValue {@link DEFAULT_CACHE_MAX_BUFFERED}
   */
  maxBuffered?: number;
  /**
   * How often the stream's state is checked (recreated, truncated past the cache, lag).
   * @defaultValue {@link DEFAULT_CACHE_CHECK_INTERVAL_MS}
   */
  checkIntervalMs?: number;
  /**
   * Waits between retries of a failed Redis or NATS call.
   * @defaultValue `{ minMs: 100, maxMs: 5000 }`
   */
  backoff?: BackoffOptions;
  /**
   * Removed tickers whose last version is remembered.
   * @defaultValue 100000
   */
  maxTombstones?: number;
}

export function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v <= 0) throw new ClientConfigError(`secmaster client option ${name} must be a positive integer, got ${String(value)}`);
  return v;
}

export function checkEnv(env: string): string {
  if (!isValidEnv(env)) throw new ClientConfigError(`"${env}" is not a valid ENV: use lower-case letters, digits and "-", e.g. kalshi-prod`);
  return env;
}
