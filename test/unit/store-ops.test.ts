import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/diff.js';
import type { KalshiMarketRecord } from '../../src/core/kalshi.js';
import { normalizeMarket } from '../../src/core/normalize.js';
import { planRemoval, planUpsert, type PlanContext } from '../../src/core/plan.js';
import { encodeOp } from '../../src/store/redis-store.js';

const ctx: PlanContext = { env: 'e', syncId: 's', timestamp: '2026-11-25T00:00:00Z' };
const record: KalshiMarketRecord = {
  ticker: 'KXTEST-1',
  event_ticker: 'KXTEST',
  status: 'active',
  title: 'Will it rain?',
  expected_expiration_time: '2026-12-01T00:00:00Z',
};
const info = { seriesTicker: 'KXT', seriesCategory: 'Climate and Weather', eventCategory: null };

describe('the commit operation a write becomes (no server)', () => {
  it('an add joins its category, the expiring set and the search terms', () => {
    const m = normalizeMarket(record, info);
    const op = JSON.parse(encodeOp(planUpsert(ctx, undefined, null, m)!)) as Record<string, unknown>;
    expect(op).toEqual({
      t: 'climate-and-weather',
      n: 'Climate and Weather',
      s: Date.parse('2026-12-01T00:00:00Z') / 1000,
      wa: ['and', 'climate', 'it', 'kxt', 'kxtest', 'kxtest-1', 'rain', 'weather', 'will'],
    });
  });

  it('a settlement leaves the expiring set and keeps the category', () => {
    const m = normalizeMarket(record, info);
    const settled = normalizeMarket({ ...record, status: 'finalized', result: 'yes', settlement_ts: '2026-12-01T00:05:00Z' }, info);
    const entry = { version: 1, state: 'active' as const, fingerprint: fingerprint(m), settledEpoch: null };
    const op = JSON.parse(encodeOp(planUpsert(ctx, entry, m, settled)!)) as Record<string, unknown>;
    expect(op).toEqual({ f: 'climate-and-weather', t: 'climate-and-weather', n: 'Climate and Weather' });
  });

  it('a removal deletes the market and leaves every index; nulls are never encoded', () => {
    const m = normalizeMarket(record, info);
    const entry = { version: 3, state: 'active' as const, fingerprint: fingerprint(m), settledEpoch: null };
    const encoded = encodeOp(planRemoval(ctx, entry, m, m.ticker, 'delisted'));
    expect(encoded).not.toContain('null');
    expect(JSON.parse(encoded)).toEqual({ d: true, f: 'climate-and-weather', wr: ['and', 'climate', 'it', 'kxt', 'kxtest', 'kxtest-1', 'rain', 'weather', 'will'] });
  });
});
