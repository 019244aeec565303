import type { CommandModule } from 'yargs';
import type { Config } from '../../config.js';
import { UsageError } from '../../core/errors.js';
import type { SyncMode } from '../../core/report.js';
import type { SyncOutcome } from '../../jobs/sync.js';
import { createLogger } from '../../obs/logger.js';
import { println, resolveConfig, type CommandContext } from '../context.js';
import { sentenceFor } from '../errors.js';
import { runConfiguredSync } from '../run-sync.js';
import { openRedis } from '../runtime.js';

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
  try {
    outcome = await runConfiguredSync(config, redis, logger, {
      mode,
      dryRun,
      signal: ctx.io.signal,
      crashAfterCommit: ctx.io.env.SECMASTER_FAULT === 'crash-after-commit',
    });
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
  println(ctx.io.stdout, JSON.stringify(outcome.report));
  if (outcome.error === undefined) return 0;
  const { exitCode, sentence } = sentenceFor(outcome.error);
  println(ctx.io.stderr, sentence);
  return exitCode;
}
