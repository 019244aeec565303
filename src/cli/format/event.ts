/** One compact line per change event, for `secmaster watch`. Pure. */
import type { ChangeEvent } from '../../core/events.js';
import { formatInstant } from './time.js';

/** Longest value shown for one side of a change before it is cut. @defaultValue 48 */
export const MAX_VALUE_WIDTH = 48;

function short(value: unknown, max = MAX_VALUE_WIDTH): string {
  const text = value === null || value === undefined ? 'null' : typeof value === 'string' ? value : JSON.stringify(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

type Changes = Readonly<Record<string, { old: unknown; new: unknown }>>;

/** Kalshi's raw fields that a Market field already carries: shown once, under the Market's name. */
const MIRRORS: Readonly<Record<string, string>> = {
  close_time: 'close_time',
  open_time: 'open_time',
  status: 'exchange_status',
  result: 'result',
  title: 'title',
  settlement_ts: 'settled_at',
  expected_expiration_time: 'expiration_time',
  market_type: 'market_type',
  event_ticker: 'event_ticker',
};

/**
 * The changes worth a line: `updated_at` (and its raw twin) changes with every edit and says
 * nothing, and a raw field is left out when the Market field it feeds changed too. `--json`
 * prints them all.
 */
export function compactChanges(changes: Changes, hide: readonly string[] = []): Changes {
  const out: Record<string, { old: unknown; new: unknown }> = {};
  for (const [field, change] of Object.entries(changes)) {
    if (field === 'updated_at' || field === 'raw_metadata.updated_time' || hide.includes(field)) continue;
    const raw = field.startsWith('raw_metadata.') ? field.slice('raw_metadata.'.length) : null;
    const mirror = raw === null ? undefined : MIRRORS[raw];
    if (mirror !== undefined && (changes[mirror] !== undefined || hide.includes(mirror))) continue;
    out[field] = change;
  }
  return out;
}

/** `status: active -> closed, raw_metadata.rules_primary: "..." -> "..."` */
export function formatChanges(changes: Changes): string {
  return Object.entries(changes)
    .map(([field, c]) => `${field}: ${short(c.old)} -> ${short(c.new)}`)
    .join(', ');
}

/** `2026-11-25 00:30:24Z  updated  KX...-7  v2  status: active -> closed` */
export function formatEvent(event: ChangeEvent): string {
  const head = `${formatInstant(event.timestamp)}  ${event.type.replace(/^market_/, '').padEnd(7)}  ${event.ticker}  v${event.version}`;
  switch (event.type) {
    case 'market_added':
      return `${head}  ${event.market.status}  ${event.market.category ?? '-'}  ${short(event.market.title, 80)}`;
    case 'market_updated': {
      const shown = compactChanges(event.changes);
      return `${head}  ${Object.keys(shown).length > 0 ? formatChanges(shown) : 'updated_at only'}`;
    }
    case 'market_settled': {
      const rest = compactChanges(event.changes, ['status', 'result', 'settled_at', 'exchange_status']);
      const more = Object.keys(rest).length > 0 ? `  ${formatChanges(rest)}` : '';
      return `${head}  result ${event.result ?? 'null'} at ${formatInstant(event.settled_at)}${more}`;
    }
    case 'market_removed':
      return `${head}  reason ${event.reason}`;
  }
}

/** `KXBTC*` style patterns (`*` any run, `?` one character), case-insensitive. */
export function tickerMatcher(patterns: readonly string[]): (ticker: string) => boolean {
  if (patterns.length === 0) return () => true;
  const regexes = patterns.map(
    (p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i'),
  );
  return (ticker) => regexes.some((r) => r.test(ticker));
}
