import { Agent, type Dispatcher } from 'undici';
import { ConfigError, UpstreamError } from '../core/errors.js';
import type { KalshiEventRecord, KalshiMarketRecord, KalshiSeriesRecord } from '../core/kalshi.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { CallOptions, MarketPage, MarketQuery, MarketSource, MveFilter, SourceStats } from '../core/ports.js';
import { chunk, mapLimit } from './batch.js';
import { createKalshiHttp, type Query } from './http.js';
import { paginate, type WalkedPage } from './pagination.js';
import { createTokenBucket } from './rate-limit.js';
import {
  parseEventsPage,
  parseExchangeStatus,
  parseHistoricalCutoff,
  parseMarketsPage,
  parseSeriesList,
  type Parsed,
  type RecordsPage,
} from './schemas.js';
import { createRequestSigner, type KalshiSignerConfig } from './signing.js';

/** Kalshi production REST API, recommended host. */
export const DEFAULT_BASE_URL = 'https://external-api.kalshi.com/trade-api/v2';
/** Requests per second when requests are signed (Basic tier read budget: 200 tokens/s at 10 per request). */
export const DEFAULT_SIGNED_RATE = 20;
/** Requests per second when unsigned (undocumented limit; 429s were measured from about 5/s). */
export const DEFAULT_UNSIGNED_RATE = 5;
/** Bucket capacity in seconds of `rate`; Kalshi's Basic read bucket holds 2 s, so 1 s stays clear of it. */
export const DEFAULT_BURST_SECONDS = 1;
/** Kalshi's maximum page size for `/markets` and `/historical/markets`. */
export const DEFAULT_PAGE_LIMIT = 1000;
export const DEFAULT_EVENTS_BATCH = 100;
export const DEFAULT_TICKERS_BATCH = 200;
export const DEFAULT_LOOKUP_CONCURRENCY = 4;
export const DEFAULT_MAX_RETRIES = 8;
export const DEFAULT_RETRY_BASE_MS = 500;
export const DEFAULT_RETRY_MAX_MS = 30_000;
export const DEFAULT_RETRY_BUDGET_MS = 120_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_PAGES = 5000;
export const DEFAULT_USER_AGENT = 'secmaster (kalshi-client)';
/** Combo (multivariate) markets flood `/markets` and are not wanted unless asked for. */
export const DEFAULT_MVE_FILTER: MveFilter = 'exclude';
/** Kalshi's maximum page size for `/events`. */
const EVENTS_PAGE_LIMIT = 200;

export interface KalshiClientOptions {
  /**
   * REST base URL, including `/trade-api/v2`.
   * @defaultValue {@link DEFAULT_BASE_URL}
   */
  baseUrl?: string;
  /**
   * Requests per second this client may spend, shared by all its requests.
   * @defaultValue {@link DEFAULT_SIGNED_RATE} with a signer, else {@link DEFAULT_UNSIGNED_RATE}
   */
  rate?: number;
  /**
   * Burst allowance, in seconds of `rate` (bucket capacity = max(1, rate x burstSeconds)).
   * @defaultValue {@link DEFAULT_BURST_SECONDS}
   */
  burstSeconds?: number;
  /** API key id and RSA private key; when given, every request is signed. */
  signer?: KalshiSignerConfig;
  /**
   * `limit` sent to `/markets` and `/historical/markets` (Kalshi allows 1..1000).
   * @defaultValue {@link DEFAULT_PAGE_LIMIT}
   */
  pageLimit?: number;
  /**
   * Event tickers per `GET /events?tickers=` request.
   * @defaultValue {@link DEFAULT_EVENTS_BATCH}
   */
  eventsBatch?: number;
  /**
   * Market tickers per `GET /markets?tickers=` (and historical) request.
   * @defaultValue {@link DEFAULT_TICKERS_BATCH}
   */
  tickersBatch?: number;
  /**
   * Batches of a ticker look-up in flight at once (the rate limit still applies).
   * @defaultValue {@link DEFAULT_LOOKUP_CONCURRENCY}
   */
  lookupConcurrency?: number;
  /**
   * Retries of one request after its first attempt (429, 5xx, timeouts, dropped connections).
   * @defaultValue {@link DEFAULT_MAX_RETRIES}
   */
  maxRetries?: number;
  /**
   * Cap of the first backoff; the cap doubles per retry and each sleep is drawn uniformly below it.
   * @defaultValue {@link DEFAULT_RETRY_BASE_MS}
   */
  retryBaseMs?: number;
  /**
   * Largest backoff cap.
   * @defaultValue {@link DEFAULT_RETRY_MAX_MS}
   */
  retryMaxMs?: number;
  /**
   * Total time one request may spend on attempts and backoff before it fails.
   * @defaultValue {@link DEFAULT_RETRY_BUDGET_MS}
   */
  retryBudgetMs?: number;
  /**
   * Time one attempt may take, headers and body together.
   * @defaultValue {@link DEFAULT_REQUEST_TIMEOUT_MS}
   */
  requestTimeoutMs?: number;
  /**
   * Runaway guard: a walk with more pages than this fails.
   * @defaultValue {@link DEFAULT_MAX_PAGES}
   */
  maxPages?: number;
  /** @defaultValue `silentLogger` */
  logger?: Logger;
  /**
   * undici dispatcher to send requests through (tests, proxies). When absent the client creates an
   * Agent and `close()` closes it; a dispatcher passed in is left open.
   */
  dispatcher?: Dispatcher;
  /** @defaultValue {@link DEFAULT_USER_AGENT} */
  userAgent?: string;
}

