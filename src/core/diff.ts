import { createHash } from 'node:crypto';
import { MARKET_FIELDS, type Market } from './market.js';

/** JSON with object keys sorted at every depth: equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue;
    parts.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${parts.join(',')}}`;
}

/** The Market as stored: fields in contract order, one line. */
export function serializeMarket(market: Market): string {
  const ordered: Record<string, unknown> = {};
  for (const field of MARKET_FIELDS) ordered[field] = market[field];
  return JSON.stringify(ordered);
}

/**
 * Hash over the security-master fields. `updated_at` (and its raw twin `updated_time`) are left
 * out: a change of `updated_at` alone is not an update (CONTRACT section 5).
 */
export function fingerprint(market: Market): string {
  const { updated_at: _updatedAt, raw_metadata, ...rest } = market;
  const { updated_time: _updatedTime, ...raw } = raw_metadata;
  return createHash('sha256').update(canonicalJson({ ...rest, raw_metadata: raw })).digest('hex').slice(0, 20);
}

export interface FieldChange {
  old: unknown;
  new: unknown;
}

export type Changes = Record<string, FieldChange>;

function same(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/**
 * Field-by-field difference; keys inside `raw_metadata` are reported as `raw_metadata.<key>`.
 * A key missing on one side is reported with `null` there.
 */
export function diffMarkets(before: Market, after: Market): Changes {
  const changes: Changes = {};
  for (const field of MARKET_FIELDS) {
    if (field === 'raw_metadata') continue;
    if (!same(before[field], after[field])) changes[field] = { old: before[field], new: after[field] };
  }
  const keys = new Set([...Object.keys(before.raw_metadata), ...Object.keys(after.raw_metadata)]);
  for (const key of [...keys].sort()) {
    const a = before.raw_metadata[key];
    const b = after.raw_metadata[key];
    if (!same(a, b)) changes[`raw_metadata.${key}`] = { old: a ?? null, new: b ?? null };
  }
  return changes;
}
