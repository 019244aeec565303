import type { CommandModule } from 'yargs';
import type { Config } from '../../config.js';
import { UsageError } from '../../core/errors.js';
import type { SyncMode } from '../../core/report.js';
import { runSync, type SyncOutcome } from '../../jobs/sync.js';
import { createLogger } from '../../obs/logger.js';
import { pushRunMetrics } from '../../obs/metrics.js';
import { println, resolveConfig, type CommandContext } from '../context.js';
import { sentenceFor } from '../errors.js';
import { openJournal, openKalshi, openRedis, openStore } from '../runtime.js';

interface SyncArgs {
  env?: string;
  mode?: string;
  'dry-run'?: boolean;
  [flag: string]: unknown;
}

export function syncCommand(ctx: CommandContext): CommandModule<object, SyncArgs> {
  return {
    command: 'sync [env]',
    describe: 'fetch every market from Kalshi, diff, write Redis atomically, publish changes',
    builder: (y) =>
      y
        .positional('env', { type: 'string', describe: 'environment, e.g. kalshi-prod (default: SECMASTER_ENV)' })
        .option('mode', { type: 'string', describe: 'full: reconcile the whole cache; incremental: changes since the last sync', demandOption: 'choose --mode full or --mode incremental' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'plan and print the summary; write and publish nothing' })
        .example('$0 sync kalshi-prod --mode full', 'daily reconciliation')
        .example('SECMASTER_ENV=kalshi-prod $0 sync --mode incremental', 'what changed since the last sync')
        .example('$0 sync kalshi-demo --mode full --dry-run', 'what a full sync would change') as never,
    handler: async (argv) => {
      if (argv.mode !== 'full' && argv.mode !== 'incremental') {
        throw new UsageError(`--mode must be full or incremental, not "${String(argv.mode)}"`);
      }
      const config = resolveConfig({ ...argv, env: argv.env }, ctx.io.env);
      ctx.exitCode = await runSyncCommand(ctx, config, argv.mode, argv['dry-run'] === true);
    },
  };
}

async function runSyncCommand(ctx: CommandContext, config: Config, mode: SyncMode, dryRun: boolean): Promise<number> {
  const logger = createLogger(config.logLevel, ctx.io.stderr);
  const redis = await openRedis(config.redisUrl);
  let outcome: SyncOutcome;
  const closers: (() => Promise<unknown>)[] = [async () => redis.quit().catch(() => redis.disconnect())];
  try {
    const store = openStore(redis, config.env);
    const source = await openKalshi(config, logger);
    closers.push(() => source.close());
    const journal = dryRun ? null : await openJournal(config, logger);
    if (journal) closers.push(() => journal.close());
    const lastSuccess = config.pushgatewayUrl ? (await store.lastRuns()).success[mode] : undefined;
    outcome = await runSync(
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
        signal: ctx.io.signal,
        crashAfterCommit: ctx.io.env.SECMASTER_FAULT === 'crash-after-commit',
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
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
  println(ctx.io.stdout, JSON.stringify(outcome.report));
  if (outcome.error === undefined) return 0;
  const { exitCode, sentence } = sentenceFor(outcome.error);
  println(ctx.io.stderr, sentence);
  return exitCode;
}

