import { describe, expect, it } from 'vitest';
import { decodeEvent } from '../../src/client/decode.js';

const market = { ticker: 'A', status: 'active' };
const base = { ticker: 'A', id: 'e:A:2', env: 'e', sync_id: 's', version: 2, timestamp: '2026-01-01T00:00:00Z' };

describe('decodeEvent', () => {
  it('accepts the four event types', () => {
    for (const body of [
      { type: 'market_added', ...base, market },
      { type: 'market_updated', ...base, changes: {}, market },
      { type: 'market_settled', ...base, result: 'yes', settled_at: null, changes: {}, market: { ...market, status: 'settled' } },
      { type: 'market_removed', ...base, reason: 'archived' },
    ]) {
      const d = decodeEvent(JSON.stringify(body));
      expect(d.ok, JSON.stringify(body)).toBe(true);
    }
  });

  it.each([
    ['not json', 'not JSON', null],
    ['[1,2]', 'not a JSON object', null],
    [JSON.stringify({ type: 'market_added', version: 1 }), 'no ticker', null],
    [JSON.stringify({ ...base, type: 'market_renamed' }), 'unknown type "market_renamed"', 'A'],
    [JSON.stringify({ ...base, type: 'market_removed', version: 0 }), 'version is not a positive integer', 'A'],
    [JSON.stringify({ ...base, type: 'market_removed', version: '2' }), 'version is not a positive integer', 'A'],
    [JSON.stringify({ ...base, type: 'market_updated' }), 'market is missing or does not match the ticker', 'A'],
    [JSON.stringify({ ...base, type: 'market_added', market: { ...market, ticker: 'B' } }), 'market is missing or does not match the ticker', 'A'],
    [JSON.stringify({ ...base, type: 'market_added', market: { ...market, status: 'open' } }), 'market is missing or does not match the ticker', 'A'],
  ])('rejects %s', (body, reason, ticker) => {
    expect(decodeEvent(body)).toEqual({ ok: false, reason, ticker });
  });
});
