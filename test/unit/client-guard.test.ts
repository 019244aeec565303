import { describe, expect, it } from 'vitest';
import {
  checkSubscribable,
  createConnectorGuard,
  isMarketNotActive,
  isMarketNotFound,
  MarketNotActiveError,
  MarketNotFoundError,
  SecmasterClientError,
  type Market,
  type MarketCache,
  type MarketTransition,
} from '../../src/client/index.js';
import { Listeners } from '../../src/client/listeners.js';
import type { MarketStatus } from '../../src/core/market.js';

function market(ticker: string, status: MarketStatus): Market {
  return {
    ticker, kalshi_id: ticker, title: ticker, category: null, status, open_time: null, close_time: null, expiration_time: null,
    settlement_time: null, result: status === 'settled' ? 'yes' : null, settled_at: null, updated_at: null, raw_metadata: {},
    event_ticker: null, series_ticker: null, exchange_status: status, market_type: 'binary',
  };
}

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('did not throw');
}

describe('checkSubscribable', () => {
  it('returns an active market', () => {
    expect(checkSubscribable('A', market('A', 'active'))).toEqual(market('A', 'active'));
  });

  it('MarketNotFoundError for an unknown ticker', () => {
    const err = caught(() => checkSubscribable('A', undefined));
    expect(err).toBeInstanceOf(MarketNotFoundError);
    expect(err).toBeInstanceOf(SecmasterClientError);
    expect(err).toMatchObject({ name: 'MarketNotFoundError', code: 'MARKET_NOT_FOUND', ticker: 'A' });
    expect(isMarketNotFound(err)).toBe(true);
    expect(isMarketNotActive(err)).toBe(false);
    expect(caught(() => checkSubscribable('A', null))).toBeInstanceOf(MarketNotFoundError);
  });

  it.each(['closed', 'settled'] as const)('MarketNotActiveError naming the status when %s', (status) => {
    const err = caught(() => checkSubscribable('A', market('A', status)));
    expect(err).toBeInstanceOf(MarketNotActiveError);
    expect(err).toMatchObject({ name: 'MarketNotActiveError', code: 'MARKET_NOT_ACTIVE', ticker: 'A', status, message: `market A is ${status}, not active` });
    expect(isMarketNotActive(err)).toBe(true);
  });
});

describe('createConnectorGuard', () => {
  function fakeCache(markets: Record<string, Market>) {
    const listeners = new Listeners<[MarketTransition]>((err) => {
      throw err;
    });
    const cache: Pick<MarketCache, 'assertSubscribable' | 'onTransition'> = {
      assertSubscribable: (t) => checkSubscribable(t, markets[t]),
      onTransition: (l) => listeners.add(l),
    };
    const move = (ticker: string, to: MarketStatus | 'absent'): void => {
      const previous = markets[ticker];
      const next = to === 'absent' ? undefined : market(ticker, to);
      if (next) markets[ticker] = next;
      else delete markets[ticker];
      listeners.emit({ ticker, from: previous?.status ?? 'absent', to, previous, market: next, version: 2, cause: { type: 'rewarm', reason: 'stream_gap' } });
    };
    return { cache, move, listeners };
  }

  it('hooks fire for followed markets only; settled and removed ones stop being followed', () => {
    const { cache, move, listeners } = fakeCache({ A: market('A', 'active'), B: market('B', 'active'), C: market('C', 'active'), D: market('D', 'active') });
    const log: string[] = [];
    const guard = createConnectorGuard(cache, {
      onClosed: (m) => log.push(`closed ${m.ticker}`),
      onReopened: (m) => log.push(`reopened ${m.ticker}`),
      onSettled: (m, t) => log.push(`settled ${m.ticker} from ${t.from}`),
      onRemoved: (ticker) => log.push(`removed ${ticker}`),
    });
    guard.subscribe('A');
    guard.subscribe('B');
    guard.subscribe('D');
    move('A', 'closed');
    move('C', 'closed');
    move('A', 'active');
    move('A', 'settled');
    move('B', 'absent');
    move('D', 'closed');
    expect(log).toEqual(['closed A', 'reopened A', 'settled A from active', 'removed B', 'closed D']);
    expect(guard.following()).toEqual(['D']);
    expect(guard.isFollowing('A')).toBe(false);
    expect(() => guard.subscribe('A')).toThrow(MarketNotActiveError);
    expect(() => guard.subscribe('B')).toThrow(MarketNotFoundError);
    expect(guard.following()).toEqual(['D']);
    expect(guard.unsubscribe('D')).toBe(true);
    expect(guard.unsubscribe('D')).toBe(false);
    guard.close();
    expect(listeners.size).toBe(0);
  });
});

describe('Listeners', () => {
  it('a listener that throws is reported and does not stop the others', () => {
    const errors: unknown[] = [];
    const set = new Listeners<[number]>((e) => errors.push(e));
    const seen: number[] = [];
    set.add(() => {
      throw new Error('boom');
    });
    const off = set.add((n) => seen.push(n));
    set.emit(1);
    off();
    set.emit(2);
    expect(seen).toEqual([1]);
    expect(errors).toHaveLength(2);
  });
});
