import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/logger.js';
import type { SyncMode, SyncReport } from '../../src/core/report.js';
import {
  buildRunRegistry,
  deleteRunMetrics,
  METRIC_NAMES,
  pushRunMetrics,
  renderRunMetrics,
} from '../../src/obs/metrics.js';
import { groupUrl, redactUrl } from '../../src/obs/pushgateway.js';

const GATEWAY = process.env.PUSHGATEWAY_URL ?? 'http://127.0.0.1:9091';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Enough of the text exposition format for what the Pushgateway serves. */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

async function scrapeGroup(env: string, mode: SyncMode): Promise<Sample[]> {
  const res = await fetch(`${GATEWAY.replace(/\/+$/, '')}/metrics`);
  expect(res.status).toBe(200);
  return parseExposition(await res.text()).filter((s) => s.labels.env === env && s.labels.mode === mode);
}

function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hit = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  expect(hit.length, `${name} ${JSON.stringify(labels)} matched ${hit.length} series`).toBeLessThanOrEqual(1);
  return hit[0]?.value;
}

function recordingLogger(): Logger & { warnings: Array<{ obj: object; msg?: string }> } {
  const warnings: Array<{ obj: object; msg?: string }> = [];
  return {
    warnings,
    debug() {},
    info() {},
    error() {},
    warn(obj, msg) {
      warnings.push({ obj, ...(msg !== undefined ? { msg } : {}) });
    },
  };
}

function report(overrides: Partial<SyncReport> = {}): SyncReport {
  return {
    env: 'kalshi-test',
    mode: 'full',
    sync_id: randomUUID(),
    status: 'success',
    dry_run: false,
    started_at: '2026-03-02T13:00:00.000Z',
    finished_at: '2026-03-02T13:00:42.500Z',
    duration_ms: 42_500,
    total: 1234,
    added: 3,
    updated: 7,
    removed: 2,
    settled: 5,
    unchanged: 1210,
    invalid: 1,
    pages: 13,
    requests: 17,
    retries: 4,
    rate_limited: 3,
    events_published: 17,
    outbox_pending: 0,
    stages_ms: { fetch: 30_000, plan: 1_500, write: 6_000, publish: 5_000 },
    cache_by_status: { active: 900, closed: 250, settled: 84 },
    ...overrides,
  };
}

const groups: Array<{ env: string; mode: SyncMode }> = [];
function testEnv(mode: SyncMode): string {
  const env = `test-${randomUUID().slice(0, 8)}`;
  groups.push({ env, mode });
  return env;
}

afterAll(async () => {
  for (const g of groups) await deleteRunMetrics({ url: GATEWAY, ...g });
});

