/** The contract's Market (CONTRACT section 4), as stored in Redis and carried by events. */
export type MarketStatus = 'active' | 'closed' | 'settled';
export type SettlementResult = 'yes' | 'no' | 'scalar';

export const MARKET_STATUSES: readonly MarketStatus[] = ['active', 'closed', 'settled'];

export interface Market {
  ticker: string;
  kalshi_id: string;
  title: string;
  category: string | null;
  status: MarketStatus;
  open_time: string | null;
  close_time: string | null;
  expiration_time: string | null;
  settlement_time: string | null;
  result: SettlementResult | null;
  settled_at: string | null;
  updated_at: string | null;
  raw_metadata: Record<string, unknown>;
  event_ticker: string | null;
  series_ticker: string | null;
  exchange_status: string;
  market_type: string | null;
}

/** Field order of the serialised Market; JSON is always written in this order so equal markets are equal strings. */
export const MARKET_FIELDS = [
  'ticker',
  'kalshi_id',
  'title',
  'category',
  'status',
  'open_time',
  'close_time',
  'expiration_time',
  'settlement_time',
  'result',
  'settled_at',
  'updated_at',
  'raw_metadata',
  'event_ticker',
  'series_ticker',
  'exchange_status',
  'market_type',
] as const satisfies readonly (keyof Market)[];

export type MarketField = (typeof MARKET_FIELDS)[number];
