import { describe, expect, it } from 'vitest';
import { diffMarkets, fingerprint, serializeMarket } from '../../src/core/diff.js';
import { decodeIndexEntry, encodeIndexEntry, type IndexEntry } from '../../src/core/index-entry.js';
import type { KalshiMarketRecord } from '../../src/core/kalshi.js';
import type { Market } from '../../src/core/market.js';
import { normalizeMarket } from '../../src/core/normalize.js';
import { exceedsRemovalGuard, isArchivable, planRemoval, planUpsert, type PlanContext } from '../../src/core/plan.js';
import { fixture } from '../helpers/fixtures.js';

const ctx: PlanContext = { env: 'test-env', syncId: 'full-1', timestamp: '2026-11-25T10:00:00Z' };
const capture = fixture<{ markets: KalshiMarketRecord[] }>('event_with_markets.json');
const info = { seriesTicker: 'KXDFBPOKALTEAMTOTAL', seriesCategory: 'Sports', eventCategory: 'Sports' };
const active = capture.markets.find((m) => m.status === 'active')!;

function build(patch: Partial<KalshiMarketRecord> = {}): Market {
  return normalizeMarket({ ...active, ...patch }, info);
}

function entryFor(m: Market, version = 1): IndexEntry {
  return { version, state: m.status, fingerprint: fingerprint(m), settledEpoch: null };
}

describe('fingerprint', () => {
  it('ignores trading fields, updated_at and raw updated_time', () => {
    const a = build();
    const b = build({ yes_bid_dollars: '0.9900', volume_fp: '123456.00', last_price_dollars: '0.5000', updated_time: '2030-01-01T00:00:00Z' });
    expect(fingerprint(b)).toBe(fingerprint(a));
  });
  it('changes with any security-master field', () => {
    expect(fingerprint(build({ close_time: '2026-08-24T20:00:00Z' }))).not.toBe(fingerprint(build()));
    expect(fingerprint(build({ rules_primary: 'new rules' }))).not.toBe(fingerprint(build()));
  });
});

describe('planUpsert', () => {
  it('adds a ticker the cache does not hold, at version 1', () => {
    const m = build();
    const w = planUpsert(ctx, undefined, null, m)!;
    expect(w.kind).toBe('added');
    expect(w.event).toEqual({ type: 'market_added', ticker: m.ticker, id: `test-env:${m.ticker}:1`, env: 'test-env', sync_id: 'full-1', version: 1, timestamp: ctx.timestamp, market: m });
    expect(w.categoryTo).toBe('sports');
    expect(w.categoryFrom).toBeNull();
    expect(w.expiring).toBe(Date.parse(m.expiration_time!) / 1000);
    expect(JSON.parse(w.marketJson!)).toEqual(m);
  });

  it('writes nothing for a price-only change', () => {
    const m = build();
    expect(planUpsert(ctx, entryFor(m), m, build({ yes_ask_dollars: '0.0100', open_interest_fp: '1.00' }))).toBeNull();
  });

  it('writes nothing when only updated_at moved', () => {
    const m = build();
    expect(planUpsert(ctx, entryFor(m), m, build({ updated_time: '2031-01-01T00:00:00Z' }))).toBeNull();
  });

  it('reports changed fields, raw keys one by one, and bumps the version', () => {
    const m = build();
    const next = build({ status: 'inactive', rules_secondary: 'paused for review' });
    const w = planUpsert(ctx, entryFor(m, 4), m, next)!;
    expect(w.kind).toBe('updated');
    expect(w.index.version).toBe(5);
    expect(w.event.type).toBe('market_updated');
    if (w.event.type !== 'market_updated') throw new Error('unreachable');
    expect(w.event.changes).toEqual({
      status: { old: 'active', new: 'closed' },
      exchange_status: { old: 'active', new: 'inactive' },
      'raw_metadata.rules_secondary': { old: active.rules_secondary, new: 'paused for review' },
      'raw_metadata.status': { old: 'active', new: 'inactive' },
    });
  });

  it('emits market_settled when the status becomes settled, and leaves the expiring set', () => {
    const m = build();
    const next = build({ status: 'finalized', result: 'no', settlement_ts: '2026-08-24T19:10:00.5Z' });
    const w = planUpsert(ctx, entryFor(m, 2), m, next)!;
    expect(w.kind).toBe('settled');
    expect(w.expiring).toBeNull();
    expect(w.index).toMatchObject({ version: 3, state: 'settled', settledEpoch: Date.parse('2026-08-24T19:10:00.5Z') / 1000 | 0 });
    expect(w.event).toMatchObject({ type: 'market_settled', result: 'no', settled_at: '2026-08-24T19:10:00.5Z', version: 3 });
  });

  it('re-adds a removed ticker with the next version, not 1', () => {
    const m = build();
    const tomb: IndexEntry = { version: 7, state: 'removed', fingerprint: '', settledEpoch: null };
    const w = planUpsert(ctx, tomb, null, m)!;
    expect(w.kind).toBe('added');
    expect(w.event.version).toBe(8);
  });

  it('moves a market between category sets', () => {
    const m = build();
    const moved = normalizeMarket(active, { ...info, seriesCategory: 'Science and Technology' });
    const w = planUpsert(ctx, entryFor(m), m, moved)!;
    expect(w.categoryFrom).toBe('sports');
    expect(w.categoryTo).toBe('science-and-technology');
  });
});

