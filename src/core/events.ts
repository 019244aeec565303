import type { Changes } from './diff.js';
import type { Market, SettlementResult } from './market.js';

export type RemovalReason = 'archived' | 'delisted';

interface EventBase {
  id: string;
  env: string;
  sync_id: string;
  ticker: string;
  version: number;
  timestamp: string;
}

export interface MarketAddedEvent extends EventBase {
  type: 'market_added';
  market: Market;
}

export interface MarketUpdatedEvent extends EventBase {
  type: 'market_updated';
  changes: Changes;
  market: Market;
}

export interface MarketSettledEvent extends EventBase {
  type: 'market_settled';
  result: SettlementResult | null;
  settled_at: string | null;
  changes: Changes;
  market: Market;
}

export interface MarketRemovedEvent extends EventBase {
  type: 'market_removed';
  reason: RemovalReason;
}

/** The change journal's events (CONTRACT section 5). */
export type ChangeEvent = MarketAddedEvent | MarketUpdatedEvent | MarketSettledEvent | MarketRemovedEvent;
export type ChangeType = ChangeEvent['type'];
export const CHANGE_TYPES: readonly ChangeType[] = ['market_added', 'market_updated', 'market_settled', 'market_removed'];

/** Serialises with `type` first and a fixed field order, so bodies are byte-stable. */
export function serializeEvent(event: ChangeEvent): string {
  const { type, ticker, ...rest } = event;
  return JSON.stringify({ type, ticker, ...rest });
}
