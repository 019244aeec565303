/**
 * The core's view of Kalshi's wire records, after the adapter (src/kalshi) validated them.
 * Only the fields secmaster reads are typed; everything else is kept as received.
 */
export interface KalshiMarketRecord {
  ticker: string;
  event_ticker: string;
  status: string;
  title?: string | null;
  yes_sub_title?: string | null;
  no_sub_title?: string | null;
  market_type?: string | null;
  open_time?: string | null;
  close_time?: string | null;
  expected_expiration_time?: string | null;
  latest_expiration_time?: string | null;
  expiration_time?: string | null;
  settlement_timer_seconds?: number | null;
  result?: string | null;
  settlement_ts?: string | null;
  updated_time?: string | null;
  created_time?: string | null;
  mve_collection_ticker?: string | null;
  [key: string]: unknown;
}

export interface KalshiEventRecord {
  event_ticker: string;
  series_ticker: string | null;
  /** Deprecated by Kalshi but still sent; used when the series has no category. */
  category?: string | null;
  title?: string | null;
  [key: string]: unknown;
}

export interface KalshiSeriesRecord {
  ticker: string;
  category?: string | null;
  title?: string | null;
  [key: string]: unknown;
}

/** `GET /historical/cutoff`; RFC 3339 strings. */
export interface KalshiHistoricalCutoff {
  market_settled_ts: string | null;
  [key: string]: unknown;
}

export interface KalshiExchangeStatus {
  exchange_active: boolean;
  trading_active: boolean;
  [key: string]: unknown;
}
