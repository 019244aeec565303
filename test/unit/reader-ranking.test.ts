import { describe, expect, it } from 'vitest';
import {
  closestTickers,
  compareByExpiration,
  compareHits,
  parseHead,
  queryWords,
  searchRank,
  type MarketHead,
  type SearchHit,
} from '../../src/store/reader.js';

function head(ticker: string, patch: Partial<MarketHead> = {}): MarketHead {
  return {
    ticker, kalshi_id: ticker, title: 'Will bitcoin be above 100k?', category: 'Crypto', status: 'active', open_time: null,
    close_time: null, expiration_time: '2026-12-31T00:00:00Z', settlement_time: null, result: null, settled_at: null, updated_at: null,
    ...patch,
  };
}

describe('queryWords', () => {
  it('lower-cases, drops short and duplicate words, and words another word extends', () => {
    expect(queryWords('Bitcoin  BTC')).toEqual(['bitcoin', 'btc']);
    expect(queryWords('fed rate a')).toEqual(['fed', 'rate']);
    expect(queryWords('bit bitcoin')).toEqual(['bitcoin']);
    expect(queryWords('KXBTCD-25DEC31')).toEqual(['kxbtcd', '25dec31']);
    expect(queryWords('x')).toEqual([]);
  });
});

describe('searchRank', () => {
  const words = queryWords('kxbtcd');
  it('ranks exact ticker, then ticker prefix, then title, then other fields', () => {
    expect(searchRank('KXBTCD-1', queryWords('KXBTCD-1'), head('KXBTCD-1'))).toBe('exact');
    expect(searchRank('kxbtcd-1', queryWords('kxbtcd-1'), head('KXBTCD-1'))).toBe('exact');
    expect(searchRank('kxbtcd', words, head('KXBTCD-25DEC31-T1'))).toBe('ticker_prefix');
    expect(searchRank('bitcoin above', queryWords('bitcoin above'), head('KX-1'))).toBe('title');
    expect(searchRank('bit abo', queryWords('bit abo'), head('KX-1'))).toBe('title');
    expect(searchRank('crypto', queryWords('crypto'), head('KX-1'))).toBe('other');
  });
});

describe('compareHits', () => {
  it('orders by rank, then active first, then soonest expiration, then ticker', () => {
    const hits: SearchHit[] = [
      { rank: 'other', market: head('A') },
      { rank: 'title', market: head('B', { status: 'settled' }) },
      { rank: 'title', market: head('C', { expiration_time: '2027-01-01T00:00:00Z' }) },
      { rank: 'title', market: head('D', { expiration_time: null }) },
      { rank: 'title', market: head('E') },
      { rank: 'ticker_prefix', market: head('F') },
      { rank: 'exact', market: head('G', { status: 'closed' }) },
    ];
    expect([...hits].sort(compareHits).map((h) => h.market.ticker)).toEqual(['G', 'F', 'E', 'C', 'D', 'B', 'A']);
  });
  it('compareByExpiration puts markets without expiration last and breaks ties by ticker', () => {
    const list = [head('B'), head('A'), head('Z', { expiration_time: null }), head('C', { expiration_time: '2026-01-01T00:00:00Z' })];
    expect(list.sort(compareByExpiration).map((h) => h.ticker)).toEqual(['C', 'A', 'B', 'Z']);
  });
});

describe('closestTickers', () => {
  it('prefers the longest shared prefix, case-insensitively, and drops unrelated tickers', () => {
    expect(closestTickers('KXBTCD-25DEC31-T9', ['KXBTCD-25DEC31-T90000', 'KXBTCD-25DEC30-T1', 'INXD-1', 'KXBTCD-25DEC31-T95000'])).toEqual([
      'KXBTCD-25DEC31-T90000',
      'KXBTCD-25DEC31-T95000',
      'KXBTCD-25DEC30-T1',
    ]);
    expect(closestTickers('kxbtcd-1', ['KXBTCD-1'])).toEqual(['KXBTCD-1']);
    expect(closestTickers('ZZZ', ['AAA', 'BBB'])).toEqual([]);
    expect(closestTickers('KX', ['KXA', 'KXB', 'KXC'], 2)).toEqual(['KXA', 'KXB']);
  });
});

describe('parseHead', () => {
  it('reads the fields before raw_metadata from a cut or a whole Market JSON', () => {
    const cut = '{"ticker":"T","kalshi_id":"T","title":"x","category":null,"status":"closed","open_time":null,"close_time":null,"expiration_time":null,"settlement_time":null,"result":null,"settled_at":null,"updated_at":null}';
    expect(parseHead(cut)).toMatchObject({ ticker: 'T', status: 'closed', category: null });
    const whole = `${cut.slice(0, -1)},"raw_metadata":{"a":1},"event_ticker":"E"}`;
    expect(Object.keys(parseHead(whole))).not.toContain('raw_metadata');
  });
});
