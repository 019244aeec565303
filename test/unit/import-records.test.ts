import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../src/core/errors.js';
import type { Market } from '../../src/core/market.js';
import { checkRecord, splitRecords, validateRecords } from '../../src/jobs/import.js';
import { importArgs } from '../../src/cli/commands/import.js';

function market(ticker: string, patch: Partial<Market> = {}): Market {
  return {
    ticker, kalshi_id: ticker, title: 't', category: null, status: 'active', open_time: null, close_time: '2026-12-01T00:00:00Z',
    expiration_time: null, settlement_time: null, result: null, settled_at: null, updated_at: '2026-11-24T23:55:11.226458Z',
    raw_metadata: { b: 1, a: 'x' }, event_ticker: null, series_ticker: null, exchange_status: 'active', market_type: 'binary', ...patch,
  };
}

async function* chunks(...parts: string[]): AsyncGenerator<string | Buffer> {
  for (const p of parts) yield p;
}

async function texts(...parts: string[]): Promise<string[]> {
  const out: string[] = [];
  for await (const r of splitRecords(chunks(...parts))) out.push(r.text);
  return out;
}

describe('splitRecords', () => {
  it('splits a JSON array and NDJSON alike, across chunk boundaries and inside strings', async () => {
    const a = JSON.stringify({ ticker: 'A', s: 'brace } and "quote" [' });
    const b = JSON.stringify({ ticker: 'B', nested: { x: [1, { y: 2 }] } });
    expect(await texts(`[\n${a},\n${b}\n]\n`)).toEqual([a, b]);
    expect(await texts(`${a}\n${b}\n`)).toEqual([a, b]);
    const whole = `[${a},${b}]`;
    for (let cut = 1; cut < whole.length; cut += 7) expect(await texts(whole.slice(0, cut), whole.slice(cut))).toEqual([a, b]);
    expect(await texts('[]')).toEqual([]);
    expect(await texts('\ufeff [ ]')).toEqual([]);
  });
  it('keeps multi-byte characters split between buffers', async () => {
    const a = JSON.stringify({ title: '76.99° 東京' });
    const bytes = Buffer.from(`[${a}]`);
    const out: string[] = [];
    async function* halves() {
      yield bytes.subarray(0, 10);
      yield bytes.subarray(10);
    }
    for await (const r of splitRecords(halves())) out.push(r.text);
    expect(out).toEqual([a]);
  });
  it.each([
    ['', /the input is empty/],
    ['   ', /the input is empty/],
    ['[{"a":1}', /not closed/],
    ['[{"a":1', /record 1 is cut off/],
    ['[{"a":1} {"b":2}]', /comma is missing before record 2/],
    ['[{"a":1},,{"b":2}]', /record 2 is missing/],
    ['[{"a":1},]', /comma before the closing bracket/],
    ['[1, 2]', /record 1 is not an object/],
    ['[{"a":1}] x', /more after the closing bracket/],
    ['"text"', /starts with/],
  ])('refuses %j', async (input, message) => {
    await expect(texts(input)).rejects.toThrow(message);
    await expect(texts(input)).rejects.toBeInstanceOf(BadInputError);
  });
  it('reports the line a record starts on', async () => {
    const lines: number[] = [];
    for await (const r of splitRecords(chunks('[\n{"a":1},\n\n{"b":\n2}\n]'))) lines.push(r.line);
    expect(lines).toEqual([2, 4]);
  });
});

describe('checkRecord', () => {
  const check = (value: unknown, position = 3) => checkRecord({ position, line: 9, text: typeof value === 'string' ? value : JSON.stringify(value) });
  it('accepts a Market and returns it as parsed, key order kept', () => {
    const r = check(market('KX-1'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.keys(r.market.raw_metadata)).toEqual(['b', 'a']);
  });
  it.each([
    [market('KX-1', { status: 'open' as never }), 'record 3 (ticker KX-1): field status: Invalid option: expected one of "active"|"closed"|"settled"'],
    [market('KX-1', { close_time: '2026-12-01 00:00' }), 'record 3 (ticker KX-1): field close_time: must be an RFC 3339 UTC time such as 2026-01-02T03:04:05Z'],
    [market('KX-1', { raw_metadata: [] as never }), 'record 3 (ticker KX-1): field raw_metadata: Invalid input: expected record, received array'],
    [{ ...market('KX-1'), extra: 1 }, 'record 3 (ticker KX-1): unknown field "extra"'],
    [(({ title: _t, ...rest }) => rest)(market('KX-1')), 'record 3 (ticker KX-1): field title is missing'],
    [market('KX 1'), 'record 3 (ticker KX 1): field ticker: must not contain spaces'],
    ['{"ticker": ', 'record 3 (line 9) is not valid JSON'],
  ])('names the record and the field: %#', (value, problem) => {
    const r = check(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toContain(problem);
  });
});

describe('validateRecords', () => {
  it('counts records and collects tickers', async () => {
    const input = JSON.stringify([market('A'), market('B')]);
    const r = await validateRecords(chunks(input));
    expect(r.records).toBe(2);
    expect([...r.tickers]).toEqual(['A', 'B']);
  });
  it('refuses a repeated ticker and says how many records are bad', async () => {
    const input = [market('A'), market('B', { status: 'x' as never }), market('A'), market('C', { status: 'y' as never })].map((m) => JSON.stringify(m)).join('\n');
    await expect(validateRecords(chunks(input))).rejects.toThrow(
      /^record 2 \(ticker B\): field status: .*\(2 more records are bad too\); nothing was imported/,
    );
    await expect(validateRecords(chunks([market('A'), market('A')].map((m) => JSON.stringify(m)).join('\n')))).rejects.toThrow(
      'record 2 repeats ticker A of record 1; nothing was imported',
    );
  });
});

describe('importArgs', () => {
  const exists = (p: string) => p === 'markets.json' || p === 'kalshi-file';
  it.each([
    [['kalshi-demo', 'markets.json'], { env: 'kalshi-demo', file: 'markets.json' }],
    [['kalshi-demo', '-'], { env: 'kalshi-demo', file: '-' }],
    [['kalshi-demo'], { env: 'kalshi-demo', file: '-' }],
    [['markets.json'], { env: undefined, file: 'markets.json' }],
    [['kalshi-file'], { env: undefined, file: 'kalshi-file' }],
    [['./backup/x.json'], { env: undefined, file: './backup/x.json' }],
    [['-'], { env: undefined, file: '-' }],
    [[], { env: undefined, file: '-' }],
  ])('%j', (args, expected) => {
    expect(importArgs(args[0], args[1], exists)).toEqual(expected);
  });
});
