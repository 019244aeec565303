/** The human form of `secmaster status`. Pure. */
import type { SyncReport } from '../../core/report.js';
import type { CacheStatus, RunSummary } from '../../store/reader.js';
import { renderTable } from './table.js';
import { formatDuration, formatInstant, formatRelative, formatWhen } from './time.js';

/** What NATS says about the stream, next to what Redis recorded of the last publish. */
export interface StreamFigures {
  name: string;
  subject: string;
  /** Null when NATS could not be asked. */
  last_seq: number | null;
  messages: number | null;
  /** Why NATS could not be asked. */
  error?: string;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** `success`, `skipped (locked)`, `failed (UPSTREAM: ...)`. */
export function runOutcome(report: SyncReport): string {
  if (report.status === 'skipped') return `skipped (${report.skipped ?? 'unknown'})`;
  if (report.status === 'failed') return `failed (${report.error?.code ?? 'unknown'})`;
  return report.status;
}

function runRow(mode: string, report: SyncReport, nowMs: number): string[] {
  const r = report as SyncReport & { records?: number };
  const seen = r.mode === ('import' as string) ? r.records ?? 0 : r.total;
  return [
    mode,
    `${formatInstant(report.finished_at)} ${formatRelative(report.finished_at, nowMs)}`,
    formatDuration(report.duration_ms),
    runOutcome(report),
    count(seen ?? 0),
    count(report.added ?? 0),
    count(report.updated ?? 0),
    count(report.settled ?? 0),
    count(report.removed ?? 0),
  ];
}

function runLines(runs: Record<string, RunSummary>, nowMs: number, width: number): string[] {
  const modes = Object.keys(runs);
  if (modes.length === 0) return ['  no sync has run in this ENV yet'];
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const mode of ['full', 'incremental', ...modes.filter((m) => m !== 'full' && m !== 'incremental')]) {
    const run = runs[mode];
    if (run === undefined) {
      rows.push([mode, 'never', '', '', '', '', '', '', '']);
      continue;
    }
    if (run.last) rows.push(runRow(mode, run.last, nowMs));
    if (run.last && run.last.status !== 'success') {
      const why = run.last.status === 'failed' ? run.last.error?.message ?? 'no reason recorded' : `another run held the lock or trading was closed (${run.last.skipped ?? '?'})`;
      notes.push(`  ${mode}: last run ${run.last.status}: ${why}`);
      if (run.last_success) rows.push(runRow(`${mode} (last ok)`, run.last_success, nowMs));
      else notes.push(`  ${mode}: no successful run yet`);
    }
  }
  const table = renderTable(
    [
      { header: 'MODE' },
      { header: 'FINISHED (UTC)' },
      { header: 'TOOK', align: 'right' },
      { header: 'RESULT', flex: true, minWidth: 12 },
      { header: 'SEEN', align: 'right' },
      { header: 'ADDED', align: 'right' },
      { header: 'UPDATED', align: 'right' },
      { header: 'SETTLED', align: 'right' },
      { header: 'REMOVED', align: 'right' },
    ],
    rows,
    width - 2,
  );
  return [...table.map((l) => `  ${l}`), ...notes];
}

/** The status report, as lines for a terminal `width` columns wide. */
export function statusLines(status: CacheStatus, stream: StreamFigures | null, nowMs: number, width = 100): string[] {
  const m = status.markets;
  const out: string[] = [];
  const row = (label: string, value: string) => out.push(`${label.padEnd(16)}${value}`);
  row('ENV', status.env);
  row('Last sync', status.last_sync === null ? 'never' : formatWhen(status.last_sync, nowMs));
  row('Watermark', status.watermark === null ? 'none (the next incremental sync walks the whole catalogue)' : formatWhen(status.watermark, nowMs));
  out.push('');
  out.push('Runs');
  out.push(...runLines(status.runs, nowMs, width));
  out.push('');
  row(
    'Markets',
    `${count(m.total)} cached: ${count(m.by_status.active)} active, ${count(m.by_status.closed)} closed, ${count(m.by_status.settled)} settled` +
      (m.removed > 0 ? ` (${count(m.removed)} removed tickers remembered)` : ''),
  );
  row('Expiring 24h', `${count(m.expiring_24h)} unsettled markets expire within 24h or are past expiration`);
  if (status.categories.length > 0 || status.uncategorized > 0) {
    out.push('');
    out.push('Categories');
    const rows = status.categories.map((c) => [c.name, c.slug, count(c.markets)]);
    if (status.uncategorized > 0) rows.push(['(none)', '', count(status.uncategorized)]);
    out.push(...renderTable([{ header: 'CATEGORY' }, { header: 'SLUG' }, { header: 'MARKETS', align: 'right' }], rows, width - 2).map((l) => `  ${l}`));
  }
  out.push('');
  row('Lock', status.lock === null ? 'free' : `held by ${status.lock.holder} (expires in ${formatDuration(Math.max(0, status.lock.ttl_ms))})`);
  row(
    'Outbox',
    status.outbox.syncs.length === 0
      ? 'empty: every committed change is published'
      : `${count(status.outbox.events)} events of ${status.outbox.syncs.length} sync(s) wait to be published (${status.outbox.syncs.join(', ')}); the next sync publishes them`,
  );
  const j = status.journal;
  const lastPublish = j.published_at === null ? 'nothing published yet' : `last publish ${formatWhen(j.published_at, nowMs)}, up to sequence ${j.last_seq ?? '?'}`;
  if (stream === null) row('Journal', lastPublish);
  else if (stream.error !== undefined) row('Journal', `stream ${stream.name} (${stream.subject}): NATS not reachable (${stream.error}); ${lastPublish}`);
  else {
    const state = stream.last_seq === null ? 'does not exist yet' : `last sequence ${count(stream.last_seq)}, ${count(stream.messages ?? 0)} messages kept`;
    row('Journal', `stream ${stream.name} (${stream.subject}): ${state}; ${lastPublish}`);
  }
  return out;
}
