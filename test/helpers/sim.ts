import type { Redis } from 'ioredis';
import { createKalshiSimulator, type KalshiSimulator, type KalshiSimulatorOptions } from '../../src/sim/server.js';
import { seedFromCaptures } from '../../src/sim/seed.js';

/** A simulator serving the real captures, times shifted to look live now. */
export async function startCaptureSim(options: KalshiSimulatorOptions = {}): Promise<KalshiSimulator> {
  const sim = await createKalshiSimulator(options);
  await seedFromCaptures(sim.catalogue, { now: new Date() });
  return sim;
}

/** Environment for a CLI run against a simulator: fast client, quiet logs. */
export function cliEnv(sim: KalshiSimulator, extra: Record<string, string> = {}): Record<string, string> {
  return { KALSHI_API_URL: sim.url, KALSHI_READ_RATE: '1000', ...extra };
}

/**
 * Every key of an ENV with its content, for "nothing changed" assertions. Run reports
 * (`:runs*`) are left out: a failed run records why it failed there, and only there.
 */
export async function snapshotEnv(redis: Redis, env: string): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let cursor = '0';
  const all: string[] = [];
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${env}:*`, 'COUNT', 1000);
    cursor = next;
    all.push(...found);
  } while (cursor !== '0');
  for (const key of all.sort()) {
    if (key.endsWith(':runs') || key.endsWith(':runs:success')) continue;
    const type = await redis.type(key);
    if (type === 'hash') out[key] = await redis.hgetall(key);
    else if (type === 'set') out[key] = (await redis.smembers(key)).sort();
    else if (type === 'zset') out[key] = await redis.zrange(key, 0, -1, 'WITHSCORES');
    else if (type === 'list') out[key] = await redis.lrange(key, 0, -1);
    else out[key] = await redis.get(key);
  }
  return out;
}
