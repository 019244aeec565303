import { it } from 'vitest';
import { createKalshiSimulator } from '../../src/sim/server.js';
import { createCatalogue } from '../../src/sim/catalogue.js';
import { seedFromCaptures } from '../../src/sim/seed.js';
import { createRng } from '../../src/sim/rng.js';
import { createKalshiClient } from '../../src/kalshi/client.js';
import { runSync } from '../../src/jobs/sync.js';
import { RedisMarketStore } from '../../src/store/redis-store.js';
import { NatsChangeJournal } from '../../src/journal/nats-journal.js';
import { silentLogger } from '../../src/core/logger.js';
import { changesSubject, defaultStreamName } from '../../src/core/keys.js';
import { connectRedis, connectNatsForTest, testEnv, dropEnv, readStream } from '../helpers/services.js';

it('scratch', async () => {
  const catalogue = createCatalogue();
  const t0 = performance.now();
  const rep = await seedFromCaptures(catalogue);
  console.log('seed', rep, performance.now() - t0);
  const sim = await createKalshiSimulator({ catalogue });
  const redis = await connectRedis();
  const nc = await connectNatsForTest();
  const env = testEnv('c');
  const store = new RedisMarketStore(redis, env);
  const journal = await NatsChangeJournal.open(nc, { name: defaultStreamName(env), subject: changesSubject(env), maxAgeSeconds: 3600, duplicateWindowSeconds: 120, replicas: 1 }, silentLogger);
  const source = createKalshiClient({ baseUrl: sim.url, rate: 10000 });
  const rng = createRng(7);
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    const out = await runSync({ source, store, journal, logger: silentLogger }, { env, mode: i % 2 === 0 ? 'full' : 'incremental', dryRun: false, mveFilter: 'exclude', lockTtlMs: 60000, overlapSeconds: 120, retentionSeconds: 3 * 86400, removalGuard: { maxShare: 1, allowance: 1e9 }, skipOutsideTradingHours: false });
    console.log(i, Math.round(performance.now() - t), JSON.stringify({ ...out.report, stages_ms: undefined }), out.error);
    const moves = catalogue.step(40, rng);
    console.log('moves', moves.map((m) => m.type).join(','));
  }
  const msgs = await readStream(nc, env);
  console.log('stream', msgs.length, JSON.stringify(msgs[0]?.body).length);
  const sample = await redis.hget(`${env}:secmaster:markets`, (msgs[0]?.body.ticker as string));
  console.log('json size', sample?.length);
  await dropEnv(redis, nc, env);
  await source.close?.();
  await sim.close();
  redis.disconnect(); await nc.close();
}, 120000);
