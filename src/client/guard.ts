/**
 * The connector side of the seed (Connector Integration, Expiration Handling): check a market
 * before subscribing, then hear when a followed market closes, settles or leaves secmaster.
 */
import type { Market } from '../core/market.js';
import type { MarketCache } from './cache.js';
import type { MarketTransition, Unsubscribe } from './types.js';

export interface ConnectorGuardHandlers {
  /** A followed market closed (trading stopped; Kalshi may reopen it, so it stays followed). */
  onClosed?(market: Market, transition: MarketTransition): void;
  /** A followed market is active again after being closed or paused. */
  onReopened?(market: Market, transition: MarketTransition): void;
  /** A followed market settled: unsubscribe. It is no longer followed. */
  onSettled?(market: Market, transition: MarketTransition): void;
  /** A followed market left secmaster (archived or delisted): unsubscribe. It is no longer followed. */
  onRemoved?(ticker: string, transition: MarketTransition): void;
}

export interface ConnectorGuard {
  /**
   * The seed's `subscribe` check: returns the market when it is active and follows it from then
   * on; throws `MarketNotFoundError` or `MarketNotActiveError` (and follows nothing) otherwise.
   */
  subscribe(ticker: string): Market;
  /** Stops following a ticker; returns whether it was followed. */
  unsubscribe(ticker: string): boolean;
  isFollowing(ticker: string): boolean;
  following(): string[];
  /** Stops listening to the cache. */
  close(): void;
}

export function createConnectorGuard(
  cache: Pick<MarketCache, 'assertSubscribable' | 'onTransition'>,
  handlers: ConnectorGuardHandlers,
): ConnectorGuard {
  const followed = new Set<string>();
  const onTransition = (t: MarketTransition): void => {
    if (!followed.has(t.ticker)) return;
    if (t.to === 'settled' && t.market) {
      followed.delete(t.ticker);
      handlers.onSettled?.(t.market, t);
    } else if (t.to === 'absent') {
      followed.delete(t.ticker);
      handlers.onRemoved?.(t.ticker, t);
    } else if (t.to === 'closed' && t.market) {
      handlers.onClosed?.(t.market, t);
    } else if (t.to === 'active' && t.market) {
      handlers.onReopened?.(t.market, t);
    }
  };
  let stop: Unsubscribe | null = cache.onTransition(onTransition);

  return {
    subscribe(ticker) {
      const market = cache.assertSubscribable(ticker);
      followed.add(ticker);
      return market;
    },
    unsubscribe(ticker) {
      return followed.delete(ticker);
    },
    isFollowing(ticker) {
      return followed.has(ticker);
    },
    following() {
      return [...followed].sort();
    },
    close() {
      stop?.();
      stop = null;
      followed.clear();
    },
  };
}
