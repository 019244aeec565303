/**
 * The compact per-ticker index kept in `{ENV}:secmaster:index`, so a sync diffs without reading
 * every Market JSON back. Encoded as `version|state|fingerprint|settled_epoch`:
 * - version: the ticker's last event version (kept after removal, so a relisted ticker goes on counting);
 * - state: `a` active, `c` closed, `s` settled, `x` removed (a tombstone);
 * - fingerprint: hash of the Market's security-master fields ('' for a tombstone);
 * - settled_epoch: Unix seconds of `settled_at` for settled markets, else ''.
 */
import type { MarketStatus } from './market.js';

export type IndexState = MarketStatus | 'removed';

export interface IndexEntry {
  version: number;
  state: IndexState;
  fingerprint: string;
  settledEpoch: number | null;
}

const STATE_TO_CODE: Record<IndexState, string> = { active: 'a', closed: 'c', settled: 's', removed: 'x' };
const CODE_TO_STATE: Record<string, IndexState> = { a: 'active', c: 'closed', s: 'settled', x: 'removed' };

export function encodeIndexEntry(entry: IndexEntry): string {
  return `${entry.version}|${STATE_TO_CODE[entry.state]}|${entry.fingerprint}|${entry.settledEpoch ?? ''}`;
}

export function decodeIndexEntry(value: string): IndexEntry | null {
  const parts = value.split('|');
  if (parts.length !== 4) return null;
  const [v, s, fp, settled] = parts as [string, string, string, string];
  const version = Number(v);
  const state = CODE_TO_STATE[s];
  if (!Number.isSafeInteger(version) || version < 0 || state === undefined) return null;
  const settledEpoch = settled === '' ? null : Number(settled);
  if (settledEpoch !== null && !Number.isFinite(settledEpoch)) return null;
  return { version, state, fingerprint: fp, settledEpoch };
}

/** True when the entry describes a market the cache holds (not a tombstone). */
export function isLive(entry: IndexEntry | undefined): entry is IndexEntry {
  return entry !== undefined && entry.state !== 'removed';
}
