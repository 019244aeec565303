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

/** `status: active -> closed, raw_metadata.rules_primary: "..." -> "..."` */
export function formatChanges(changes: Readonly<Record<string, { old: unknown; new: unknown }>>): string {
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
    case 'market_updated':
      return `${head}  ${formatChanges(event.changes)}`;
    case 'market_settled': {
      const rest = Object.fromEntries(Object.entries(event.changes).filter(([k]) => k !== 'status'));
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
