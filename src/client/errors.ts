/**
 * The consumer library's errors. Match on `code` (stable), never on the message text.
 */
import type { MarketStatus } from '../core/market.js';

export type ClientErrorCode =
  | 'MARKET_NOT_FOUND'
  | 'MARKET_NOT_ACTIVE'
  | 'CACHE_CLOSED'
  | 'CLIENT_CONFIG';

export class SecmasterClientError extends Error {
  override name = 'SecmasterClientError';
  readonly code: ClientErrorCode;

  constructor(code: ClientErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The seed's `MarketNotFound`: secmaster does not know the ticker (never listed, or removed). */
export class MarketNotFoundError extends SecmasterClientError {
  override name = 'MarketNotFoundError';
  readonly ticker: string;

  constructor(ticker: string, options?: ErrorOptions) {
    super('MARKET_NOT_FOUND', `market ${ticker} is not in the security master (never listed, or removed)`, options);
    this.ticker = ticker;
  }
}

/** The seed's `MarketNotActive`: the market exists but is closed or settled, so there is nothing to subscribe to. */
export class MarketNotActiveError extends SecmasterClientError {
  override name = 'MarketNotActiveError';
  readonly ticker: string;
  readonly status: Exclude<MarketStatus, 'active'>;

  constructor(ticker: string, status: Exclude<MarketStatus, 'active'>, options?: ErrorOptions) {
    super('MARKET_NOT_ACTIVE', `market ${ticker} is ${status}, not active`, options);
    this.ticker = ticker;
    this.status = status;
  }
}

/** The cache was closed before it became ready, or used after `close()`. */
export class CacheClosedError extends SecmasterClientError {
  override name = 'CacheClosedError';
  constructor(message = 'the market cache was closed', options?: ErrorOptions) {
    super('CACHE_CLOSED', message, options);
  }
}

/** Bad options passed to a factory (an invalid ENV, a non-positive size). */
export class ClientConfigError extends SecmasterClientError {
  override name = 'ClientConfigError';
  constructor(message: string, options?: ErrorOptions) {
    super('CLIENT_CONFIG', message, options);
  }
}

export function isMarketNotFound(err: unknown): err is MarketNotFoundError {
  return err instanceof SecmasterClientError && err.code === 'MARKET_NOT_FOUND';
}

export function isMarketNotActive(err: unknown): err is MarketNotActiveError {
  return err instanceof SecmasterClientError && err.code === 'MARKET_NOT_ACTIVE';
}

export function isSecmasterClientError(err: unknown): err is SecmasterClientError {
  return err instanceof SecmasterClientError;
}
