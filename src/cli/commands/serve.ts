import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { CommandModule } from 'yargs';
import type { Config } from '../../config.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SyncMode } from '../../core/report.js';
import { runSync, type SyncOutcome } from '../../jobs/sync.js';
import { createLogger } from '../../obs/logger.js';
import { pushRunMetrics } from '../../obs/metrics.js';
import { createSecmasterServer } from '../../serve/server.js';
import { RedisMarketStore } from '../../store/redis-store.js';
import { resolveConfig, type CommandContext } from '../context.js';
import { openJournal, openKalshi, openRedis } from '../runtime.js';

interface ServeArgs {
  envs?: string[];
  port?: number;
  host?: string;
  'auth-reads'?: boolean;
  [flag: string]: unknown;
}

/** @defaultValue 8080 */
export const DEFAULT_SERVE_PORT = 8080;
/** Tokens shorter than this are refused: a bearer token is the only thing guarding POST /v1/sync. */
export const MIN_TOKEN_LENGTH = 16;

/** The bearer token from SECMASTER_SERVE_TOKEN_FILE or SECMASTER_SERVE_TOKEN; the server does not start without one. */
export async function loadServeToken(env: NodeJS.ProcessEnv): Promise<string> {
  const file = env.SECMASTER_SERVE_TOKEN_FILE?.trim();
  const inline = env.SECMASTER_SERVE_TOKEN?.trim();
  if (file && inline) throw new ConfigError('SECMASTER_SERVE_TOKEN_FILE and SECMASTER_SERVE_TOKEN are alternatives: set one of them');
  let token: string | undefined = inline;
  if (file) {
    try {
      token = (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new ConfigError(`SECMASTER_SERVE_TOKEN_FILE cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'} ${file}`, { cause: err });
    }
  }
  if (!token) throw new ConfigError('serve needs a bearer token for POST /v1/sync: set SECMASTER_SERVE_TOKEN_FILE (a file holding the token) or SECMASTER_SERVE_TOKEN');
  if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
    throw new ConfigError(`the serve token must be at least ${MIN_TOKEN_LENGTH} characters without spaces (e.g. openssl rand -hex 32)`);
  }
  return token;
}

/** A sync as `secmaster sync` runs it, sharing the server's Redis connection. */
async function syncInProcess(config: Config, mode: SyncMode, signal: AbortSignal, deps: { redis: Redis; logger: Logger }): Promise<SyncOutcome> {
  const { redis, logger } = deps;
  const store = new RedisMarketStore(redis, config.env);
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const source = await openKalshi(config, logger);
    closers.push(() => source.close());
    const journal = await openJournal(config, logger);
    closers.push(() => journal.close());
    const lastSuccess = config.pushgatewayUrl ? (await store.lastRuns()).success[mode] : undefined;
    const outcome = await runSync(
      { source, store, journal, logger },
      {
        env: config.env,
        mode,
        dryRun: false,
        mveFilter: config.kalshi.mveFilter,
        lockTtlMs: config.sync.lockTtlMs,
        overlapSeconds: config.sync.overlapSeconds,
        retentionSeconds: config.sync.retentionSeconds,
        removalGuard: { maxShare: config.sync.maxRemoveShare, allowance: config.sync.removeAllowance },
        skipOutsideTradingHours: config.sync.skipOutsideTradingHours,
        signal,
      },
    );
    if (config.pushgatewayUrl) {
      await pushRunMetrics({
        url: config.pushgatewayUrl,
        report: outcome.report,
        logger,
        lastSuccessUnixSeconds: lastSuccess ? Date.parse(lastSuccess.finished_at) / 1000 : null,
      });
    }
    return outcome;
  } catch (err) {
    // Opening Kalshi or NATS failed before the run started: report it like a failed run.
    const message = err instanceof Error ? err.message : String(err);
    const now = new Date().toISOString();
    return {
      error: err,
      report: {
        env: config.env, mode, sync_id: '', status: 'failed', dry_run: false, started_at: now, finished_at: now, duration_ms: 0,
        total: 0, added: 0, updated: 0, removed: 0, settled: 0, unchanged: 0, invalid: 0, pages: 0, requests: 0, retries: 0,
        rate_limited: 0, events_published: 0, outbox_pending: 0, stages_ms: { fetch: 0, plan: 0, write: 0, publish: 0 },
        error: { code: (err as { code?: string }).code ?? 'INTERNAL', message },
      },
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

export function serveCommand(ctx: CommandContext): CommandModule<object, ServeArgs> {
  return {
    command: 'serve [envs..]',
    describe: 'HTTP server: POST /v1/sync, GET /v1/markets, /healthz, /metrics',
    builder: (y) =>
      y
        .positional('envs', { type: 'string', array: true, describe: 'ENVs to serve (default: SECMASTER_ENV, else any)' })
        .option('port', { type: 'number', default: DEFAULT_SERVE_PORT, describe: 'TCP port (0: any free port)' })
        .option('host', { type: 'string', default: '0.0.0.0', describe: 'address to listen on' })
        .option('auth-reads', { type: 'boolean', default: false, describe: 'require the bearer token for GET /v1/markets as well' })
        .example('SECMASTER_SERVE_TOKEN_FILE=/run/secrets/token $0 serve kalshi-prod', 'serve one ENV on :8080')
        .example('curl -X POST -H "Authorization: Bearer $TOKEN" "localhost:8080/v1/sync?env=kalshi-prod&mode=incremental"', 'run a sync over HTTP')
        .example('curl "localhost:8080/v1/markets/kalshi-prod?category=politics&expiring_within=24h"', 'markets as JSON') as never,
    handler: async (argv) => {
      const port = Number(argv.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a TCP port number, not "${String(argv.port)}"`);
      const envs = argv.envs !== undefined && argv.envs.length > 0 ? argv.envs : ctx.io.env.SECMASTER_ENV ? [ctx.io.env.SECMASTER_ENV] : null;
      const configFor = (env: string) => resolveConfig({ ...argv, env }, ctx.io.env);
      // Settings that are not per ENV are checked (and read) once, with the first ENV or a placeholder.
      const base = configFor(envs?.[0] ?? 'serve');
      for (const env of envs ?? []) configFor(env);
      const token = await loadServeToken(ctx.io.env);
      const logger = createLogger(base.logLevel, ctx.io.stderr);
      const redis = await openRedis(base.redisUrl);
      const app = createSecmasterServer({
        redis,
        logger,
        token,
        envs,
        authReads: argv['auth-reads'] === true,
        configFor,
        runSync: (config, mode, signal) => syncInProcess(config, mode, signal, { redis, logger }),
      });
      try {
        const address = await app.listen(port, argv.host ?? '0.0.0.0').catch((err: unknown) => {
          throw new ConfigError(`cannot listen on ${argv.host}:${port}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
        });
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        logger.info({ url: `http://${host}:${address.port}`, envs: envs ?? 'any' }, 'listening');
        await new Promise<void>((resolve) => {
          if (ctx.io.signal.aborted) resolve();
          else ctx.io.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        logger.info({}, 'shutting down: running syncs are interrupted and write nothing');
        await app.close();
        ctx.exitCode = 0;
      } finally {
        await redis.quit().catch(() => redis.disconnect());
      }
    },
  };
}
