import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { CommandModule } from 'yargs';
import type { Config } from '../../config.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { SyncMode } from '../../core/report.js';
import type { SyncOutcome } from '../../jobs/sync.js';
import { createLogger } from '../../obs/logger.js';
import { createSecmasterServer } from '../../serve/server.js';
import { resolveConfig, type CommandContext } from '../context.js';
import { runConfiguredSync } from '../run-sync.js';
import { openRedis } from '../runtime.js';

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
  const { report, error } = await runConfiguredSync(config, deps.redis, deps.logger, { mode, signal });
  return error === undefined ? { report } : { report, error };
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
