/**
 * One sync, wired like the CLI, printing the figures the benchmark reports as one JSON line:
 * `node dist/bench/sync-once.js ENV full|incremental`. Kalshi URL and servers come from the
 * usual environment variables.
 */
import { resolveConfig } from '../cli/context.js';
import { runConfiguredSync } from '../cli/run-sync.js';
import { openRedis } from '../cli/runtime.js';
import type { SyncMode } from '../core/report.js';
import { createLogger } from '../obs/logger.js';

const [env, mode] = process.argv.slice(2) as [string, SyncMode];
const config = resolveConfig({ env }, process.env);
const logger = createLogger('warn');
const redis = await openRedis(config.redisUrl);
const t0 = performance.now();
const { report, error, store } = await runConfiguredSync(config, redis, logger, { mode });
const wallSeconds = (performance.now() - t0) / 1000;
await redis.quit();
process.stdout.write(
  `${JSON.stringify({
    status: report.status,
    error: report.error ?? null,
    markets: report.total,
    added: report.added,
    updated: report.updated,
    settled: report.settled,
    removed: report.removed,
    pages: report.pages,
    requests: report.requests,
    wall_seconds: Number(wallSeconds.toFixed(2)),
    stages_ms: report.stages_ms,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    redis_round_trips: store.roundTrips,
    events_published: report.events_published,
  })}\n`,
);
process.exit(error === undefined ? 0 : 1);
