import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Logger } from '../core/logger.js';
import type { SyncMode } from '../core/report.js';
import { runSync, type SyncOutcome } from '../jobs/sync.js';
import { pushRunMetrics } from '../obs/metrics.js';
import { RedisMarketStore } from '../store/redis-store.js';
import { openJournal, openKalshi } from './runtime.js';

export interface ConfiguredSyncOptions {
  mode: SyncMode;
  dryRun?: boolean;
  signal?: AbortSignal;
  /** Fault injection for the crash-consistency test (`SECMASTER_FAULT=crash-after-commit`). */
  crashAfterCommit?: boolean;
}

/**
 * One sync as configured: opens Kalshi and the journal, runs the job, pushes its metrics
 * (`PUSHGATEWAY_URL`, not for dry runs) and closes what it opened. The `sync` command, `serve`
 * and the benchmark all run syncs through here. Never throws: the outcome carries the error.
 */
export async function runConfiguredSync(
  config: Config,
  redis: Redis,
  logger: Logger,
  options: ConfiguredSyncOptions,
): Promise<SyncOutcome & { store: RedisMarketStore }> {
  const { mode } = options;
  const dryRun = options.dryRun ?? false;
  const store = new RedisMarketStore(redis, config.env);
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const source = await openKalshi(config, logger);
    closers.push(() => source.close());
    const journal = dryRun ? null : await openJournal(config, logger);
    if (journal) closers.push(() => journal.close());
    const lastSuccess = config.pushgatewayUrl ? (await store.lastRuns()).success[mode] : undefined;
    const outcome = await runSync(
      { source, store, journal, logger },
      {
        env: config.env,
        mode,
        dryRun,
        mveFilter: config.kalshi.mveFilter,
        lockTtlMs: config.sync.lockTtlMs,
        overlapSeconds: config.sync.overlapSeconds,
        retentionSeconds: config.sync.retentionSeconds,
        removalGuard: { maxShare: config.sync.maxRemoveShare, allowance: config.sync.removeAllowance },
        skipOutsideTradingHours: config.sync.skipOutsideTradingHours,
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.crashAfterCommit ? { crashAfterCommit: true } : {}),
      },
    );
    if (config.pushgatewayUrl && !dryRun) {
      await pushRunMetrics({
        url: config.pushgatewayUrl,
        report: outcome.report,
        logger,
        lastSuccessUnixSeconds: lastSuccess ? Date.parse(lastSuccess.finished_at) / 1000 : null,
      });
    }
    return { ...outcome, store };
  } catch (err) {
    // Opening Kalshi or NATS failed before the run started: report it like a failed run.
    const now = new Date().toISOString();
    return {
      store,
      error: err,
      report: {
        env: config.env, mode, sync_id: '', status: 'failed', dry_run: dryRun, started_at: now, finished_at: now, duration_ms: 0,
        total: 0, added: 0, updated: 0, removed: 0, settled: 0, unchanged: 0, invalid: 0, pages: 0, requests: 0, retries: 0,
        rate_limited: 0, events_published: 0, outbox_pending: 0, stages_ms: { fetch: 0, plan: 0, write: 0, publish: 0 },
        error: { code: (err as { code?: string }).code ?? 'INTERNAL', message: err instanceof Error ? err.message : String(err) },
      },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}
