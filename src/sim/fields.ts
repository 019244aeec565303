/** Fields that trading changes all the time; they never bump `updated_time` (facts sheet §5). */
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
]);

/** Fields only the lifecycle itself may change, never a metadata patch. */
export const LIFECYCLE_FIELDS: ReadonlySet<string> = new Set([
  'ticker',
  'event_ticker',
  'status',
  'result',
  'created_time',
  'updated_time',
  'settlement_ts',
  'settlement_value_dollars',
  'mve_collection_ticker',
]);

/** Whole and fractional dollar strings as Kalshi writes them ("0.5600"). */
export function dollars(value: number): string {
  return value.toFixed(4);
}

/** Contract counts as Kalshi writes them ("10.00"). */
export function fp(value: number): string {
  return value.toFixed(2);
}
