/**
 * `secmaster serve`: a small HTTP front for operators and webhooks.
 *
 *   POST /v1/sync?env=&mode=            run a sync in-process under the ENV's lock (bearer token)
 *   GET  /v1/markets/{env}/{ticker}     the stored Market JSON
 *   GET  /v1/markets/{env}?category=&status=&expiring_within=&event=&series=&limit=
 *   GET  /healthz                       Redis answers
 *   GET  /metrics                       Prometheus text: requests, syncs, last runs per ENV and mode
 *
 * Every error is a JSON body `{"error":{"code","message"}}`; no request can take the server down.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { parseDuration } from '../core/duration.js';
import { SecmasterError, UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { MARKET_STATUSES, type MarketStatus } from '../core/market.js';
import { SYNC_MODES, type SyncMode, type SyncReport } from '../core/report.js';
import type { SyncOutcome } from '../jobs/sync.js';
import { renderRunMetrics, type RunMetricsInput } from '../obs/metrics.js';
import { MarketReader, type MarketFilter } from '../store/reader.js';
import { RedisMarketStore } from '../store/redis-store.js';
import { HttpError, requireToken, sendError, sendJson } from './http.js';
import { createServeMetrics } from './metrics.js';

export interface ServeOptions {
  redis: Redis;
  logger: Logger;
  /** The bearer token POST /v1/sync requires. */
  token: string;
  /** ENVs this server answers for; null: any valid ENV name. */
  envs: readonly string[] | null;
  /** Require the token for GET /v1/markets as well. @defaultValue false */
  authReads?: boolean;
  /** The configuration of one ENV (flags and environment); throws a SecmasterError for a bad ENV. */
  configFor(env: string): Config;
  /** Runs one sync of the ENV; never throws (the outcome carries the error). */
  runSync(config: Config, mode: SyncMode, signal: AbortSignal): Promise<SyncOutcome>;
}

export interface SecmasterServer {
  server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting requests, aborts running syncs (they write nothing) and waits for them. */
  close(): Promise<void>;
}

/** Markets per HMGET while streaming a listing. @defaultValue 1000 */
export const LIST_CHUNK = 1000;
const LIST_PARAMS = new Set(['category', 'status', 'expiring_within', 'event', 'series', 'limit']);

/** The HTTP status a sync outcome answers with. */
export function syncStatusCode(report: SyncReport): number {
  if (report.status === 'success') return 200;
  if (report.status === 'skipped') return report.skipped === 'locked' ? 409 : 200;
  switch (report.error?.code) {
    case 'GUARD_REFUSED':
      return 422;
    case 'UPSTREAM':
    case 'UPSTREAM_BAD_RESPONSE':
      return 502;
    case 'STORE':
    case 'JOURNAL':
    case 'LOCK_LOST':
    case 'ABORTED':
      return 503;
    default:
      return 500;
  }
}

/** Query parameters of GET /v1/markets/{env} -> a reader filter and a limit (pure; throws 400). */
export function parseListQuery(params: URLSearchParams): { filter: MarketFilter; limit: number } {
  for (const key of params.keys()) {
    if (!LIST_PARAMS.has(key)) throw new HttpError(400, 'bad_request', `unknown query parameter "${key}" (known: ${[...LIST_PARAMS].join(', ')})`);
  }
  const filter: MarketFilter = {};
  const category = params.get('category');
  if (category !== null && category !== '') filter.category = category;
  const status = params.get('status');
  if (status !== null && status !== '') {
    const statuses = status.split(',').map((s) => s.trim().toLowerCase());
    const bad = statuses.find((s) => !(MARKET_STATUSES as readonly string[]).includes(s));
    if (bad !== undefined) throw new HttpError(400, 'bad_request', `status must be ${MARKET_STATUSES.join(', ')} (comma-separated), not "${bad}"`);
    filter.status = statuses as MarketStatus[];
  }
  const within = params.get('expiring_within');
  if (within !== null && within !== '') {
    const ms = parseDuration(within);
    if (ms === null || ms <= 0) throw new HttpError(400, 'bad_request', `expiring_within must be a duration such as 30m, 24h or 7d, not "${within}"`);
    filter.expiringWithinMs = ms;
  }
  const event = params.get('event');
  if (event !== null && event !== '') filter.eventTicker = event;
  const series = params.get('series');
  if (series !== null && series !== '') filter.seriesTicker = series;
  const limitText = params.get('limit');
  let limit = 0;
  if (limitText !== null && limitText !== '') {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 0) throw new HttpError(400, 'bad_request', `limit must be a whole number (0 for all), not "${limitText}"`);
  }
  return { filter, limit };
}

