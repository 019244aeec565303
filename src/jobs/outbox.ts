import type { Logger } from '../core/logger.js';
import type { NatsChangeJournal } from '../journal/nats-journal.js';
import type { RedisMarketStore } from '../store/redis-store.js';

/** Events read from Redis and published per batch: bounds memory for a cold sync's outbox. */
export const OUTBOX_BATCH = 1000;

export interface DrainResult {
  /** Events newly stored in the stream. */
  published: number;
  /** Events the stream already had (a re-publish after a crash), dropped by JetStream. */
  duplicates: number;
  syncs: number;
}

/**
 * Publishes every committed, unpublished event, oldest sync first, each sync's events in ticker
 * order, then clears that sync's outbox. Safe to repeat: ids make JetStream drop copies.
 */
export async function drainOutbox(
  store: RedisMarketStore,
  journal: NatsChangeJournal,
  logger: Logger,
  signal?: AbortSignal,
): Promise<DrainResult> {
  const result: DrainResult = { published: 0, duplicates: 0, syncs: 0 };
  for (const syncId of await store.pendingOutbox()) {
    const tickers = (await store.outboxTickers(syncId)).sort();
    let lastSeq = 0;
    for (let i = 0; i < tickers.length; i += OUTBOX_BATCH) {
      signal?.throwIfAborted();
      const bodies = await store.outboxEvents(syncId, tickers.slice(i, i + OUTBOX_BATCH));
      const messages = bodies.map((body) => ({ id: (JSON.parse(body) as { id: string }).id, body }));
      const batch = await journal.publish(messages);
      result.published += batch.published;
      result.duplicates += batch.duplicates;
      lastSeq = Math.max(lastSeq, batch.lastSeq);
    }
    await store.ackOutbox(syncId, journal.stream.name, lastSeq);
    result.syncs++;
    logger.info({ sync_id: syncId, events: tickers.length, last_seq: lastSeq }, 'published outbox');
  }
  return result;
}
