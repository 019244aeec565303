import type { Catalogue } from './catalogue.js';
import { marketJson } from './entry.js';
import type { MarketEntry } from './entry.js';
import { parseEventsQuery, parseHistoricalMarketsQuery, parseMarketsQuery } from './query.js';
import type { Parsed } from './query.js';
import { cutoffBody, eventBody, eventsPageBody, historicalMarketsPageBody, marketsPageBody } from './responses.js';
import type { ExchangeStatus, SimSeries } from './types.js';

/** A response before it is written: the Kalshi routes are pure over the catalogue. */
export interface Reply {
  status: number;
  body: string;
}

export const API_PREFIX = '/trade-api/v2';

/** Real error bodies (captured); the 429 one is a plain string under `error`. */
export const NOT_FOUND_BODY = '{"error":{"code":"not_found","message":"not found"}}';
export const TOO_MANY_REQUESTS_BODY = '{"error":"too many requests"}';

export function badRequestBody(details: string): string {
  return JSON.stringify({ error: { code: 'bad_request', message: 'bad request', details } });
}

export function errorBody(status: number): string {
  if (status === 404) return NOT_FOUND_BODY;
  if (status === 429) return TOO_MANY_REQUESTS_BODY;
  const code = status === 503 ? 'service_unavailable' : status === 502 ? 'bad_gateway' : 'internal_server_error';
  return JSON.stringify({ error: { code, message: code.replaceAll('_', ' ') } });
}

export interface KalshiRequest {
  method: string;
  /** Path below the `/trade-api/v2` prefix, e.g. `/markets/KXFED-26SEP-T4.25`. */
  path: string;
  params: URLSearchParams;
}

export function routeKalshi(catalogue: Catalogue, exchange: ExchangeStatus, request: KalshiRequest): Reply {
  if (request.method !== 'GET' && request.method !== 'HEAD') return notFound();
  const segments = request.path.split('/').filter((segment) => segment !== '').map(decodeSegment);
  const [first, second, third, ...rest] = segments;
  if (rest.length > 0 || first === undefined) return notFound();
  const { params } = request;

  switch (first) {
    case 'markets':
      if (third !== undefined) return notFound();
      if (second === undefined) return withQuery(parseMarketsQuery(params), (query) => marketsPageBody(catalogue, query));
      return marketReply(catalogue.liveEntry(second));
    case 'events': {
      if (third !== undefined) return notFound();
      if (second === undefined) return withQuery(parseEventsQuery(params), (query) => eventsPageBody(catalogue, query));
      const entry = catalogue.event(second);
      if (entry === undefined) return notFound();
      return ok(eventBody(catalogue, entry, params.get('with_nested_markets') === 'true'));
    }
    case 'series':
      if (third !== undefined) return notFound();
      if (second === undefined) return ok(seriesListBody(catalogue, params));
      return seriesReply(catalogue.series(second));
    case 'historical':
      if (second === 'cutoff' && third === undefined) return ok(cutoffBody(catalogue));
      if (second !== 'markets') return notFound();
      if (third === undefined) {
        return withQuery(parseHistoricalMarketsQuery(params), (query) => historicalMarketsPageBody(catalogue, query));
      }
      return marketReply(catalogue.historicalEntry(third));
    case 'exchange':
      if (third !== undefined) return notFound();
      if (second === 'status') return ok(JSON.stringify(exchange));
      if (second === 'schedule') return ok(SCHEDULE_BODY);
      return notFound();
    default:
      return notFound();
  }
}

function ok(body: string): Reply {
  return { status: 200, body };
}

function notFound(): Reply {
  return { status: 404, body: NOT_FOUND_BODY };
}

function withQuery<T>(parsed: Parsed<T>, body: (query: T) => string): Reply {
  return parsed.ok ? ok(body(parsed.value)) : { status: 400, body: badRequestBody(parsed.details) };
}

function marketReply(entry: MarketEntry | undefined): Reply {
  return entry === undefined ? notFound() : ok(`{"market":${marketJson(entry)}}`);
}

function seriesReply(series: SimSeries | undefined): Reply {
  return series === undefined ? notFound() : ok(JSON.stringify({ series }));
}

/** Not paginated, like Kalshi's; `category` matches the primary category or the `categories` list. */
function seriesListBody(catalogue: Catalogue, params: URLSearchParams): string {
  const category = params.get('category') || null;
  const tags = params.get('tags')?.split(',').filter((tag) => tag !== '') ?? [];
  const withProductMetadata = params.get('include_product_metadata') === 'true';
  const series = catalogue
    .allSeries()
    .filter((item) => category === null || item.category === category || listHas(item.categories, category))
    .filter((item) => tags.length === 0 || tags.some((tag) => listHas(item.tags, tag)))
    .map((item) => {
      if (withProductMetadata || !('product_metadata' in item)) return item;
      const { product_metadata: _omitted, ...rest } = item;
      return rest;
    });
  return JSON.stringify({ series });
}

function listHas(list: unknown, value: string): boolean {
  return Array.isArray(list) && list.includes(value);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const ALL_DAY = [{ close_time: '23:59', open_time: '00:00' }];

/** A plausible static schedule in the documented shape (trading around the clock, one window). */
const SCHEDULE_BODY = JSON.stringify({
  schedule: {
    maintenance_windows: [{ end_datetime: '2026-12-31T10:00:00Z', start_datetime: '2026-12-31T08:00:00Z' }],
    standard_hours: [
      {
        end_time: '2099-01-01T00:00:00Z',
        friday: ALL_DAY,
        monday: ALL_DAY,
        saturday: ALL_DAY,
        start_time: '2024-01-01T00:00:00Z',
        sunday: ALL_DAY,
        thursday: ALL_DAY,
        tuesday: ALL_DAY,
        wednesday: ALL_DAY,
      },
    ],
  },
});
