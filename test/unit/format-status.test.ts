import { describe, expect, it } from 'vitest';
import type { SyncReport } from '../../src/core/report.js';
import type { CacheStatus } from '../../src/store/reader.js';
import { runOutcome, statusLines } from '../../src/cli/format/status.js';

const NOW = Date.parse('2026-11-25T12:00:00Z');

function report(patch: Partial<SyncReport> = {}): SyncReport {
  return {
    env: 'kalshi-demo', mode: 'full', sync_id: 'full-1', status: 'success', dry_run: false,
    started_at: '2026-11-25T11:00:00Z', finished_at: '2026-11-25T11:00:42Z', duration_ms: 42_000,
    total: 1006, added: 3, updated: 7, removed: 1, settled: 2, unchanged: 993, invalid: 0, pages: 9, requests: 10,
    retries: 0, rate_limited: 0, events_published: 13, outbox_pending: 0, stages_ms: { fetch: 1, plan: 1, write: 1, publish: 1 },
    ...patch,
  };
}

function status(patch: Partial<CacheStatus> = {}): CacheStatus {
  return {
    env: 'kalshi-demo',
    last_sync: '2026-11-25T11:55:00Z',
    watermark: '2026-11-25T11:54:58Z',
    runs: {
      full: { last: report(), last_success: report() },
      incremental: {
        last: report({ mode: 'incremental', status: 'failed', finished_at: '2026-11-25T11:58:00Z', error: { code: 'UPSTREAM', message: 'Kalshi answered 503 five times' } }),
        last_success: report({ mode: 'incremental', finished_at: '2026-11-25T11:55:00Z', duration_ms: 900 }),
      },
    },
    markets: { total: 1006, by_status: { active: 1000, closed: 4, settled: 2 }, removed: 3, expiring_24h: 356 },
    categories: [
      { slug: 'sports', name: 'Sports', markets: 780 },
      { slug: 'climate-and-weather', name: 'Climate and Weather', markets: 10 },
    ],
    uncategorized: 216,
    lock: { holder: '4242-abcdef', ttl_ms: 41_000 },
    outbox: { syncs: ['incremental-x'], events: 12 },
    journal: { stream: 'secmaster-kalshi-demo', last_seq: 1006, published_at: '2026-11-25T11:55:00Z' },
    ...patch,
  };
}

describe('runOutcome', () => {
  it('names the outcome and its reason', () => {
    expect(runOutcome(report())).toBe('success');
    expect(runOutcome(report({ status: 'skipped', skipped: 'locked' }))).toBe('skipped (locked)');
    expect(runOutcome(report({ status: 'failed', error: { code: 'STORE', message: 'x' } }))).toBe('failed (STORE)');
  });
});

describe('statusLines', () => {
  it('shows syncs, counts, categories, lock, outbox and the stream', () => {
    const text = statusLines(status(), { name: 'secmaster-kalshi-demo', subject: 'kalshi-demo.secmaster.changes', last_seq: 1018, messages: 1018 }, NOW, 120).join('\n');
    expect(text).toContain('Last sync       2026-11-25 11:55:00Z (5m ago)');
    expect(text).toMatch(/^ {2}full +2026-11-25 11:00:42Z 59m ago +42\.0s +success +1,006 +3 +7 +2 +1$/m);
    expect(text).toMatch(/^ {2}incremental +2026-11-25 11:58:00Z 2m ago +42\.0s +failed \(UPSTREAM\)/m);
    expect(text).toMatch(/^ {2}incremental \(last ok\) +2026-11-25 11:55:00Z 5m ago +900ms +success/m);
    expect(text).toContain('incremental: last run failed: Kalshi answered 503 five times');
    expect(text).toContain('Markets         1,006 cached: 1,000 active, 4 closed, 2 settled (3 removed tickers remembered)');
    expect(text).toMatch(/^ {2}Climate and Weather +climate-and-weather +10$/m);
    expect(text).toMatch(/^ {2}\(none\) +216$/m);
    expect(text).toContain('Lock            held by 4242-abcdef (expires in 41.0s)');
    expect(text).toContain('Outbox          12 events of 1 sync(s) wait to be published (incremental-x)');
    expect(text).toContain('stream secmaster-kalshi-demo (kalshi-demo.secmaster.changes): last sequence 1,018, 1,018 messages kept');
  });
  it('reads well for an ENV that never synced, with NATS down', () => {
    const text = statusLines(
      status({ last_sync: null, watermark: null, runs: {}, categories: [], uncategorized: 0, lock: null, outbox: { syncs: [], events: 0 }, journal: { stream: null, last_seq: null, published_at: null }, markets: { total: 0, by_status: { active: 0, closed: 0, settled: 0 }, removed: 0, expiring_24h: 0 } }),
      { name: 's', subject: 'x', last_seq: null, messages: null, error: 'CONNECTION_REFUSED' },
      NOW,
    ).join('\n');
    expect(text).toContain('Last sync       never');
    expect(text).toContain('no sync has run in this ENV yet');
    expect(text).toContain('Lock            free');
    expect(text).toContain('Outbox          empty');
    expect(text).toContain('NATS not reachable (CONNECTION_REFUSED); nothing published yet');
    expect(text).not.toContain('Categories');
  });
});
