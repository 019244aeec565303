import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { AbortedError, UpstreamError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { SourceStats } from '../core/ports.js';
import { AbortSignalError, sleep, throwIfAborted } from './abort.js';
import type { RateLimiter } from './rate-limit.js';
import { backoffDelay, isRetryableStatus, isRetryableTransportError, type RetryPolicy } from './retry.js';
import { kalshiErrorMessage } from './schemas.js';
import type { RequestSigner } from './signing.js';

export type QueryValue = string | number | readonly string[] | null | undefined;
/** Query parameters; null/undefined are omitted, arrays are sent comma-separated (`tickers=A,B`). */
export type Query = Readonly<Record<string, QueryValue>>;

export interface KalshiHttpOptions {
  /** Base URL including `/trade-api/v2`. */
  baseUrl: URL;
  dispatcher: Dispatcher;
  limiter: RateLimiter;
  signer: RequestSigner | null;
  userAgent: string;
  requestTimeoutMs: number;
  retry: RetryPolicy;
  logger: Logger;
  /** Counters this layer increments (requests, retries, rateLimited, bytes). */
  stats: SourceStats;
  /** Random source for backoff jitter. */
  random?: () => number;
}

export interface KalshiHttp {
  /** GET a JSON document, with rate limiting, signing, timeouts and retries. */
  getJson(path: string, query: Query, signal?: AbortSignal): Promise<unknown>;
  /** `GET /markets?status=open`: how errors and logs name a request (no cursor, tickers counted). */
  describe(path: string, query: Query): string;
}

type Attempt =
  | { kind: 'response'; status: number; body: Buffer; encoding: string | undefined }
  | { kind: 'transport'; reason: string; cause: unknown; retryable: boolean };

type Verdict = { kind: 'ok'; value: unknown } | { kind: 'retry'; reason: string; status: number | null; cause?: unknown };

const decoders = new Map<string, (buf: Buffer) => Promise<Buffer>>([
  ['gzip', promisify(gunzip)],
  ['x-gzip', promisify(gunzip)],
  ['deflate', promisify(inflate)],
  ['br', promisify(brotliDecompress)],
]);

const MAX_ERROR_TEXT = 200;

function isPresent(value: QueryValue): value is string | number | readonly string[] {
  return value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);
}

export function encodeQuery(query: Query): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (!isPresent(value)) continue;
    // Commas stay literal between list items: that is how Kalshi documents `tickers=`.
    const encoded = typeof value === 'object' ? value.map((v) => encodeURIComponent(v)).join(',') : encodeURIComponent(String(value));
    parts.push(`${encodeURIComponent(key)}=${encoded}`);
  }
  return parts.join('&');
}

