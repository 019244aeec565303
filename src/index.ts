/**
 * The secmaster package: the consumer library (client, cache, connector guard) and the
 * contract's types. The CLI is the `secmaster` binary.
 */
export * from './client/index.js';
export type { Market, MarketStatus, SettlementResult } from './core/market.js';
export type {
  ChangeEvent,
  ChangeType,
  MarketAddedEvent,
  MarketRemovedEvent,
  MarketSettledEvent,
  MarketUpdatedEvent,
  RemovalReason,
} from './core/events.js';
export { CHANGE_TYPES } from './core/events.js';
export { categorySlug, changesSubject, defaultStreamName, keys } from './core/keys.js';
