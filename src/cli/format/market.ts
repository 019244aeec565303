/** Markets as tables and cards. Pure: every function takes `nowMs` instead of reading the clock. */
import type { Market } from '../../core/market.js';
import type { MarketHead } from '../../store/reader.js';
import { displayWidth, layoutColumns, type ColumnSpec, type TableLayout } from './table.js';
import { formatInstant, formatRelative, formatShort } from './time.js';

/** Width of `Nov 29 10:15` cells, and of `Nov 29 10:15 in 4d 9h` ones. */
const TIME_WIDTH = 'Nov 29 10:15'.length;
const WHEN_WIDTH = TIME_WIDTH + ' 99d 23h ago'.length;

/** Column specs of the market table. Widths must be known up front so rows can be streamed. */
export function marketColumns(widths: { ticker: number; category: number }): ColumnSpec[] {
  return [
    { header: 'TICKER', width: widths.ticker },
    { header: 'STATUS', width: 'settled'.length },
    { header: 'CATEGORY', width: Math.min(20, widths.category) },
    { header: 'CLOSE (UTC)', width: TIME_WIDTH },
    { header: 'EXPIRATION (UTC)', width: WHEN_WIDTH },
    { header: 'TITLE', width: 200, flex: true, minWidth: 20 },
  ];
}

/** The layout of a market table for these tickers and category names on a terminal this wide. */
export function marketLayout(tickers: readonly string[], categories: readonly string[], terminalWidth: number): TableLayout {
  const ticker = tickers.reduce((m, t) => Math.max(m, displayWidth(t)), 0);
  const category = categories.reduce((m, c) => Math.max(m, displayWidth(c)), '-'.length);
  return layoutColumns(marketColumns({ ticker, category }), terminalWidth);
}

export function marketCells(m: MarketHead, nowMs: number): string[] {
  const rel = formatRelative(m.expiration_time, nowMs);
  const expiration = m.expiration_time === null ? '-' : `${formatShort(m.expiration_time, nowMs)}${rel ? ` ${rel}` : ''}`;
  return [m.ticker, m.status, m.category ?? '-', formatShort(m.close_time, nowMs), expiration, m.title];
}

// ---- the card of `show` ----

/** Kalshi's raw fields in groups an operator scans for; first matching group wins, the rest is "other". */
const RAW_GROUPS: readonly { title: string; match: (key: string) => boolean }[] = [
  { title: 'Contract', match: (k) => /^(ticker|event_ticker|title|subtitle|yes_sub_title|no_sub_title|market_type|status|mve_|is_provisional|primary_participant_key|response_price_units)/.test(k) },
  { title: 'Strike and prices', match: (k) => /(strike|price|tick|notional|fractional|risk_limit|fee)/.test(k) },
  { title: 'Times', match: (k) => /(_time|_ts|timer_seconds|_date)$/.test(k) },
  { title: 'Settlement', match: (k) => /(result|settlement|expiration_value|can_close_early|early_close)/.test(k) },
  { title: 'Rules', match: (k) => /^rules_/.test(k) },
];

export function groupRawMetadata(raw: Readonly<Record<string, unknown>>): { title: string; keys: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const key of Object.keys(raw).sort()) {
    const title = RAW_GROUPS.find((g) => g.match(key))?.title ?? 'Other';
    groups.set(title, [...(groups.get(title) ?? []), key]);
  }
  return [...RAW_GROUPS.map((g) => g.title), 'Other'].filter((t) => groups.has(t)).map((title) => ({ title, keys: groups.get(title)! }));
}

/** Words wrapped to `width` columns (at least 20); keeps the text's own line breaks. */
export function wrap(text: string, width: number): string[] {
  const w = Math.max(20, width);
  const out: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line !== '' && displayWidth(line) + 1 + displayWidth(word) > w) {
        out.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(line);
  }
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  return out;
}

function scalar(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

const TIME_FIELDS = ['open_time', 'close_time', 'expiration_time', 'settlement_time', 'settled_at', 'updated_at'] as const;

/** The readable card of one market: every Market field, times also relative, raw Kalshi fields grouped. */
export function marketCard(market: Market, nowMs: number, width = 100): string[] {
  const keyWidth = Math.min(30, Math.max(16, ...Object.keys(market.raw_metadata).map((k) => k.length)));
  const label = (name: string) => `  ${name.padEnd(keyWidth)}  `;
  const field = (name: string, value: string) => `${label(name)}${value}`;
  // A raw field inside a group: two more spaces of indent, long text wrapped under its value.
  const rawField = (name: string, value: string) => {
    const indent = 2 + label(name).length;
    const lines = wrap(value, width - indent);
    return [`  ${label(name)}${lines[0] ?? ''}`, ...lines.slice(1).map((l) => `${' '.repeat(indent)}${l}`)];
  };
  const out: string[] = [];
  out.push(`${market.ticker}  [${market.status}]`);
  out.push(...wrap(market.title, width));
  out.push('');
  out.push(field('kalshi_id', market.kalshi_id));
  out.push(field('category', market.category ?? '-'));
  out.push(field('status', `${market.status} (Kalshi: ${market.exchange_status})`));
  out.push(field('result', market.result ?? '-'));
  out.push(field('market_type', market.market_type ?? '-'));
  out.push(field('event_ticker', market.event_ticker ?? '-'));
  out.push(field('series_ticker', market.series_ticker ?? '-'));
  out.push('');
  out.push('Times (UTC)');
  for (const name of TIME_FIELDS) {
    const iso = market[name];
    const rel = formatRelative(iso, nowMs);
    out.push(field(name, iso === null ? '-' : `${formatInstant(iso).padEnd(22)}${rel}`));
  }
  const groups = groupRawMetadata(market.raw_metadata);
  if (groups.length > 0) {
    out.push('');
    out.push(`Kalshi fields (raw_metadata, ${Object.keys(market.raw_metadata).length})`);
    for (const group of groups) {
      out.push(`  ${group.title}`);
      for (const key of group.keys) {
        out.push(...rawField(key, scalar(market.raw_metadata[key])));
      }
    }
  }
  return out;
}
