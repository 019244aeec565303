/** Kalshi's response vocabulary for `Market.status` (not the `status` query filter's). */
export type MarketStatus =
  | 'initialized'
  | 'active'
  | 'inactive'
  | 'closed'
  | 'determined'
  | 'disputed'
  | 'amended'
  | 'finalized';

export type MarketResult = 'yes' | 'no' | 'scalar';

/** Kalshi's `status` query filter vocabulary. */
export type StatusFilter = 'unopened' | 'open' | 'paused' | 'closed' | 'settled';
export type MveFilter = 'only' | 'exclude';

export interface PriceRange {
  end: string;
  start: string;
  step: string;
}

export interface MveLeg {
  event_ticker: string;
  market_ticker: string;
  side: 'yes' | 'no';
}

export interface SettlementSource {
  name: string;
  url: string;
}

/**
 * A market exactly as Kalshi serves it. Keys are kept in alphabetical order, as in the
 * captures, so serialising the object gives the same field order as the real API.
 */
export interface SimMarket {
  ticker: string;
  event_ticker: string;
  status: MarketStatus;
  created_time: string;
  updated_time: string;
  open_time: string;
  close_time: string;
  result: MarketResult | '';
  settlement_ts?: string;
  mve_collection_ticker?: string;
  [key: string]: unknown;
}

export interface SimEvent {
  event_ticker: string;
  series_ticker: string;
  title: string;
  sub_title: string;
  /** Deprecated by Kalshi but still sent. */
  category?: string;
  last_updated_ts: string;
  [key: string]: unknown;
}

export interface SimSeries {
  ticker: string;
  title: string;
  category: string;
  frequency: string;
  tags: string[] | null;
  [key: string]: unknown;
}

export interface ExchangeStatus {
  exchange_active: boolean;
  trading_active: boolean;
}
