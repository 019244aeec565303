import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADMIN_PREFIX, routeAdmin } from './admin.js';
import type { AdminConfig } from './admin.js';
import { createCatalogue } from './catalogue.js';
import type { Catalogue } from './catalogue.js';
import { createFailureMatcher, createTokenBucket } from './faults.js';
import type { FailureKind, FailureMatcher, FailureRule, RateOptions, TokenBucket } from './faults.js';
import { createRng } from './rng.js';
import { API_PREFIX, NOT_FOUND_BODY, TOO_MANY_REQUESTS_BODY, errorBody, routeKalshi } from './routes.js';
import type { Reply } from './routes.js';
import type { ExchangeStatus } from './types.js';

export const DEFAULT_HOST = '127.0.0.1';

export interface KalshiSimulatorOptions {
  /** @defaultValue `'127.0.0.1'` */
  host?: string;
  /** 0 picks a free port. @defaultValue 0 */
  port?: number;
  /** Added before every Kalshi response. @defaultValue 0 */
  latencyMs?: number;
  /** Token bucket over all Kalshi requests; null is unlimited. @defaultValue null */
  rate?: RateOptions | null;
  /** Failure rules, checked in order on every Kalshi request. @defaultValue [] */
  failures?: FailureRule[];
  /** Clock of the catalogue the simulator creates (ignored when `catalogue` is given). @defaultValue `() => new Date()` */
  now?: () => Date;
  /** The state to serve. @defaultValue an empty catalogue on `now` */
  catalogue?: Catalogue;
  /** `GET /exchange/status`. @defaultValue both true */
  exchange?: ExchangeStatus;
  /** Seed of the random moves `POST /_sim/step` makes when called without `seed`. @defaultValue 1 */
  seed?: number;
}

export type SimulatorSettings = Pick<KalshiSimulatorOptions, 'latencyMs' | 'rate' | 'failures' | 'exchange'>;

export interface SimulatorStats {
  /** Kalshi API requests (admin requests are not counted). */
  requests: number;
  byRoute: Record<string, number>;
  byStatus: Record<string, number>;
  rateLimited: number;
  failuresInjected: number;
  bytesSent: number;
}

export interface KalshiSimulator {
  /** Base URL ending in `/trade-api/v2`. */
  url: string;
  port: number;
  catalogue: Catalogue;
  stats(): SimulatorStats;
  setOptions(settings: SimulatorSettings): void;
  close(): Promise<void>;
}

/** Compact JSON that is valid but not what any Kalshi endpoint returns (a proxy's maintenance page). */
const GARBAGE_BODY = '{"status":"ok","message":"service temporarily in maintenance mode","data":[]}';

export async function createKalshiSimulator(options: KalshiSimulatorOptions = {}): Promise<KalshiSimulator> {
  const catalogue = options.catalogue ?? createCatalogue(options.now === undefined ? {} : { now: options.now });
  const config: AdminConfig = {
    latencyMs: options.latencyMs ?? 0,
    rate: options.rate ?? null,
    failures: options.failures ?? [],
    exchange: options.exchange ?? { exchange_active: true, trading_active: true },
  };
  let bucket: TokenBucket | null = null;
  let failures: FailureMatcher = createFailureMatcher([]);
  const configure = (patch: Partial<AdminConfig>): void => {
    Object.assign(config, patch);
    if (patch.rate !== undefined) bucket = null;
    if (patch.failures !== undefined) failures = createFailureMatcher(config.failures);
  };
  configure(config);
  const stats: SimulatorStats = { requests: 0, byRoute: {}, byStatus: {}, rateLimited: 0, failuresInjected: 0, bytesSent: 0 };
  const stepRng = createRng(options.seed ?? 1);

  const send = (response: ServerResponse, reply: Reply, method: string): void => {
    const bytes = Buffer.byteLength(reply.body);
    response.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes });
    response.end(method === 'HEAD' ? undefined : reply.body);
  };

  const sendKalshi = async (response: ServerResponse, reply: Reply, method: string): Promise<void> => {
    if (config.latencyMs > 0) await sleep(config.latencyMs);
    stats.byStatus[reply.status] = (stats.byStatus[reply.status] ?? 0) + 1;
    stats.bytesSent += Buffer.byteLength(reply.body);
    send(response, reply, method);
  };

  const handleKalshi = async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname.slice(API_PREFIX.length) || '/';
    const method = request.method ?? 'GET';
    stats.requests += 1;
    const route = routeName(path);
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;

    const failure = failures.take(path, url);
    if (failure !== null) {
      stats.failuresInjected += 1;
      return injectFailure(failure, request, (reply) => sendKalshi(response, reply, method));
    }
    if (config.rate !== null) {
      bucket ??= createTokenBucket(config.rate, () => performance.now());
      if (!bucket.take()) {
        stats.rateLimited += 1;
        // Kalshi sends no Retry-After and no X-RateLimit-* headers; neither do we.
        return sendKalshi(response, { status: 429, body: TOO_MANY_REQUESTS_BODY }, method);
      }
    }
    return sendKalshi(response, routeKalshi(catalogue, config.exchange, { method, path, params: url.searchParams }), method);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://sim.invalid');
    const method = request.method ?? 'GET';
    if (url.pathname === ADMIN_PREFIX || url.pathname.startsWith(`${ADMIN_PREFIX}/`)) {
      const body = await readBody(request);
      const path = url.pathname.slice(ADMIN_PREFIX.length);
      const context = { catalogue, stats: () => ({ ...stats }), config: () => config, configure, stepRng };
      return send(response, routeAdmin(context, { method, path, params: url.searchParams, body }), method);
    }
    if (url.pathname !== API_PREFIX && !url.pathname.startsWith(`${API_PREFIX}/`)) {
      return send(response, { status: 404, body: NOT_FOUND_BODY }, method);
    }
    return handleKalshi(request, response, url);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      send(response, { status: 500, body: JSON.stringify({ error: { code: 'internal_server_error', message: String(error) } }) }, 'GET');
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? DEFAULT_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}${API_PREFIX}`,
    port: address.port,
    catalogue,
    stats: () => structuredClone(stats),
    setOptions: (settings) => {
      const patch: Partial<AdminConfig> = {};
      if (settings.latencyMs !== undefined) patch.latencyMs = settings.latencyMs;
      if (settings.rate !== undefined) patch.rate = settings.rate;
      if (settings.failures !== undefined) patch.failures = settings.failures;
      if (settings.exchange !== undefined) patch.exchange = settings.exchange;
      configure(patch);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Hung and keep-alive connections would hold close() open forever.
        server.closeAllConnections();
      }),
  };
}

function injectFailure(
  failure: FailureKind,
  request: IncomingMessage,
  reply: (reply: Reply) => Promise<void>,
): Promise<void> {
  switch (failure) {
    case 'drop':
      request.socket.destroy();
      return Promise.resolve();
    case 'hang':
      return Promise.resolve();
    case 'garbage':
      return reply({ status: 200, body: GARBAGE_BODY });
    default:
      return reply({ status: failure, body: errorBody(failure) });
  }
}

/** Groups paths for stats: `/markets/{ticker}` rather than one key per ticker. */
function routeName(path: string): string {
  const segments = path.split('/').filter((segment) => segment !== '');
  const [first, second, third] = segments;
  if (first === 'historical' && second === 'markets' && third !== undefined) return '/historical/markets/{ticker}';
  if ((first === 'markets' || first === 'events' || first === 'series') && second !== undefined) return `/${first}/{ticker}`;
  return `/${segments.join('/')}`;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