describe('planRemoval and guards', () => {
  it('tombstones the index and reports the reason', () => {
    const m = build();
    const w = planRemoval(ctx, entryFor(m, 3), m, m.ticker, 'delisted');
    expect(w.marketJson).toBeNull();
    expect(w.index).toEqual({ version: 4, state: 'removed', fingerprint: '', settledEpoch: null });
    expect(w.event).toEqual({ type: 'market_removed', ticker: m.ticker, id: `test-env:${m.ticker}:4`, env: 'test-env', sync_id: 'full-1', version: 4, timestamp: ctx.timestamp, reason: 'delisted' });
    expect(w.categoryFrom).toBe('sports');
  });

  it.each([
    [1000, 2000, 3600, null, false],
    [1000, 5000, 3600, null, true],
    [1000, 2000, 3600, 1500, true],
    [null, 9999, 1, 5000, false],
  ])('isArchivable(settled=%s, now=%s, retention=%s, cutoff=%s) = %s', (settled, now, retention, cutoff, expected) => {
    expect(isArchivable(settled, now, retention, cutoff)).toBe(expected);
  });

  it.each([
    [10, 50, false],
    [11, 50, true],
    [100, 1000, false],
    [101, 1000, true],
  ])('removing %s of %s cached: refused=%s', (removals, cached, refused) => {
    expect(exceedsRemovalGuard(removals, cached, { maxShare: 0.1, allowance: 10 })).toBe(refused);
  });
});

describe('serialisation', () => {
  it('round-trips index entries', () => {
    const e: IndexEntry = { version: 12, state: 'settled', fingerprint: 'abc123', settledEpoch: 1764000000 };
    expect(decodeIndexEntry(encodeIndexEntry(e))).toEqual(e);
    expect(decodeIndexEntry('garbage')).toBeNull();
  });
  it('writes Market fields in contract order', () => {
    expect(Object.keys(JSON.parse(serializeMarket(build())))).toEqual([
      'ticker', 'kalshi_id', 'title', 'category', 'status', 'open_time', 'close_time', 'expiration_time', 'settlement_time',
      'result', 'settled_at', 'updated_at', 'raw_metadata', 'event_ticker', 'series_ticker', 'exchange_status', 'market_type',
    ]);
  });
  it('diff reports a key present on one side only', () => {
    const a = build();
    const b = build({ brand_new_field: 'x' });
    expect(diffMarkets(a, b)).toEqual({ 'raw_metadata.brand_new_field': { old: null, new: 'x' } });
  });
});
