import type { KalshiMarketRecord } from './kalshi.js';
import type { Market, MarketStatus, SettlementResult } from './market.js';
import { formatUtc, toUtc } from './time.js';

/**
 * Fields that move with every trade. They are not security-master data: dropped from
 * `raw_metadata`, so they never cause an update (CONTRACT section 4).
 */
export const TRADING_FIELDS: ReadonlySet<string> = new Set([
  'yes_bid_dollars',
  'yes_bid_size_fp',
  'yes_ask_dollars',
  'yes_ask_size_fp',
  'no_bid_dollars',
  'no_ask_dollars',
  'last_price_dollars',
  'volume_fp',
  'volume_24h_fp',
  'open_interest_fp',
  'previous_yes_bid_dollars',
  'previous_yes_ask_dollars',
  'previous_price_dollars',
  'liquidity_dollars',
  // Legacy integer-cent twins, removed by Kalshi in March 2026 but still seen in older captures.
  'yes_bid',
  'yes_ask',
  'no_bid',
  'no_ask',
  'yes_bid_size',
  'yes_ask_size',
  'last_price',
  'previous_yes_bid',
  'previous_yes_ask',
  'previous_price',
  'volume',
  'volume_24h',
  'open_interest',
  'liquidity',
]);

/** Where a market's category comes from: its event's series (preferred) or the event itself. */
export interface CategoryInfo {
  seriesTicker: string | null;
  seriesCategory: string | null;
  eventCategory: string | null;
}

export const NO_CATEGORY_INFO: CategoryInfo = { seriesTicker: null, seriesCategory: null, eventCategory: null };

export function mapStatus(kalshiStatus: string): MarketStatus {
  if (kalshiStatus === 'active') return 'active';
  if (kalshiStatus === 'finalized' || kalshiStatus === 'settled') return 'settled';
  return 'closed';
}

function mapResult(result: string | null | undefined): SettlementResult | null {
  return result === 'yes' || result === 'no' || result === 'scalar' ? result : null;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function sortedRaw(record: KalshiMarketRecord): Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    if (!TRADING_FIELDS.has(key)) raw[key] = record[key];
  }
  return raw;
}

/** Kalshi market + its event/series category -> the contract's Market (CONTRACT section 4). */
export function normalizeMarket(record: KalshiMarketRecord, info: CategoryInfo): Market {
  const expiration =
    toUtc(record.expected_expiration_time) ?? toUtc(record.latest_expiration_time) ?? toUtc(record.expiration_time);
  const timer = record.settlement_timer_seconds;
  const settlementTime =
    expiration !== null && typeof timer === 'number' && Number.isFinite(timer)
      ? formatUtc(Date.parse(expiration) + timer * 1000)
      : null;
  const category = nonEmpty(info.seriesCategory)
    ? info.seriesCategory
    : nonEmpty(info.eventCategory)
      ? info.eventCategory
      : null;
  return {
    ticker: record.ticker,
    kalshi_id: record.ticker,
    title: nonEmpty(record.title) ? record.title : nonEmpty(record.yes_sub_title) ? record.yes_sub_title : record.ticker,
    category,
    status: mapStatus(record.status),
    open_time: toUtc(record.open_time),
    close_time: toUtc(record.close_time),
    expiration_time: expiration,
    settlement_time: settlementTime,
    result: mapResult(record.result),
    settled_at: toUtc(record.settlement_ts),
    updated_at: toUtc(record.updated_time),
    raw_metadata: sortedRaw(record),
    event_ticker: nonEmpty(record.event_ticker) ? record.event_ticker : null,
    series_ticker: info.seriesTicker,
    exchange_status: record.status,
    market_type: nonEmpty(record.market_type) ? record.market_type : null,
  };
}
