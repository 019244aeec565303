import { describe, expect, it } from 'vitest';
import { formatDuration, formatInstant, formatMinute, formatRelative, formatSpan, formatWhen } from '../../src/cli/format/time.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('formatInstant / formatMinute', () => {
  it.each([
    ['2026-11-29T10:15:10Z', '2026-11-29 10:15:10Z', '2026-11-29 10:15'],
    ['2026-11-24T23:55:11.226458Z', '2026-11-24 23:55:11Z', '2026-11-24 23:55'],
    ['2026-11-24T18:55:11-05:00', '2026-11-24 23:55:11Z', '2026-11-24 23:55'],
    [null, '-', '-'],
    ['', '-', '-'],
    ['not a time', '-', '-'],
  ])('%s', (iso, instant, minute) => {
    expect(formatInstant(iso)).toBe(instant);
    expect(formatMinute(iso)).toBe(minute);
  });
});

describe('formatSpan', () => {
  it.each([
    [0, '0s'],
    [59_999, '59s'],
    [60_000, '1m'],
    [59 * 60_000, '59m'],
    [3_600_000, '1h'],
    [3_600_000 + 5 * 60_000, '1h 05m'],
    [86_400_000 - 1, '23h 59m'],
    [86_400_000, '1d'],
    [4 * 86_400_000 + 9 * 3_600_000 + 59 * 60_000, '4d 9h'],
    [-90_000, '1m'],
  ])('%d ms -> %s', (ms, text) => expect(formatSpan(ms)).toBe(text));
});

describe('formatRelative / formatWhen', () => {
  it('says in, ago and now, and nothing for an absent time', () => {
    expect(formatRelative('2026-11-29T21:30:00Z', NOW)).toBe('in 4d 9h');
    expect(formatRelative('2026-11-25T11:48:00Z', NOW)).toBe('12m ago');
    expect(formatRelative('2026-11-25T12:00:00.400Z', NOW)).toBe('now');
    expect(formatRelative(null, NOW)).toBe('');
    expect(formatWhen('2026-11-25T14:00:00Z', NOW)).toBe('2026-11-25 14:00:00Z (in 2h)');
    expect(formatWhen(null, NOW)).toBe('-');
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [850, '850ms'],
    [1_234, '1.2s'],
    [59_000, '59.0s'],
    [185_000, '3m 05s'],
    [2 * 3_600_000 + 10 * 60_000, '2h 10m'],
    [-1, '-'],
    [Number.NaN, '-'],
  ])('%d ms -> %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});
