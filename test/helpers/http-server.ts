import { afterEach } from 'vitest';
import type { MarketSource } from '../../src/core/ports.js';
import { createKalshiClient, type KalshiClientOptions } from '../../src/kalshi/index.js';
/**
 * A tiny purpose-built HTTP server on port 0 for adapter tests (undici's own habit: real sockets,
 * no mocks), plus the Kalshi wire fixtures such a server hands out and a logger that records.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../src/core/logger.js';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/trade-api/v2/markets`. */
  path: string;
  query: URLSearchParams;
  /** The raw query string (after `?`), to check exact encoding. */
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** `performance.now()` when the request arrived. */
  at: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, request: RecordedRequest) => void | Promise<void>;

export interface TestServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** `origin` + `/trade-api/v2`, what the Kalshi client takes as `baseUrl`. */
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const API_PREFIX = '/trade-api/v2';

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      rawQuery: (req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?') + 1) : '',
      headers: req.headers,
      at: performance.now(),
    };
    requests.push(recorded);
    Promise.resolve(handler(req, res, recorded)).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 599, { error: String(err) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    baseUrl: `${origin}${API_PREFIX}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

/** The endpoint path below `/trade-api/v2`, e.g. `/markets`. */
export function endpoint(request: RecordedRequest): string {
  return request.path.startsWith(API_PREFIX) ? request.path.slice(API_PREFIX.length) : request.path;
}

// Kalshi wire fixtures -------------------------------------------------------------------------

/**
 * A real market object from `GET /markets?status=open&mve_filter=exclude&limit=1000`
 * (kalshi-captures/minlego-v-trade, page 0, 2026-08-24), used as the base for test markets.
 */
const REAL_MARKET: Readonly<Record<string, unknown>> = {
  can_close_early: true, close_time: '2026-08-26T22:00:00Z', created_time: '2026-08-24T17:10:58.365638Z',
  custom_strike: { soccer_team: '619b5caa-bfa4-4c96-a510-837e1f5ab0df' },
  early_close_condition: 'This market will close and expire early if the event occurs.',
  event_ticker: 'KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV', exchange_index: 0, expected_expiration_time: '2026-08-24T22:00:00Z',
  expiration_time: '2026-08-26T22:00:00Z', expiration_value: '', floor_strike: 4.5, last_price_dollars: '0.0000',
  latest_expiration_time: '2026-08-26T22:00:00Z', liquidity_dollars: '0.0000', market_type: 'binary',
  no_ask_dollars: '1.0000', no_bid_dollars: '0.0100', no_sub_title: 'Reg Time: Hamburg over 4.5 goals',
  notional_value_dollars: '1.0000', occurrence_datetime: '2026-08-24T19:00:00Z', open_interest_fp: '0.00',
  open_time: '2026-08-24T17:11:53Z', previous_price_dollars: '0.0000', previous_yes_ask_dollars: '0.0000',
  previous_yes_bid_dollars: '0.0000', price_level_structure: 'linear_cent',
  price_ranges: [{ end: '1.0000', start: '0.0000', step: '0.0100' }], primary_participant_key: 'soccer_team', result: '',
  rules_primary: 'If Hamburg records above 4.5 goals in the Verl vs Hamburg professional DFB Pokal soccer game originally scheduled for Aug 24, 2026 after 90 minutes plus stoppage time (does not include extra time or penalties), then the market resolves to Yes.',
  rules_secondary: 'The following market refers to Hamburg in the Verl vs Hamburg professional DFB Pokal soccer game originally scheduled for Aug 24, 2026 after 90 minutes plus stoppage time (does not include extra time or penalties). Own goals count towards the team awarded the goal.',
  settlement_timer_seconds: 300, status: 'active', strike_type: 'greater', ticker: 'KXDFBPOKALTEAMTOTAL-26AUG24SCVHSV-HSV5',
  title: 'Will Hamburg score over 4.5 goals?', updated_time: '2026-08-24T17:11:53.988247Z', volume_24h_fp: '0.00',
  volume_fp: '0.00', yes_ask_dollars: '0.9900', yes_ask_size_fp: '1.00', yes_bid_dollars: '0.0000', yes_bid_size_fp: '0.00',
  yes_sub_title: 'Reg Time: Hamburg over 4.5 goals',
};

/** A Kalshi market object (a deep copy of a real one) with `ticker` and any overrides applied. */
export function kalshiMarket(ticker: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...(structuredClone(REAL_MARKET) as Record<string, unknown>), ticker, ...overrides };
}

/** A combo (multivariate) market as Kalshi serves it without `mve_filter`. */
export function kalshiComboMarket(ticker: string): Record<string, unknown> {
  return kalshiMarket(ticker, {
    event_ticker: 'KXMVECROSSCATEGORY-SHARD1-S2026BCEFC3D1D8F',
    mve_collection_ticker: 'KXMVECROSSCATEGORY-SHARD1-R',
    mve_selected_legs: [{ event_ticker: 'KXBTC15M-26AUG241115', market_ticker: 'KXBTC15M-26AUG241115-15', side: 'yes' }],
  });
}

/** A real event object (kalshi-captures/manta-digital-trading-data `events_by_tickers.json`), trimmed. */
export function kalshiEvent(eventTicker: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    available_on_brokers: true, category: 'World', collateral_return_type: '', event_ticker: eventTicker, exchange_index: 0,
    last_updated_ts: '2026-05-10T00:33:53.337123Z', mutually_exclusive: false, series_ticker: 'KXELONMARS',
    settlement_sources: [{ name: 'The Guardian', url: 'https://www.theguardian.com' }], strike_period: '',
    sub_title: 'Before 2099', title: 'Will Elon Musk visit Mars in his lifetime?', ...overrides,
  };
}

// Logger ---------------------------------------------------------------------------------------

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

export function recordingLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (obj: object, msg?: string): void => {
    entries.push({ level, obj, msg });
  };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, entries };
}

/**
 * A Kalshi client on a port-0 test server for each test, both closed after it (registers an
 * `afterEach`). `defaults` are the client options of the file; a test's own options win.
 */
export function kalshiClientFixture(defaults: KalshiClientOptions = {}): (handler: Handler, options?: KalshiClientOptions) => Promise<{ server: TestServer; client: MarketSource }> {
  let server: TestServer | undefined;
  let client: MarketSource | undefined;
  afterEach(async () => {
    await client?.close();
    await server?.close();
    client = undefined;
    server = undefined;
  });
  return async (handler, options = {}) => {
    server = await startServer(handler);
    client = createKalshiClient({ baseUrl: server.baseUrl, ...defaults, ...options });
    return { server, client };
  };
}
