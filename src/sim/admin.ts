import { z } from 'zod';
import type { Catalogue } from './catalogue.js';
import { SimError } from './errors.js';
import { createRng } from './rng.js';
import type { Rng } from './rng.js';
import type { Reply } from './routes.js';
import type { ExchangeStatus, MarketResult } from './types.js';
import type { FailureRule, RateOptions } from './faults.js';

/** Admin endpoints for demos, under `/_sim` (outside Kalshi's prefix; never rate-limited or failed). */
export const ADMIN_PREFIX = '/_sim';

export interface AdminConfig {
  latencyMs: number;
  rate: RateOptions | null;
  failures: FailureRule[];
  exchange: ExchangeStatus;
}

export interface AdminContext {
  catalogue: Catalogue;
  stats(): unknown;
  config(): AdminConfig;
  configure(patch: Partial<AdminConfig>): void;
  /** Used by `POST /_sim/step` without `seed`, so successive calls keep moving. */
  stepRng: Rng;
}

export interface AdminRequest {
  method: string;
  /** Path below `/_sim`. */
  path: string;
  params: URLSearchParams;
  body: string;
}

const MAX_STEP = 100_000;

const configSchema = z
  .object({
    latencyMs: z.number().int().min(0).optional(),
    rate: z.object({ perSecond: z.number().positive(), burst: z.number().min(1) }).strict().nullable().optional(),
    failures: z
      .array(
        z
          .object({
            path: z.string().optional(),
            status: z.union([z.number().int().min(100).max(599), z.enum(['drop', 'hang', 'garbage'])]),
            times: z.number().int().min(0).optional(),
            afterRequests: z.number().int().min(0).optional(),
          })
          .strict(),
      )
      .optional(),
    exchange: z.object({ exchange_active: z.boolean(), trading_active: z.boolean() }).strict().optional(),
  })
  .strict();

export function routeAdmin(context: AdminContext, request: AdminRequest): Reply {
  const segments = request.path.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
  const route = `${request.method} ${segments[0] ?? ''}`;
  try {
    switch (route) {
      case 'POST step':
        return step(context, request.params);
      case 'POST markets':
        return marketAction(context.catalogue, segments[1], segments[2], request.params);
      case 'GET stats':
        return json(200, { server: context.stats(), catalogue: context.catalogue.counts() });
      case 'GET config':
        return json(200, publicConfig(context.config()));
      case 'POST config':
        return configure(context, request.body);
      default:
        return json(404, { error: { code: 'not_found', message: 'not found' } });
    }
  } catch (error) {
    if (!(error instanceof SimError)) throw error;
    const status = error.code === 'not_found' ? 404 : error.code === 'invalid_transition' ? 409 : 400;
    return json(status, { error: { code: error.code, message: error.message } });
  }
}

function step(context: AdminContext, params: URLSearchParams): Reply {
  const n = Number(params.get('n') ?? '1');
  if (!Number.isInteger(n) || n < 1 || n > MAX_STEP) throw new SimError('invalid_argument', `n must be 1..${MAX_STEP}`);
  const seed = params.get('seed');
  if (seed !== null && !/^\d+$/.test(seed)) throw new SimError('invalid_argument', 'seed must be a non-negative integer');
  const rng = seed === null ? context.stepRng : createRng(Number(seed));
  const moves = context.catalogue.step(n, rng);
  return json(200, { moves, counts: context.catalogue.counts() });
}

function marketAction(catalogue: Catalogue, ticker: string | undefined, action: string | undefined, params: URLSearchParams): Reply {
  if (ticker === undefined || action === undefined) throw new SimError('not_found', 'POST /_sim/markets/{ticker}/{action}');
  switch (action) {
    case 'open':
      return json(200, { market: catalogue.open(ticker) });
    case 'pause':
      return json(200, { market: catalogue.pause(ticker) });
    case 'resume':
      return json(200, { market: catalogue.resume(ticker) });
    case 'close':
      return json(200, { market: catalogue.close(ticker) });
    case 'reopen': {
      const closeTime = params.get('close_time');
      return json(200, { market: catalogue.reopen(ticker, closeTime === null ? undefined : new Date(closeTime)) });
    }
    case 'determine': {
      const result = params.get('result') ?? 'yes';
      if (result !== 'yes' && result !== 'no' && result !== 'scalar') {
        throw new SimError('invalid_argument', 'result must be yes, no or scalar');
      }
      const value = params.get('value') ?? undefined;
      return json(200, { market: catalogue.determine(ticker, result as MarketResult, value) });
    }
    case 'settle':
      return json(200, { market: catalogue.settle(ticker) });
    case 'archive':
      return json(200, { archived: catalogue.archive(ticker), cutoff: catalogue.counts().cutoff });
    case 'delist':
      return json(200, { delisted: catalogue.delist(ticker).ticker });
    case 'trade':
      return json(200, { market: catalogue.tradeTick(ticker) });
    default:
      throw new SimError('not_found', `unknown action ${action}`);
  }
}

function configure(context: AdminContext, body: string): Reply {
  let raw: unknown;
  try {
    raw = body.trim() === '' ? {} : JSON.parse(body);
  } catch {
    throw new SimError('invalid_argument', 'body is not JSON');
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new SimError('invalid_argument', z.prettifyError(parsed.error));
  const { latencyMs, rate, failures, exchange } = parsed.data;
  context.configure({
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(rate === undefined ? {} : { rate }),
    ...(failures === undefined ? {} : { failures }),
    ...(exchange === undefined ? {} : { exchange }),
  });
  return json(200, publicConfig(context.config()));
}

/** Failure rules without their `match` functions, which JSON cannot carry. */
function publicConfig(config: AdminConfig): unknown {
  return { ...config, failures: config.failures.map(({ match: _match, ...rule }) => rule) };
}

function json(status: number, value: unknown): Reply {
  return { status, body: JSON.stringify(value) };
}
