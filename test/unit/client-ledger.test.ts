import { describe, expect, it } from 'vitest';
import { MarketLedger, transitionOf, verdict, type Verdict } from '../../src/client/ledger.js';
import type { Market, MarketStatus } from '../../src/core/market.js';
import type { RewarmChange } from '../../src/client/index.js';

function market(ticker: string, status: MarketStatus = 'active', title = ticker): Market {
  return {
    ticker, kalshi_id: ticker, title, category: null, status, open_time: null, close_time: null, expiration_time: null,
    settlement_time: null, result: null, settled_at: null, updated_at: null, raw_metadata: {}, event_ticker: null,
    series_ticker: null, exchange_status: status, market_type: 'binary',
  };
}

describe('verdict', () => {
  const table: [held: number | undefined, version: number, firstIsNew: boolean, expected: Verdict][] = [
    [3, 4, false, 'apply'],
    [3, 3, false, 'stale'],
    [3, 1, true, 'stale'],
    [3, 5, false, 'gap'],
    [3, 9, true, 'gap'],
    [undefined, 1, true, 'apply'],
    [undefined, 1, false, 'unknown'],
    [undefined, 2, true, 'unknown'],
    [0, 1, false, 'apply'],
  ];
  it.each(table)('held %s, event v%i, firstIsNew %s -> %s', (held, version, firstIsNew, expected) => {
    expect(verdict(held, version, firstIsNew)).toBe(expected);
  });
});

describe('transitionOf', () => {
  const cause = { type: 'rewarm', reason: 'version_gap' } as const;
  it('reports status and presence changes only', () => {
    expect(transitionOf('A', market('A'), market('A', 'active', 'renamed'), 2, cause)).toBeNull();
    expect(transitionOf('A', market('A'), market('A', 'closed'), 2, cause)).toMatchObject({ from: 'active', to: 'closed', version: 2 });
    expect(transitionOf('A', undefined, market('A'), 1, cause)).toMatchObject({ from: 'absent', to: 'active' });
    expect(transitionOf('A', market('A', 'settled'), undefined, 5, cause)).toMatchObject({ from: 'settled', to: 'absent' });
    expect(transitionOf('A', undefined, undefined, 5, cause)).toBeNull();
  });
});

describe('MarketLedger', () => {
  it('holds live markets and remembers removed tickers with their version', () => {
    const ledger = new MarketLedger();
    expect(ledger.set('A', 1, market('A'))).toBeUndefined();
    ledger.set('B', 1, market('B'));
    expect(ledger.set('A', 2, null)).toEqual(market('A'));
    expect(ledger.size).toBe(1);
    expect(ledger.get('A')).toBeUndefined();
    expect(ledger.version('A')).toBe(2);
    expect(ledger.verdict({ ticker: 'A', version: 3 }, false)).toBe('apply');
    expect(ledger.verdict({ ticker: 'A', version: 2 }, true)).toBe('stale');
    ledger.set('A', 3, market('A'));
    expect(ledger.size).toBe(2);
    expect([...ledger.tickers()].sort()).toEqual(['A', 'B']);
  });

  it('forgets the oldest tombstones beyond its limit', () => {
    const ledger = new MarketLedger(2);
    for (const t of ['A', 'B', 'C']) ledger.set(t, 4, null);
    expect(ledger.version('A')).toBeUndefined();
    expect(ledger.version('B')).toBe(4);
    expect(ledger.version('C')).toBe(4);
  });

  it('install keeps what is newer and reports what changed', () => {
    const ledger = new MarketLedger();
    ledger.set('A', 5, market('A'));
    expect(ledger.install({ ticker: 'A', version: 4, market: market('A', 'closed') })).toBeNull();
    expect(ledger.install({ ticker: 'A', version: 7, market: market('A', 'closed') })).toEqual({ ticker: 'A', previous: market('A'), market: market('A', 'closed'), version: 7 });
    expect(ledger.install({ ticker: 'Z', version: 3, market: null })).toBeNull();
    expect(ledger.version('Z')).toBe(3);
    expect(ledger.install({ ticker: 'Y', version: 0, market: null })).toBeNull();
    expect(ledger.version('Y')).toBeUndefined();
    expect(ledger.install({ ticker: 'A', version: 8, market: null })).toMatchObject({ ticker: 'A', market: undefined, version: 8 });
    expect(ledger.size).toBe(0);
  });

  it('a full snapshot replaces everything, also with lower versions, and reports the differences', () => {
    const ledger = new MarketLedger();
    ledger.set('A', 5, market('A'));
    ledger.set('B', 2, market('B'));
    ledger.set('C', 9, null);
    const changes: RewarmChange[] = [];
    const seen = new Set<string>();
    ledger.installSnapshot([
      { ticker: 'A', version: 5, market: market('A') },
      { ticker: 'B', version: 1, market: market('B', 'closed') },
      { ticker: 'D', version: 1, market: market('D') },
      { ticker: 'E', version: 3, market: null },
    ], seen, changes);
    ledger.finishSnapshot(seen, changes);
    expect(changes.map((c) => `${c.ticker}:${c.previous?.status ?? '-'}->${c.market?.status ?? '-'}@${c.version}`)).toEqual(['B:active->closed@1', 'D:-->active@1']);
    expect(ledger.version('C')).toBeUndefined();
    expect(ledger.version('B')).toBe(1);
    expect(ledger.size).toBe(3);

    const seen2 = new Set<string>();
    const changes2: RewarmChange[] = [];
    ledger.installSnapshot([{ ticker: 'A', version: 5, market: market('A') }], seen2, changes2);
    ledger.finishSnapshot(seen2, changes2);
    expect(changes2.map((c) => `${c.ticker}->${c.market?.status ?? 'absent'}`).sort()).toEqual(['B->absent', 'D->absent']);
    expect(ledger.size).toBe(1);
  });

  it('samples the first live tickers plus the given ones', () => {
    const ledger = new MarketLedger();
    for (const t of ['A', 'B', 'C', 'D']) ledger.set(t, 1, market(t));
    expect([...ledger.sample(2, ['D', 'X']).keys()]).toEqual(['A', 'B', 'D']);
  });
});
