/**
 * Steps 1-3 of the hand-off (see cache.ts and docs/consuming.md): note the stream's last
 * sequence P, read every market with its version into the ledger, and check the stream still
 * holds everything after P. The caller then follows the stream from P + 1.
 */
import type { StreamCursor } from './applier.js';
import type { JournalFollower } from './journal-follower.js';
import type { MarketLedger } from './ledger.js';
import type { RewarmChange } from './types.js';
import type { VersionedReader } from './versioned-reads.js';

export type WarmResult =
  | {
      type: 'warmed';
      /** Where to follow from: `position + 1`. */
      cursor: StreamCursor;
      /** Markets the snapshot held. */
      read: number;
      /** What differed from what the ledger held before (null: not collected, for the first warm). */
      changes: RewarmChange[] | null;
      startedMs: number;
    }
  /** The stream was truncated past P or recreated during the snapshot: warm again. */
  | { type: 'stream_changed'; reason: 'stream_truncated' | 'stream_recreated'; position: number };

export interface WarmDeps {
  follower: Pick<JournalFollower, 'streamState'>;
  reader: Pick<VersionedReader, 'scan'>;
  ledger: MarketLedger;
  retry<T>(what: string, fn: () => Promise<T>, signal: AbortSignal): Promise<T>;
}

/** Reads the snapshot into the ledger, in place (`get` keeps answering meanwhile). */
export async function warm(deps: WarmDeps, collectChanges: boolean, signal: AbortSignal): Promise<WarmResult> {
  const { follower, reader, ledger, retry } = deps;
  const startedMs = performance.now();
  const before = await retry('reading the stream state', () => follower.streamState(), signal);
  const p = before?.lastSeq ?? 0;
  const changes: RewarmChange[] | null = collectChanges ? [] : null;
  const seen = new Set<string>();
  let after: string | null = null;
  // A failed read resumes after the last ticker installed: each market is consistent on its own.
  await retry('reading the markets from Redis', async () => {
    for await (const chunk of reader.scan(after)) {
      signal.throwIfAborted();
      ledger.installSnapshot(chunk, seen, changes);
      after = chunk[chunk.length - 1]!.ticker;
    }
  }, signal);
  ledger.finishSnapshot(seen, changes);
  const now = await retry('reading the stream state', () => follower.streamState(), signal);
  if (now !== null && before !== null && now.created !== before.created) return { type: 'stream_changed', reason: 'stream_recreated', position: p };
  // Messages published after P are gone already: the snapshot may not cover them.
  if (now !== null && now.firstSeq > p + 1) return { type: 'stream_changed', reason: 'stream_truncated', position: p };
  // No stream (yet): whatever it will hold was published after the snapshot; follow it from its start.
  const position = now === null ? 0 : p;
  return {
    type: 'warmed',
    cursor: { position, received: position, catchUpTarget: now?.subjectLastSeq ?? 0, exclusive: now?.exclusive ?? true, created: now?.created ?? null },
    read: seen.size,
    changes,
    startedMs,
  };
}