describe('pushRunMetrics against a real Pushgateway', () => {
  it('pushes every metric of a successful run under job, env and mode, with base units', async () => {
    const env = testEnv('full');
    const logger = recordingLogger();
    const ok = await pushRunMetrics({ url: GATEWAY, report: report({ env }), logger, lastSuccessUnixSeconds: 1 });
    expect(ok).toBe(true);
    expect(logger.warnings).toEqual([]);

    const s = await scrapeGroup(env, 'full');
    for (const sample of s.filter((x) => x.name.startsWith('secmaster_'))) {
      expect(sample.labels.job).toBe('secmaster');
      // The grouping key has no instance; the Pushgateway shows it as empty.
      expect(sample.labels.instance ?? '').toBe('');
    }
    const finished = Date.parse('2026-03-02T13:00:42.500Z') / 1000;
    expect(valueOf(s, 'secmaster_last_success_timestamp_seconds')).toBe(finished);
    expect(valueOf(s, 'secmaster_last_completion_timestamp_seconds')).toBe(finished);
    expect(valueOf(s, 'secmaster_last_run_duration_seconds')).toBe(42.5);
    expect(valueOf(s, 'secmaster_last_run_stage_duration_seconds', { stage: 'fetch' })).toBe(30);
    expect(valueOf(s, 'secmaster_last_run_stage_duration_seconds', { stage: 'plan' })).toBe(1.5);
    expect(valueOf(s, 'secmaster_last_run_stage_duration_seconds', { stage: 'write' })).toBe(6);
    expect(valueOf(s, 'secmaster_last_run_stage_duration_seconds', { stage: 'publish' })).toBe(5);
    const outcomes = { added: 3, updated: 7, settled: 5, removed: 2, unchanged: 1210, invalid: 1 };
    for (const [outcome, n] of Object.entries(outcomes)) {
      expect(valueOf(s, 'secmaster_last_run_markets', { outcome })).toBe(n);
    }
    expect(valueOf(s, 'secmaster_last_run_markets_seen')).toBe(1234);
    expect(valueOf(s, 'secmaster_markets', { status: 'active' })).toBe(900);
    expect(valueOf(s, 'secmaster_markets', { status: 'closed' })).toBe(250);
    expect(valueOf(s, 'secmaster_markets', { status: 'settled' })).toBe(84);
    expect(valueOf(s, 'secmaster_last_run_pages')).toBe(13);
    expect(valueOf(s, 'secmaster_last_run_api_requests')).toBe(17);
    expect(valueOf(s, 'secmaster_last_run_api_rate_limited')).toBe(3);
    expect(valueOf(s, 'secmaster_last_run_api_retries')).toBe(4);
    expect(valueOf(s, 'secmaster_last_run_events_published')).toBe(17);
    expect(valueOf(s, 'secmaster_outbox_pending_events')).toBe(0);
    expect(valueOf(s, 'secmaster_last_run_success')).toBe(1);
    expect(valueOf(s, 'secmaster_last_run_skipped', { reason: 'locked' })).toBe(0);
    expect(valueOf(s, 'secmaster_last_run_skipped', { reason: 'exchange_closed' })).toBe(0);
    expect(s.filter((x) => x.name === 'secmaster_last_run_failed')).toEqual([]);
    // The gateway's own bookkeeping shows the push.
    expect(valueOf(s, 'push_time_seconds')).toBeGreaterThan(0);
    expect(valueOf(s, 'push_failure_time_seconds')).toBe(0);
    // No default process metrics in the group.
    expect(s.filter((x) => /^(process|nodejs)_/.test(x.name))).toEqual([]);
  });

  it('replaces the group on the next push and carries the previous success time', async () => {
    const env = testEnv('incremental');
    const logger = recordingLogger();
    await pushRunMetrics({ url: GATEWAY, report: report({ env, mode: 'incremental' }), logger });
    const lastSuccess = Date.parse('2026-03-02T13:00:42.500Z') / 1000;

    const failed = report({
      env,
      mode: 'incremental',
      status: 'failed',
      finished_at: '2026-03-02T13:05:09.000Z',
      cache_by_status: undefined,
      error: { code: 'UPSTREAM', message: 'Kalshi answered 503 five times' },
    });
    expect(await pushRunMetrics({ url: GATEWAY, report: failed, logger, lastSuccessUnixSeconds: lastSuccess })).toBe(true);

    const s = await scrapeGroup(env, 'incremental');
    expect(valueOf(s, 'secmaster_last_success_timestamp_seconds')).toBe(lastSuccess);
    expect(valueOf(s, 'secmaster_last_completion_timestamp_seconds')).toBe(Date.parse('2026-03-02T13:05:09.000Z') / 1000);
    expect(valueOf(s, 'secmaster_last_run_success')).toBe(0);
    expect(valueOf(s, 'secmaster_last_run_failed', { code: 'UPSTREAM' })).toBe(1);
    // PUT replaced the group: the cache counts of the earlier push are gone.
    expect(s.filter((x) => x.name === 'secmaster_markets')).toEqual([]);
    expect(logger.warnings).toEqual([]);
  });

  it('keeps full and incremental in separate groups and reports a skipped run', async () => {
    const env = testEnv('full');
    groups.push({ env, mode: 'incremental' });
    const logger = recordingLogger();
    await pushRunMetrics({ url: GATEWAY, report: report({ env, mode: 'full' }), logger });
    const skipped = report({
      env,
      mode: 'incremental',
      status: 'skipped',
      skipped: 'exchange_closed',
      duration_ms: 120,
      cache_by_status: undefined,
    });
    await pushRunMetrics({ url: GATEWAY, report: skipped, logger });

    const full = await scrapeGroup(env, 'full');
    const inc = await scrapeGroup(env, 'incremental');
    expect(valueOf(full, 'secmaster_last_run_success')).toBe(1);
    expect(valueOf(full, 'secmaster_markets', { status: 'active' })).toBe(900);
    expect(valueOf(inc, 'secmaster_last_run_success')).toBe(0);
    expect(valueOf(inc, 'secmaster_last_run_skipped', { reason: 'exchange_closed' })).toBe(1);
    expect(valueOf(inc, 'secmaster_last_run_skipped', { reason: 'locked' })).toBe(0);
    // Never succeeded and no carried value: the success time is absent, not zero.
    expect(valueOf(inc, 'secmaster_last_success_timestamp_seconds')).toBeUndefined();
    expect(logger.warnings).toEqual([]);
  });

  it('logs a warning and resolves false when nothing listens', async () => {
    const dead = createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((resolve) => dead.close(() => resolve()));

    const logger = recordingLogger();
    const ok = await pushRunMetrics({ url: `http://user:s3cret@127.0.0.1:${port}`, report: report(), logger });
    expect(ok).toBe(false);
    expect(logger.warnings).toHaveLength(1);
    const logged = JSON.stringify(logger.warnings[0]);
    expect(logged).toContain('ECONNREFUSED');
    expect(logged).not.toContain('s3cret');
  });

  it('gives up after the timeout when the gateway does not answer', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer(() => {
      /* never answers */
    });
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const logger = recordingLogger();
      const started = Date.now();
      const ok = await pushRunMetrics({ url: `http://127.0.0.1:${port}`, report: report(), logger, timeoutMs: 300 });
      expect(ok).toBe(false);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(JSON.stringify(logger.warnings)).toContain('did not answer within 300 ms');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('logs and resolves when the gateway rejects the push', async () => {
    const logger = recordingLogger();
    // A path the gateway does not serve answers 404.
    const ok = await pushRunMetrics({ url: `${GATEWAY}/no-such-prefix`, report: report({ env: testEnv('full') }), logger });
    expect(ok).toBe(false);
    expect(JSON.stringify(logger.warnings)).toMatch(/answered 4\d\d/);
  });
});

describe('rendering', () => {
  it('renders Prometheus text with only secmaster metrics, each in METRIC_NAMES', async () => {
    const text = await renderRunMetrics({ report: report({ status: 'failed', error: { code: 'STORE', message: 'x' } }), lastSuccessUnixSeconds: 5 });
    const names = new Set(parseExposition(text).map((s) => s.name));
    expect([...names].sort()).toEqual([...METRIC_NAMES].sort());
    expect(text).toContain('# TYPE secmaster_last_run_duration_seconds gauge');
    expect(text).not.toMatch(/^(process|nodejs)_/m);
  });

  it('adds env and mode labels to serve several runs from one endpoint', async () => {
    const runs = [
      { report: report({ env: 'kalshi-prod', mode: 'full' }) },
      { report: report({ env: 'kalshi-prod', mode: 'incremental', added: 9 }) },
    ];
    const s = parseExposition(await renderRunMetrics(runs, { withRunLabels: true }));
    expect(valueOf(s, 'secmaster_last_run_markets', { outcome: 'added', mode: 'incremental', env: 'kalshi-prod' })).toBe(9);
    expect(valueOf(s, 'secmaster_last_run_markets', { outcome: 'added', mode: 'full', env: 'kalshi-prod' })).toBe(3);
    expect(() => buildRunRegistry(runs)).toThrow(/withRunLabels/);
  });

  it('builds group URLs with a path prefix and base64 for values the path cannot hold', () => {
    expect(groupUrl('http://pgw:9091/', { job: 'secmaster', env: 'kalshi-prod', mode: 'full' })).toBe(
      'http://pgw:9091/metrics/job/secmaster/env/kalshi-prod/mode/full',
    );
    expect(groupUrl('http://h/pushgateway', { job: 'secmaster', env: 'a/b', mode: '' })).toBe(
      'http://h/pushgateway/metrics/job/secmaster/env@base64/YS9i/mode@base64/=',
    );
    expect(redactUrl('http://u:p@h:9091')).not.toContain(':p@');
  });
});
