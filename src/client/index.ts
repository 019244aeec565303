/**
 * The secmaster consumer library: plain reads (`createSecmasterClient`), a local cache that follows
 * the change journal (`createMarketCache`) and the connector guard (`createConnectorGuard`).
 * See docs/consuming.md.
 */
export type { ChangeEvent, ChangeType, MarketAddedEvent, MarketRemovedEvent, MarketSettledEvent, MarketUpdatedEvent, RemovalReason } from '../core/events.js';
export type { Market, MarketStatus, SettlementResult } from '../core/market.js';
export { createSecmasterClient, DEFAULT_CLIENT_SEARCH_LIMIT, type SearchOptions, type SecmasterClient } from './client.js';
export { createMarketCache, type MarketCache } from './cache.js';
export { createConnectorGuard, type ConnectorGuard, type ConnectorGuardHandlers } from './guard.js';
export { checkSubscribable } from './subscribable.js';
export {
  CacheClosedError,
  ClientConfigError,
  isMarketNotActive,
  isMarketNotFound,
  isSecmasterClientError,
  MarketNotActiveError,
  MarketNotFoundError,
  SecmasterClientError,
  type ClientErrorCode,
} from './errors.js';
export {
  DEFAULT_CACHE_BATCH_SIZE,
  DEFAULT_CACHE_CHECK_INTERVAL_MS,
  DEFAULT_CLIENT_CHUNK_SIZE,
  DEFAULT_CACHE_MAX_BUFFERED,
  DEFAULT_CACHE_PULL_EXPIRES_MS,
  type MarketCacheOptions,
  type SecmasterClientOptions,
} from './options.js';
export { DEFAULT_MAX_TOMBSTONES } from './ledger.js';
export { DEFAULT_BACKOFF_MAX_MS, DEFAULT_BACKOFF_MIN_MS, type BackoffOptions } from './retry.js';
export type {
  CacheMetrics,
  MarketCacheStatus,
  ChangeCause,
  ChangeEventOf,
  ChangeListener,
  ErrorListener,
  MarketState,
  MarketTransition,
  RewarmChange,
  RewarmListener,
  RewarmReason,
  RewarmReport,
  TransitionListener,
  Unsubscribe,
} from './types.js';
