import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { isValidEnv } from '../../core/keys.js';
import { fileSource, runImport, streamSource, type ImportSource } from '../../jobs/import.js';
import type { NatsChangeJournal } from '../../journal/nats-journal.js';
import { createLogger } from '../../obs/logger.js';
import { println, type CliIo, type CommandContext } from '../context.js';
import { configFor } from './common.js';
import { openJournal, openRedis, openStore } from '../runtime.js';

interface ImportArgs {
  env?: string;
  file?: string;
  publish?: boolean;
  replace?: boolean;
  force?: boolean;
  'dry-run'?: boolean;
  [flag: string]: unknown;
}

/**
 * `import [ENV] [FILE|-]`: with two arguments they are ENV and FILE; with one, it is the FILE when
 * it is `-`, names an existing file or cannot be an ENV name, else the ENV (reading stdin).
 */
export function importArgs(first: string | undefined, second: string | undefined, fileExists: (p: string) => boolean): { env: string | undefined; file: string } {
  if (second !== undefined) return { env: first, file: second };
  if (first === undefined) return { env: undefined, file: '-' };
  if (first === '-' || fileExists(first) || !isValidEnv(first)) return { env: undefined, file: first };
  return { env: first, file: '-' };
}

function stdinOf(io: CliIo): NodeJS.ReadableStream & { isTTY?: boolean } {
  return io.stdin ?? process.stdin;
}

export function importCommand(ctx: CommandContext): CommandModule<object, ImportArgs> {
  return {
    command: 'import [env] [file]',
    describe: 'restore an export into the cache (validated first, written in one atomic commit)',
    builder: (y) =>
      y
        .usage('$0 import [ENV] [FILE|-]\n\nRestore an export into the cache: every record is validated before anything is written, then written in one atomic commit through the sync\'s own planning, so versions continue and the next sync diffs against it. The events the import implies are dropped unless --publish.')
        .positional('env', { type: 'string', describe: 'environment (default: SECMASTER_ENV); a lone argument that names a file or is - is the FILE' })
        .positional('file', { type: 'string', describe: 'export to import, - for standard input (the default)' })
        .option('publish', { type: 'boolean', default: false, describe: 'publish the implied change events to the journal (default: drop them)' })
        .option('replace', { type: 'boolean', default: false, describe: 'also remove cached markets the file does not hold' })
        .option('force', { type: 'boolean', default: false, describe: 'with --replace: remove more than the removal guard allows' })
        .option('dry-run', { type: 'boolean', default: false, describe: 'validate and count what would change; write nothing' })
        .example('$0 import kalshi-demo markets.json', 'restore a backup taken with secmaster export')
        .example('$0 export kalshi-prod | $0 import kalshi-staging -', 'copy one ENV into another')
        .example('$0 import kalshi-demo markets.json --replace --publish', 'make the cache exactly the file, and tell consumers')
        .example('$0 import kalshi-demo markets.json --dry-run', 'check a file') as never,
    handler: async (argv) => {
      // yargs hands a lone "-" positional over as "" (an empty path names no file anyway).
      const dash = (v: string | undefined) => (v === '' ? '-' : v);
      const { env, file } = importArgs(dash(argv.env), dash(argv.file), existsSync);
      const config = configFor(argv, env, ctx.io);
      if (argv.force && !argv.replace) throw new UsageError('--force only applies with --replace');
      let input: ImportSource;
      if (file === '-') {
        const stdin = stdinOf(ctx.io);
        if (stdin.isTTY) throw new UsageError('give the export as FILE, or pipe it on standard input (secmaster import ENV - < markets.json)');
        input = streamSource('stdin', stdin as AsyncIterable<Buffer>);
      } else {
        if (!existsSync(file)) throw new UsageError(`the import file does not exist: ${file}`);
        input = fileSource(file);
      }
      const logger = createLogger(config.logLevel, ctx.io.stderr);
      const redis = await openRedis(config.redisUrl);
      let journal: NatsChangeJournal | null = null;
      try {
        if (argv.publish && !argv['dry-run']) journal = await openJournal(config, logger);
        const report = await runImport(
          { store: openStore(redis, config.env), journal, logger },
          {
            env: config.env,
            publish: argv.publish === true,
            replace: argv.replace === true,
            dryRun: argv['dry-run'] === true,
            lockTtlMs: config.sync.lockTtlMs,
            removalGuard: argv.force ? null : { maxShare: config.sync.maxRemoveShare, allowance: config.sync.removeAllowance },
            signal: ctx.io.signal,
          },
          input,
        );
        println(ctx.io.stdout, JSON.stringify(report));
        ctx.exitCode = 0;
      } finally {
        if (journal) await journal.close().catch(() => undefined);
        await redis.quit().catch(() => redis.disconnect());
      }
    },
  };
}