function routeOf(path: string): { route: string; env?: string; ticker?: string } {
  if (path === '/healthz' || path === '/metrics' || path === '/v1/sync') return { route: path };
  const m = /^\/v1\/markets\/([^/]+)(?:\/([^/]+))?\/?$/.exec(path);
  if (m !== null) {
    try {
      const env = decodeURIComponent(m[1]!);
      return m[2] === undefined ? { route: '/v1/markets/{env}', env } : { route: '/v1/markets/{env}/{ticker}', env, ticker: decodeURIComponent(m[2]) };
    } catch {
      return { route: 'malformed' };
    }
  }
  return { route: 'other' };
}

function allowMethods(req: IncomingMessage, methods: readonly string[]): void {
  if (!methods.includes(req.method ?? 'GET')) {
    throw new HttpError(405, 'method_not_allowed', `${req.method ?? '?'} is not allowed here; use ${methods.join(' or ')}`, {}, { allow: methods.join(', ') });
  }
}

async function writeChunk(res: ServerResponse, text: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(text)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
  return !res.destroyed;
}

export function createSecmasterServer(options: ServeOptions): SecmasterServer {
  const { redis, logger } = options;
  const metrics = createServeMetrics();
  const shutdown = new AbortController();
  const running = new Set<Promise<unknown>>();
  /** ENVs configured or synced through this server: /metrics reports their last runs. */
  const seen = new Set<string>(options.envs ?? []);

  const envConfig = (env: string): Config => {
    if (options.envs !== null && !options.envs.includes(env)) {
      throw new HttpError(404, 'not_found', `ENV ${env} is not served here (served: ${options.envs.join(', ')})`);
    }
    try {
      return options.configFor(env);
    } catch (err) {
      if (err instanceof SecmasterError) throw new HttpError(400, 'bad_request', err.message);
      throw err;
    }
  };

  const handleSync = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    allowMethods(req, ['POST']);
    requireToken(req, options.token);
    for (const key of url.searchParams.keys()) {
      if (key !== 'env' && key !== 'mode') throw new HttpError(400, 'bad_request', `unknown query parameter "${key}" (known: env, mode)`);
    }
    const env = url.searchParams.get('env') ?? (options.envs?.length === 1 ? options.envs[0]! : null);
    if (env === null || env === '') throw new HttpError(400, 'bad_request', 'name the ENV: POST /v1/sync?env=kalshi-prod&mode=full');
    const mode = url.searchParams.get('mode');
    if (mode === null || !(SYNC_MODES as readonly string[]).includes(mode)) {
      throw new HttpError(400, 'bad_request', `mode must be ${SYNC_MODES.join(' or ')}, not "${mode ?? ''}"`);
    }
    const config = envConfig(env);
    // Only ENVs synced here (or configured) get their runs on /metrics: an anonymous GET must not grow that list.
    seen.add(env);
    logger.info({ env, mode }, 'sync requested over HTTP');
    const run = options.runSync(config, mode as SyncMode, shutdown.signal);
    running.add(run);
    let outcome: SyncOutcome;
    try {
      outcome = await run;
    } finally {
      running.delete(run);
    }
    const { report } = outcome;
    metrics.syncs.inc({ env, mode, outcome: report.status });
    sendJson(res, syncStatusCode(report), JSON.stringify(report));
  };

  const handleMarket = async (req: IncomingMessage, res: ServerResponse, env: string, ticker: string): Promise<void> => {
    allowMethods(req, ['GET', 'HEAD']);
    if (options.authReads) requireToken(req, options.token);
    envConfig(env);
    const reader = new MarketReader(redis, env);
    const json = await reader.getJson(ticker);
    if (json === null) {
      const closest = await reader.nearestTickers(ticker);
      throw new HttpError(404, 'not_found', `market not found: ${ticker} in ${env}`, { closest });
    }
    sendJson(res, 200, json);
  };

  const handleList = async (req: IncomingMessage, res: ServerResponse, env: string, url: URL): Promise<void> => {
    allowMethods(req, ['GET', 'HEAD']);
    if (options.authReads) requireToken(req, options.token);
    envConfig(env);
    const { filter, limit } = parseListQuery(url.searchParams);
    const reader = new MarketReader(redis, env);
    if (filter.category !== undefined) {
      const category = await reader.resolveCategory(filter.category);
      if (category === null) throw new HttpError(400, 'bad_request', `unknown category "${filter.category}" in ${env}`);
      filter.category = category.slug;
    }
    const tickers = await reader.select(filter, { limit });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-total-count': String(tickers.length) });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let first = true;
    if (!(await writeChunk(res, '['))) return;
    for (let i = 0; i < tickers.length; i += LIST_CHUNK) {
      const jsons = (await reader.getJsonMany(tickers.slice(i, i + LIST_CHUNK))).filter((j): j is string => j !== null);
      if (jsons.length === 0) continue;
      if (!(await writeChunk(res, `${first ? '\n' : ',\n'}${jsons.join(',\n')}`))) return;
      first = false;
    }
    res.end(first ? ']\n' : '\n]\n');
  };

  const handleHealth = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    allowMethods(req, ['GET', 'HEAD']);
    try {
      await Promise.race([redis.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 2 s')), 2000).unref())]);
      sendJson(res, 200, JSON.stringify({ status: 'ok', redis: 'ok', syncs_running: running.size }));
    } catch (err) {
      sendJson(res, 503, JSON.stringify({ status: 'unavailable', redis: err instanceof Error ? err.message : String(err) }));
    }
  };

  const handleMetrics = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    allowMethods(req, ['GET']);
    const runs: RunMetricsInput[] = [];
    for (const env of [...seen].sort()) {
      const { last, success } = await new RedisMarketStore(redis, env).lastRuns();
      for (const mode of SYNC_MODES) {
        const report = last[mode];
        if (report === undefined) continue;
        const ok = success[mode];
        runs.push({ report, lastSuccessUnixSeconds: ok ? Date.parse(ok.finished_at) / 1000 : null });
      }
    }
    const own = await metrics.registry.metrics();
    const text = runs.length > 0 ? `${own}\n${await renderRunMetrics(runs, { withRunLabels: true })}` : own;
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'cache-control': 'no-store' });
    res.end(text);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const { route, env, ticker } = routeOf(url.pathname);
    try {
      if (shutdown.signal.aborted) throw new HttpError(503, 'shutting_down', 'the server is shutting down');
      switch (route) {
        case '/healthz':
          await handleHealth(req, res);
          break;
        case '/metrics':
          await handleMetrics(req, res);
          break;
        case '/v1/sync':
          await handleSync(req, res, url);
          break;
        case '/v1/markets/{env}/{ticker}':
          await handleMarket(req, res, env!, ticker!);
          break;
        case '/v1/markets/{env}':
          await handleList(req, res, env!, url);
          break;
        case 'malformed':
          throw new HttpError(400, 'bad_request', 'the path holds a malformed %-escape');
        default:
          throw new HttpError(404, 'not_found', `no such endpoint: ${req.method ?? '?'} ${url.pathname}`);
      }
    } catch (err) {
      if (err instanceof HttpError) sendError(res, err);
      else if (err instanceof UsageError) sendError(res, new HttpError(400, 'bad_request', err.message));
      else if (err instanceof SecmasterError) {
        logger.warn({ route, code: err.code, err: err.message }, 'request failed');
        sendError(res, new HttpError(err.code === 'STORE' ? 503 : 500, err.code.toLowerCase(), err.message));
      } else {
        logger.error({ route, err: err instanceof Error ? err.stack ?? err.message : String(err) }, 'request failed unexpectedly');
        sendError(res, new HttpError(500, 'internal', 'internal error; see the server log'));
      }
    }
  };

  const server = createServer((req, res) => {
    const started = performance.now();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://serve.invalid');
    } catch {
      sendError(res, new HttpError(400, 'bad_request', 'the request URL cannot be parsed'));
      return;
    }
    const { route } = routeOf(url.pathname);
    res.on('finish', () => {
      metrics.requests.inc({ route, method: req.method ?? '?', code: String(res.statusCode) });
      metrics.duration.observe({ route }, (performance.now() - started) / 1000);
      logger.debug({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - started) }, 'request');
    });
    handle(req, res, url).catch((err: unknown) => {
        // handle() answers every error itself; this is the last line of defence.
      logger.error({ err: String(err) }, 'request handler crashed');
      if (!res.headersSent) sendJson(res, 500, '{"error":{"code":"internal","message":"internal error"}}');
      else res.destroy();
    });
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy(err);
  });

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: async () => {
      shutdown.abort(new Error('the server is shutting down'));
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...running]);
      server.closeAllConnections();
      await closed;
    },
  };
}