function positive(name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ConfigError(`Kalshi client option ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${String(value)}.`);
  }
  return value;
}

function nonNegativeInt(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(`Kalshi client option ${name} must be a whole number >= 0, got ${String(value)}.`);
  }
  return value;
}

function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`Kalshi base URL ${JSON.stringify(raw)} is not a URL; use e.g. ${DEFAULT_BASE_URL}.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`Kalshi base URL ${JSON.stringify(raw)} must be http(s); use e.g. ${DEFAULT_BASE_URL}.`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ConfigError(`Kalshi base URL ${JSON.stringify(raw)} must not carry a query or fragment.`);
  }
  return url;
}

/** Creates the Kalshi REST adapter behind the `MarketSource` port. */
export function createKalshiClient(options: KalshiClientOptions = {}): MarketSource {
  const baseUrl = parseBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL);
  const signer = options.signer ? createRequestSigner(options.signer) : null;
  const rate = positive('rate', options.rate ?? (signer ? DEFAULT_SIGNED_RATE : DEFAULT_UNSIGNED_RATE), false);
  const burstSeconds = positive('burstSeconds', options.burstSeconds ?? DEFAULT_BURST_SECONDS, false);
  const pageLimit = positive('pageLimit', options.pageLimit ?? DEFAULT_PAGE_LIMIT, true);
  const eventsBatch = positive('eventsBatch', options.eventsBatch ?? DEFAULT_EVENTS_BATCH, true);
  const tickersBatch = positive('tickersBatch', options.tickersBatch ?? DEFAULT_TICKERS_BATCH, true);
  const lookupConcurrency = positive('lookupConcurrency', options.lookupConcurrency ?? DEFAULT_LOOKUP_CONCURRENCY, true);
  const maxPages = positive('maxPages', options.maxPages ?? DEFAULT_MAX_PAGES, true);
  const requestTimeoutMs = positive('requestTimeoutMs', options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, false);
  const retry = {
    maxRetries: nonNegativeInt('maxRetries', options.maxRetries ?? DEFAULT_MAX_RETRIES),
    baseMs: positive('retryBaseMs', options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS, false),
    maxMs: positive('retryMaxMs', options.retryMaxMs ?? DEFAULT_RETRY_MAX_MS, false),
    budgetMs: positive('retryBudgetMs', options.retryBudgetMs ?? DEFAULT_RETRY_BUDGET_MS, false),
  };
  const logger = options.logger ?? silentLogger;
  const ownDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new Agent({
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
    connect: { timeout: Math.min(10_000, requestTimeoutMs) },
  });

  const stats: SourceStats = { requests: 0, pages: 0, retries: 0, rateLimited: 0, bytes: 0 };
  const http = createKalshiHttp({
    baseUrl,
    dispatcher,
    limiter: createTokenBucket({ ratePerSecond: rate, capacity: Math.max(1, rate * burstSeconds) }),
    signer,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    requestTimeoutMs,
    retry,
    logger,
    stats,
  });
  let closed = false;

  logger.debug({ baseUrl: baseUrl.href, signed: signer !== null, rate }, 'Kalshi client created');

  function assertOpen(): void {
    if (closed) throw new UpstreamError('Kalshi client is closed; create a new one.');
  }

  function bad(describe: string, what: string, reason: string): UpstreamError {
    return new UpstreamError(`Kalshi ${describe} returned something that is not ${what}: ${reason}.`, { code: 'UPSTREAM_BAD_RESPONSE' });
  }

  /** Walks one list endpoint page by page, validating each page and logging the records it skips. */
  function walk<T>(
    path: string,
    query: Query,
    what: string,
    parse: (body: unknown) => Parsed<RecordsPage<T>>,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<WalkedPage<RecordsPage<T>>, void, undefined> {
    const describe = http.describe(path, query);
    return paginate(async (cursor, page) => {
      const body = await http.getJson(path, { ...query, cursor }, signal);
      const parsed = parse(body);
      if (!parsed.ok) throw bad(describe, what, parsed.reason);
      stats.pages += 1;
      for (const invalid of parsed.value.invalid) {
        logger.warn({ request: describe, page, index: invalid.index, ticker: invalid.ticker, reason: invalid.reason }, 'Kalshi record failed validation; skipped');
      }
      if (parsed.value.dropped > 0) logger.debug({ request: describe, page, dropped: parsed.value.dropped }, 'combo markets dropped');
      return { value: parsed.value, cursor: parsed.value.cursor };
    }, { maxPages, describe });
  }

  /** Batched `tickers=` look-up over every page of every batch; duplicates collapse by key. */
  async function lookup<T>(
    path: string,
    keys: readonly string[],
    batchSize: number,
    query: Query,
    what: string,
    parse: (body: unknown) => Parsed<RecordsPage<T>>,
    keyOf: (record: T) => string,
    signal: AbortSignal | undefined,
  ): Promise<T[]> {
    assertOpen();
    const unique = [...new Set(keys.filter((k) => k !== ''))];
    if (unique.length === 0) return [];
    const batches = await mapLimit(chunk(unique, batchSize), lookupConcurrency, async (tickers, batchSignal) => {
      const records: T[] = [];
      for await (const page of walk(path, { ...query, tickers }, what, parse, batchSignal)) records.push(...page.value.records);
      return records;
    }, signal);
    const byKey = new Map<string, T>();
    for (const record of batches.flat()) byKey.set(keyOf(record), record);
    return [...byKey.values()];
  }

  async function single<T>(path: string, what: string, parse: (body: unknown) => Parsed<T>, signal: AbortSignal | undefined): Promise<T> {
    assertOpen();
    const body = await http.getJson(path, {}, signal);
    const parsed = parse(body);
    if (!parsed.ok) throw bad(http.describe(path, {}), what, parsed.reason);
    return parsed.value;
  }

  const marketsPage = (dropCombos: boolean) => (body: unknown) => parseMarketsPage(body, { dropCombos });

  return {
    async *markets(query: MarketQuery, callOptions?: CallOptions): AsyncGenerator<MarketPage, void, undefined> {
      assertOpen();
      if (query.minUpdatedTs !== undefined && !Number.isSafeInteger(query.minUpdatedTs)) {
        throw new RangeError(`minUpdatedTs must be whole Unix seconds, got ${String(query.minUpdatedTs)}`);
      }
      const mveFilter = query.mveFilter === undefined ? DEFAULT_MVE_FILTER : query.mveFilter;
      const wire: Query = {
        limit: pageLimit,
        status: query.status,
        min_updated_ts: query.minUpdatedTs,
        series_ticker: query.seriesTicker,
        event_ticker: query.eventTicker,
        mve_filter: mveFilter,
      };
      // Kalshi's exclude is not trusted alone: combo rows that slip through are dropped here too.
      const walked = walk('/markets', wire, 'a markets page', marketsPage(mveFilter === 'exclude'), callOptions?.signal);
      for await (const page of walked) {
        yield { markets: page.value.records, invalid: page.value.invalid, cursor: page.cursor, page: page.page };
      }
    },

    marketsByTickers(tickers, callOptions) {
      return lookup<KalshiMarketRecord>('/markets', tickers, tickersBatch, { limit: pageLimit }, 'a markets page',
        marketsPage(false), (m) => m.ticker, callOptions?.signal);
    },

    historicalMarketsByTickers(tickers, callOptions) {
      return lookup<KalshiMarketRecord>('/historical/markets', tickers, tickersBatch, { limit: pageLimit }, 'a markets page',
        marketsPage(false), (m) => m.ticker, callOptions?.signal);
    },

    eventsByTickers(eventTickers, callOptions) {
      return lookup<KalshiEventRecord>('/events', eventTickers, eventsBatch, { limit: EVENTS_PAGE_LIMIT }, 'an events page',
        parseEventsPage, (e) => e.event_ticker, callOptions?.signal);
    },

    async allSeries(callOptions) {
      assertOpen();
      // Kalshi does not paginate /series; a cursor, should one appear, is followed all the same.
      const out: KalshiSeriesRecord[] = [];
      for await (const page of walk('/series', {}, 'a series list', parseSeriesList, callOptions?.signal)) out.push(...page.value.records);
      return out;
    },

    historicalCutoff(callOptions) {
      return single('/historical/cutoff', 'a historical cutoff', parseHistoricalCutoff, callOptions?.signal);
    },

    exchangeStatus(callOptions) {
      return single('/exchange/status', 'an exchange status', parseExchangeStatus, callOptions?.signal);
    },

    stats() {
      return { ...stats };
    },

    async close() {
      if (closed) return;
      closed = true;
      if (ownDispatcher) await dispatcher.close();
    },
  };
}
