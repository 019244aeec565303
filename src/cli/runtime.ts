import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { ConfigError, StoreError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { changesSubject } from '../core/keys.js';
import type { MarketSource } from '../core/ports.js';
import { connectNats, NatsChangeJournal } from '../journal/nats-journal.js';
import { createKalshiClient } from '../kalshi/client.js';
import { redactUrl } from '../obs/logger.js';
import { RedisMarketStore } from '../store/redis-store.js';

/** Opens Redis and checks it answers; errors name the URL without its password. */
export async function openRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5000,
    enableOfflineQueue: true,
    retryStrategy: (times) => (times > 5 ? null : Math.min(times * 200, 1000)),
  });
  redis.on('error', () => undefined); // surfaced by the command that fails
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new StoreError(`cannot reach Redis at ${redactUrl(url)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return redis;
}

export async function openKalshi(config: Config, logger: Logger): Promise<MarketSource> {
  let signer: { keyId: string; privateKeyPem: string } | undefined;
  if (config.kalshi.keyId !== null && config.kalshi.privateKeyFile !== null) {
    let pem: string;
    try {
      pem = await readFile(config.kalshi.privateKeyFile, 'utf8');
    } catch (err) {
      throw new ConfigError(`KALSHI_PRIVATE_KEY_FILE (--kalshi-private-key-file) cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'} ${config.kalshi.privateKeyFile}`, { cause: err });
    }
    signer = { keyId: config.kalshi.keyId, privateKeyPem: pem };
  }
  return createKalshiClient({
    baseUrl: config.kalshi.apiUrl,
    rate: config.kalshi.readRate,
    maxRetries: config.kalshi.maxRetries,
    retryBudgetMs: config.kalshi.retryBudgetMs,
    logger,
    ...(signer ? { signer } : {}),
  });
}

export async function openJournal(config: Config, logger: Logger): Promise<NatsChangeJournal> {
  const nc = await connectNats({
    servers: config.nats.servers,
    logger,
    ...(config.nats.token ? { token: config.nats.token } : {}),
    ...(config.nats.credsFile ? { credsFile: config.nats.credsFile } : {}),
  });
  try {
    return await NatsChangeJournal.open(
      nc,
      {
        name: config.stream.name,
        subject: changesSubject(config.env),
        maxAgeSeconds: config.stream.maxAgeSeconds,
        duplicateWindowSeconds: config.stream.duplicateWindowSeconds,
        replicas: config.stream.replicas,
      },
      logger,
    );
  } catch (err) {
    await nc.close();
    throw err;
  }
}

export function openStore(redis: Redis, env: string): RedisMarketStore {
  return new RedisMarketStore(redis, env);
}
