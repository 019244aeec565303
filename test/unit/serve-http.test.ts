import { describe, expect, it } from 'vitest';
import type { SyncReport } from '../../src/core/report.js';
import { HttpError, tokensMatch } from '../../src/serve/http.js';
import { parseListQuery, syncStatusCode } from '../../src/serve/server.js';
import { parseStatuses, parseWithin } from '../../src/cli/commands/list.js';
import { parseTypes, startFrom } from '../../src/cli/commands/watch.js';

describe('parseListQuery', () => {
  it('turns query parameters into a reader filter', () => {
    const q = parseListQuery(new URLSearchParams('category=politics&status=active,closed&expiring_within=24h&event=E&series=S&limit=5'));
    expect(q).toEqual({
      filter: { category: 'politics', status: ['active', 'closed'], expiringWithinMs: 86_400_000, eventTicker: 'E', seriesTicker: 'S' },
      limit: 5,
    });
    expect(parseListQuery(new URLSearchParams(''))).toEqual({ filter: {}, limit: 0 });
  });
  it.each([
    ['status=open', /status must be active, closed, settled/],
    ['expiring_within=soon', /expiring_within must be a duration/],
    ['limit=-1', /limit must be a whole number/],
    ['limit=2.5', /limit must be a whole number/],
    ['expiring=24h', /unknown query parameter "expiring"/],
  ])('refuses %s with a 400', (query, message) => {
    let error: unknown;
    try {
      parseListQuery(new URLSearchParams(query));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(400);
    expect((error as HttpError).message).toMatch(message);
  });
});

describe('syncStatusCode', () => {
  const r = (patch: Partial<SyncReport>) => ({ status: 'success', ...patch }) as SyncReport;
  it('maps outcomes to HTTP statuses', () => {
    expect(syncStatusCode(r({}))).toBe(200);
    expect(syncStatusCode(r({ status: 'skipped', skipped: 'locked' }))).toBe(409);
    expect(syncStatusCode(r({ status: 'skipped', skipped: 'exchange_closed' }))).toBe(200);
    expect(syncStatusCode(r({ status: 'failed', error: { code: 'GUARD_REFUSED', message: '' } }))).toBe(422);
    expect(syncStatusCode(r({ status: 'failed', error: { code: 'UPSTREAM', message: '' } }))).toBe(502);
    expect(syncStatusCode(r({ status: 'failed', error: { code: 'STORE', message: '' } }))).toBe(503);
    expect(syncStatusCode(r({ status: 'failed', error: { code: 'INTERNAL', message: '' } }))).toBe(500);
  });
});

describe('tokensMatch', () => {
  it('compares whole tokens', () => {
    expect(tokensMatch('0123456789abcdef', '0123456789abcdef')).toBe(true);
    expect(tokensMatch('0123456789abcde', '0123456789abcdef')).toBe(false);
    expect(tokensMatch('', '0123456789abcdef')).toBe(false);
  });
});

describe('flag parsing', () => {
  it('--status and --expiring-within', () => {
    expect(parseStatuses(['active,closed', 'Settled'])).toEqual(['active', 'closed', 'settled']);
    expect(parseStatuses(undefined)).toBeUndefined();
    expect(() => parseStatuses(['open'])).toThrow('--status must be active, closed, settled');
    expect(parseWithin('30m')).toBe(1_800_000);
    expect(() => parseWithin('0s')).toThrow('--expiring-within must be a duration');
  });
  it('--type, --since and --from-start', () => {
    expect([...parseTypes(['added,market_settled'])!]).toEqual(['market_added', 'market_settled']);
    expect(parseTypes([])).toBeNull();
    expect(() => parseTypes(['deleted'])).toThrow('--type must be added, updated, settled or removed');
    const now = new Date('2026-11-25T12:00:00Z');
    expect(startFrom(undefined, false, now)).toMatchObject({ deliver_policy: 'new' });
    expect(startFrom(undefined, true, now)).toMatchObject({ deliver_policy: 'all' });
    expect(startFrom('1h', false, now)).toMatchObject({ deliver_policy: 'by_start_time', opt_start_time: '2026-11-25T11:00:00.000Z' });
    expect(() => startFrom('1h', true, now)).toThrow('exclude each other');
    expect(() => startFrom('soon', false, now)).toThrow('--since must be a duration');
  });
});