export function describeRequest(path: string, query: Query): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (!isPresent(value) || key === 'cursor' || key === 'limit') continue;
    parts.push(typeof value === 'object' ? `${key}=<${value.length} ${key}>` : `${key}=${String(value)}`);
  }
  return `GET ${path}${parts.length > 0 ? `?${parts.join('&')}` : ''}`;
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${err.message}` : `${err.name}: ${err.message}`;
  }
  return String(err);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function createKalshiHttp(options: KalshiHttpOptions): KalshiHttp {
  const { baseUrl, dispatcher, limiter, signer, userAgent, requestTimeoutMs, retry, logger, stats } = options;
  const random = options.random ?? Math.random;
  const origin = baseUrl.origin;
  const basePath = baseUrl.pathname.replace(/\/+$/, '');

  async function attempt(path: string, search: string, signal: AbortSignal | undefined): Promise<Attempt> {
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = (): void => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new Error(`request timed out after ${requestTimeoutMs} ms`));
    }, requestTimeoutMs);
    try {
      const fullPath = `${basePath}${path}`;
      const headers: Record<string, string> = {
        accept: 'application/json',
        'accept-encoding': 'gzip, deflate, br',
        'user-agent': userAgent,
        // Signed on every attempt: the timestamp must be fresh.
        ...(signer ? signer.headers('GET', fullPath) : {}),
      };
      stats.requests += 1;
      const res = await dispatcher.request({
        origin,
        path: search === '' ? fullPath : `${fullPath}?${search}`,
        method: 'GET',
        headers,
        signal: controller.signal,
        headersTimeout: requestTimeoutMs,
        bodyTimeout: requestTimeoutMs,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      stats.bytes += body.byteLength;
      return { kind: 'response', status: res.statusCode, body, encoding: headerValue(res.headers['content-encoding'])?.trim().toLowerCase() };
    } catch (err) {
      if (signal?.aborted) throw new AbortSignalError('aborted', { cause: signal.reason });
      if (timedOut) return { kind: 'transport', reason: `timed out after ${requestTimeoutMs} ms`, cause: err, retryable: true };
      return { kind: 'transport', reason: errorText(err), cause: err, retryable: isRetryableTransportError(err) };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async function decode(body: Buffer, encoding: string | undefined): Promise<string> {
    if (encoding === undefined || encoding === '' || encoding === 'identity') return body.toString('utf8');
    const decoder = decoders.get(encoding);
    if (!decoder) throw new Error(`unsupported content-encoding ${encoding}`);
    return (await decoder(body)).toString('utf8');
  }

  function parseJson(textBody: string): { ok: true; value: unknown } | { ok: false } {
    try {
      return { ok: true, value: JSON.parse(textBody) as unknown };
    } catch {
      return { ok: false };
    }
  }

  /** Turns one attempt into a value, a reason to retry, or (thrown) a failure not worth retrying. */
  async function judge(result: Attempt, describe: string): Promise<Verdict> {
    if (result.kind === 'transport') {
      if (!result.retryable) throw new UpstreamError(`Kalshi ${describe} failed: ${result.reason}.`, { cause: result.cause });
      return { kind: 'retry', reason: result.reason, status: null, cause: result.cause };
    }
    let textBody: string;
    try {
      textBody = await decode(result.body, result.encoding);
    } catch (err) {
      return { kind: 'retry', reason: `undecodable ${result.encoding ?? ''} body (${errorText(err)})`, status: result.status, cause: err };
    }
    const json = parseJson(textBody);
    if (result.status >= 200 && result.status < 300) {
      if (json.ok) return { kind: 'ok', value: json.value };
      throw new UpstreamError(`Kalshi ${describe} answered HTTP ${result.status} with a body that is not JSON.`, {
        code: 'UPSTREAM_BAD_RESPONSE',
        status: result.status,
      });
    }
    const kalshiMessage = json.ok ? kalshiErrorMessage(json.value) : null;
    const trimmed = textBody.trim();
    const shown = kalshiMessage ?? (trimmed === '' ? 'no error message' : trimmed.slice(0, MAX_ERROR_TEXT));
    if (!isRetryableStatus(result.status)) {
      const hint = result.status === 401 && signer
        ? ' Check KALSHI_API_KEY_ID, that the private key belongs to it, and the system clock.'
        : '';
      throw new UpstreamError(`Kalshi ${describe} answered HTTP ${result.status}: ${shown}.${hint}`, { status: result.status });
    }
    if (result.status === 429) {
      stats.rateLimited += 1;
      // Kalshi sends no Retry-After: empty our own bucket so every request of this client backs off.
      limiter.penalize();
    }
    return { kind: 'retry', reason: `HTTP ${result.status}: ${shown}`, status: result.status };
  }

  async function getJsonWithRetries(path: string, query: Query, describe: string, signal: AbortSignal | undefined): Promise<unknown> {
    const search = encodeQuery(query);
    const started = performance.now();
    for (let retryNo = 0; ; retryNo++) {
      throwIfAborted(signal);
      await limiter.acquire(signal);
      const verdict = await judge(await attempt(path, search, signal), describe);
      if (verdict.kind === 'ok') return verdict.value;

      const elapsed = performance.now() - started;
      const delay = backoffDelay(retryNo, retry, random);
      const attempts = retryNo + 1;
      const outOfRetries = retryNo >= retry.maxRetries;
      if (outOfRetries || elapsed + delay > retry.budgetMs) {
        const why = outOfRetries ? `${attempts} attempts` : `${attempts} attempts (retry budget of ${retry.budgetMs} ms spent)`;
        throw new UpstreamError(
          `Kalshi ${describe} kept failing: gave up after ${why} in ${(elapsed / 1000).toFixed(1)} s; last failure: ${verdict.reason}.`,
          { status: verdict.status, cause: verdict.cause },
        );
      }
      stats.retries += 1;
      logger.warn({ request: describe, attempt: attempts, delayMs: delay, status: verdict.status, reason: verdict.reason }, 'Kalshi request failed; retrying');
      await sleep(delay, signal);
    }
  }

  return {
    describe: describeRequest,
    async getJson(path, query, signal) {
      const describe = describeRequest(path, query);
      try {
        return await getJsonWithRetries(path, query, describe, signal);
      } catch (err) {
        if (err instanceof AbortSignalError || (signal?.aborted && !(err instanceof UpstreamError))) {
          throw new AbortedError(`Kalshi ${describe} was aborted.`, { cause: signal?.reason });
        }
        throw err;
      }
    },
  };
}
