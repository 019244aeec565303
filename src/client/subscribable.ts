import type { Market } from '../core/market.js';
import { MarketNotActiveError, MarketNotFoundError } from './errors.js';

/**
 * The seed's connector check (Connector Integration): a market can be subscribed to only when
 * secmaster knows it and it is active. Returns the market, or throws `MarketNotFoundError`
 * (`code` `MARKET_NOT_FOUND`) or `MarketNotActiveError` (`code` `MARKET_NOT_ACTIVE`, with its status).
 */
export function checkSubscribable(ticker: string, market: Market | null | undefined): Market {
  if (market === null || market === undefined) throw new MarketNotFoundError(ticker);
  if (market.status !== 'active') throw new MarketNotActiveError(ticker, market.status);
  return market;
}
