import { describe, expect, it } from 'vitest';
import type { Market } from '../../src/core/market.js';
import { groupRawMetadata, marketCard, marketCells, marketLayout, wrap } from '../../src/cli/format/market.js';
import { formatHeader, formatRow } from '../../src/cli/format/table.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function market(patch: Partial<Market> = {}): Market {
  return {
    ticker: 'KXTEMPMIAH-26AUG2414-T76.99',
    kalshi_id: 'KXTEMPMIAH-26AUG2414-T76.99',
    title: 'Will the temp in Miami be above 76.99° on Aug 24, 2026 at 2pm EDT?',
    category: 'Climate and Weather',
    status: 'active',
    open_time: '2026-11-25T11:15:10Z',
    close_time: '2026-11-25T13:15:10Z',
    expiration_time: '2026-11-25T13:20:10Z',
    settlement_time: '2026-11-25T14:20:10Z',
    result: null,
    settled_at: null,
    updated_at: '2026-11-25T11:15:12.37043Z',
    raw_metadata: {
      can_close_early: true,
      floor_strike: 76.99,
      price_ranges: [{ end: '1.0000', start: '0.0000', step: '0.0100' }],
      rules_primary: 'If the temperature recorded at Miami, FL for Aug 24, 2026 at 2 PM EDT as reported by Synoptic Data, is above 76.99°, then the market resolves to Yes.',
      settlement_timer_seconds: 3600,
      strike_type: 'greater',
      updated_time: '2026-11-25T11:15:12.37043Z',
      yes_sub_title: '77° or above',
      exchange_index: 0,
      result: '',
    },
    event_ticker: 'KXTEMPMIAH-26AUG2414',
    series_ticker: 'KXTEMPMIAH',
    exchange_status: 'active',
    market_type: 'binary',
    ...patch,
  };
}

describe('market table', () => {
  it('renders one aligned row per market, title cut to the width', () => {
    const m = market();
    const layout = marketLayout([m.ticker, 'KX-1'], ['Climate and Weather'], 130);
    expect(formatHeader(layout)).toBe(
      'TICKER                       STATUS   CATEGORY             CLOSE (UTC)   EXPIRATION (UTC)          TITLE',
    );
    const row = formatRow(layout, marketCells(m, NOW));
    expect(row).toBe('KXTEMPMIAH-26AUG2414-T76.99  active   Climate and Weather  Nov 25 13:15  Nov 25 13:20 in 1h 20m    Will the temp in Miami be abov…');
    expect(row.length).toBe(130);
  });
  it('shows dates of another year without the time', () => {
    expect(marketCells(market({ close_time: '2027-01-05T10:00:00Z' }), NOW)[3]).toBe('2027-01-05');
  });
  it('shows absent times and categories as -', () => {
    const cells = marketCells(market({ category: null, close_time: null, expiration_time: null }), NOW);
    expect(cells.slice(2, 5)).toEqual(['-', '-', '-']);
  });
  it('caps a long category column', () => {
    const layout = marketLayout(['T'], ['A category name far longer than anyone would want'], 200);
    expect(layout.columns[2]!.width).toBe(20);
  });
});

describe('wrap', () => {
  it('wraps at word boundaries and keeps paragraph breaks', () => {
    expect(wrap('one two three four five six seven eight nine ten eleven twelve', 20)).toEqual([
      'one two three four',
      'five six seven eight',
      'nine ten eleven',
      'twelve',
    ]);
    expect(wrap('first\n\nsecond', 40)).toEqual(['first', '', 'second']);
  });
});

describe('groupRawMetadata', () => {
  it('puts each raw key in one group, in a fixed group order', () => {
    const groups = groupRawMetadata(market().raw_metadata);
    expect(groups).toEqual([
      { title: 'Contract', keys: ['yes_sub_title'] },
      { title: 'Strike and prices', keys: ['floor_strike', 'price_ranges', 'strike_type'] },
      { title: 'Times', keys: ['settlement_timer_seconds', 'updated_time'] },
      { title: 'Settlement', keys: ['can_close_early', 'result'] },
      { title: 'Rules', keys: ['rules_primary'] },
      { title: 'Other', keys: ['exchange_index'] },
    ]);
  });
});

describe('marketCard', () => {
  it('shows every Market field, times with their distance from now, raw fields grouped', () => {
    const lines = marketCard(market(), NOW, 100);
    const text = lines.join('\n');
    expect(lines[0]).toBe('KXTEMPMIAH-26AUG2414-T76.99  [active]');
    expect(lines[1]).toBe('Will the temp in Miami be above 76.99° on Aug 24, 2026 at 2pm EDT?');
    for (const field of ['kalshi_id', 'category', 'status', 'result', 'market_type', 'event_ticker', 'series_ticker', 'open_time', 'close_time', 'expiration_time', 'settlement_time', 'settled_at', 'updated_at']) {
      expect(text).toMatch(new RegExp(`^  ${field} `, 'm'));
    }
    expect(text).toContain('status                    active (Kalshi: active)');
    expect(text).toContain('expiration_time           2026-11-25 13:20:10Z  in 1h 20m');
    expect(text).toContain('open_time                 2026-11-25 11:15:10Z  44m ago');
    expect(text).toContain('settled_at                -');
    expect(text).toContain('Kalshi fields (raw_metadata, 10)');
    expect(text).toContain('    price_ranges              [{"end":"1.0000","start":"0.0000","step":"0.0100"}]');
    expect(text).toContain('    result                    ""');
    // Long text is wrapped under its value, inside the width.
    const rules = lines.findIndex((l) => l.includes('rules_primary'));
    expect(lines[rules + 1]).toMatch(/^ {30}\S/);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
  });
  it('shows a settled market with its result', () => {
    const text = marketCard(market({ status: 'settled', result: 'yes', settled_at: '2026-11-25T11:00:00Z', exchange_status: 'finalized' }), NOW).join('\n');
    expect(text).toContain('[settled]');
    expect(text).toContain('status                    settled (Kalshi: finalized)');
    expect(text).toContain('result                    yes');
    expect(text).toContain('settled_at                2026-11-25 11:00:00Z  1h ago');
  });
});
