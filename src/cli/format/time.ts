/** Times as operators read them: UTC, compact, and relative to now. Pure. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parse(iso: string | null | undefined): number | null {
  if (iso === null || iso === undefined || iso === '') return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** `2026-11-29 10:15:10Z` (seconds kept, fractions dropped); `-` when absent. */
export function formatInstant(iso: string | null | undefined): string {
  const ms = parse(iso);
  if (ms === null) return '-';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `2026-11-29 10:15` (UTC, minutes): the table form; `-` when absent. */
export function formatMinute(iso: string | null | undefined): string {
  const ms = parse(iso);
  if (ms === null) return '-';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** A span in its two largest units: `4d 9h`, `3h 05m`, `12m`, `45s`. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.floor(abs / 1000)}s`;
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)}m`;
  if (abs < DAY) {
    const h = Math.floor(abs / HOUR);
    const m = Math.floor((abs % HOUR) / MINUTE);
    return m === 0 ? `${h}h` : `${h}h ${String(m).padStart(2, '0')}m`;
  }
  const d = Math.floor(abs / DAY);
  const h = Math.floor((abs % DAY) / HOUR);
  return h === 0 ? `${d}d` : `${d}d ${h}h`;
}

/** `in 4d 9h`, `12m ago`, `now` (within a second); empty when absent. */
export function formatRelative(iso: string | null | undefined, nowMs: number): string {
  const ms = parse(iso);
  if (ms === null) return '';
  const delta = ms - nowMs;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${formatSpan(delta)}` : `${formatSpan(delta)} ago`;
}

/** `2026-11-29 10:15:10Z (in 4d 9h)`; `-` when absent. */
export function formatWhen(iso: string | null | undefined, nowMs: number): string {
  const instant = formatInstant(iso);
  if (instant === '-') return instant;
  return `${instant} (${formatRelative(iso, nowMs)})`;
}

/** How long something took: `850ms`, `1.2s`, `3m 05s`, `2h 10m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < MINUTE) return `${(ms / 1000).toFixed(1)}s`;
  if (ms < HOUR) {
    const m = Math.floor(ms / MINUTE);
    const s = Math.floor((ms % MINUTE) / 1000);
    return `${m}m ${String(s).padStart(2, '0')}s`;
  }
  return formatSpan(ms);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Table form, 12 columns at most: `Nov 29 10:15` within the current UTC year, else `2027-01-05`; `-` when absent. */
export function formatShort(iso: string | null | undefined, nowMs: number): string {
  const ms = parse(iso);
  if (ms === null) return '-';
  const d = new Date(ms);
  if (d.getUTCFullYear() !== new Date(nowMs).getUTCFullYear()) return d.toISOString().slice(0, 10);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, '0')} ${hh}:${mm}`;
}
