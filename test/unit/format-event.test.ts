import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../../src/core/events.js';
import type { Market } from '../../src/core/market.js';
import { compactChanges, formatChanges, formatEvent, tickerMatcher } from '../../src/cli/format/event.js';

const base = { id: 'e:KX-1:2', env: 'e', sync_id: 'full-1', ticker: 'KX-1', version: 2, timestamp: '2026-11-25T00:30:24.123Z' };
const market = { ticker: 'KX-1', title: 'Will it rain\nin Miami?', status: 'active', category: 'Climate and Weather' } as Market;

describe('formatEvent', () => {
  it('writes one line per event type', () => {
    const events: ChangeEvent[] = [
      { ...base, type: 'market_added', version: 1, market },
      { ...base, type: 'market_updated', changes: { status: { old: 'active', new: 'closed' }, close_time: { old: '2026-12-01T07:15:10Z', new: null } }, market },
      {
        ...base,
        type: 'market_settled',
        result: 'yes',
        settled_at: '2026-11-25T01:00:00Z',
        changes: {
          status: { old: 'closed', new: 'settled' },
          result: { old: null, new: 'yes' },
          settled_at: { old: null, new: '2026-11-25T01:00:00Z' },
          exchange_status: { old: 'determined', new: 'finalized' },
          'raw_metadata.status': { old: 'determined', new: 'finalized' },
          'raw_metadata.settlement_value_dollars': { old: null, new: '1.0000' },
        },
        market,
      },
      { ...base, type: 'market_updated', changes: { updated_at: { old: 'a', new: 'b' } }, market },
      { ...base, type: 'market_removed', version: 5, reason: 'archived' },
    ];
    expect(events.map(formatEvent)).toEqual([
      '2026-11-25 00:30:24Z  added    KX-1  v1  active  Climate and Weather  Will it rain in Miami?',
      '2026-11-25 00:30:24Z  updated  KX-1  v2  status: active -> closed, close_time: 2026-12-01T07:15:10Z -> null',
      '2026-11-25 00:30:24Z  settled  KX-1  v2  result yes at 2026-11-25 01:00:00Z  raw_metadata.settlement_value_dollars: null -> 1.0000',
      '2026-11-25 00:30:24Z  updated  KX-1  v2  updated_at only',
      '2026-11-25 00:30:24Z  removed  KX-1  v5  reason archived',
    ]);
  });
  it('cuts long values and shows structured ones as JSON', () => {
    const text = formatChanges({
      'raw_metadata.rules_primary': { old: 'x'.repeat(100), new: 'short' },
      'raw_metadata.price_ranges': { old: [{ step: '0.01' }], new: [] },
    });
    expect(text).toBe(`raw_metadata.rules_primary: ${'x'.repeat(47)}… -> short, raw_metadata.price_ranges: [{"step":"0.01"}] -> []`);
  });
});

describe('compactChanges', () => {
  it('drops updated_at and raw fields mirrored by a changed Market field, keeps the rest', () => {
    const changes = {
      status: { old: 'active', new: 'closed' },
      exchange_status: { old: 'active', new: 'closed' },
      close_time: { old: 'a', new: 'b' },
      updated_at: { old: 'a', new: 'b' },
      'raw_metadata.updated_time': { old: 'a', new: 'b' },
      'raw_metadata.status': { old: 'active', new: 'closed' },
      'raw_metadata.close_time': { old: 'a', new: 'b' },
      'raw_metadata.latest_expiration_time': { old: 'a', new: 'b' },
      'raw_metadata.rules_primary': { old: 'a', new: 'b' },
    };
    expect(Object.keys(compactChanges(changes))).toEqual(['status', 'exchange_status', 'close_time', 'raw_metadata.latest_expiration_time', 'raw_metadata.rules_primary']);
    expect(Object.keys(compactChanges({ 'raw_metadata.status': { old: 'a', new: 'b' } }))).toEqual(['raw_metadata.status']);
  });
});

describe('tickerMatcher', () => {
  it('matches everything without patterns', () => expect(tickerMatcher([])('ANY')).toBe(true));
  it('takes * and ? as wildcards, case-insensitively, and nothing else as special', () => {
    const match = tickerMatcher(['KXBTCD-*', 'inx?-25']);
    expect(match('KXBTCD-25DEC31-T100000')).toBe(true);
    expect(match('kxbtcd-1')).toBe(true);
    expect(match('KXBTC-1')).toBe(false);
    expect(match('INXD-25')).toBe(true);
    expect(match('INXDD-25')).toBe(false);
    expect(tickerMatcher(['A.B'])('AXB')).toBe(false);
    expect(tickerMatcher(['A.B'])('A.B')).toBe(true);
  });
});
