/**
 * JetStream adapter of the cache: the stream's position and an ordered consumer that starts at
 * a given stream sequence. Only this module knows the @nats-io types.
 */
import { DeliverPolicy, jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';

export interface StreamState {
  /** First sequence still stored (last + 1 when the stream is empty). */
  firstSeq: number;
  lastSeq: number;
  /** Sequence of the last message of the change subject; equals `lastSeq` on an exclusive (or empty) stream. */
  subjectLastSeq: number;
  /** When the stream was created; a different value means it was deleted and created again. */
  created: string;
  /** True when the stream captures the change subject only, so every skipped sequence is a lost event. */
  exclusive: boolean;
}

export interface JournalMessage {
  seq: number;
  data: Uint8Array;
  /** Messages of the subject after this one, as JetStream counted them when it delivered it. */
  pending: number;
  publishedMs: number;
}

export type FollowNotice =
  /** The ordered consumer was recreated after the last delivered sequence (server restart, missed heartbeats). */
  | { type: 'reset' }
  | { type: 'stream_not_found' }
  /** The consumer stopped for good; the caller must start a new one. */
  | { type: 'stopped'; error: Error | undefined };

export interface PullSettings {
  /** Messages per pull request. */
  batch: number;
  /** Lifetime of a pull request; also bounds how long the consumer takes to notice a lost server (heartbeats are half of it). */
  expiresMs: number;
}

export interface FollowHandle {
  /** Messages the new consumer had to deliver when it was created. */
  readonly initialPending: number;
  stop(): Promise<void>;
}

export interface JournalFollower {
  /** The stream's state, or null when it does not exist (yet). */
  streamState(): Promise<StreamState | null>;
  /** Delivers every message of the subject from `startSeq` on, in stream order, to `onMessage`. */
  follow(startSeq: number, pull: PullSettings, onMessage: (m: JournalMessage) => void, onNotice: (n: FollowNotice) => void): Promise<FollowHandle>;
}

export function isStreamNotFound(err: unknown): boolean {
  if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return true;
  return err instanceof Error && /stream not found/i.test(err.message);
}

export function createJournalFollower(nc: NatsConnection, stream: string, subject: string): JournalFollower {
  let jsm: JetStreamManager | null = null;
  const manager = async (): Promise<JetStreamManager> => (jsm ??= await jetstreamManager(nc, { checkAPI: false }));
  const js = jetstream(nc);

  return {
    async streamState() {
      const info = await (await manager()).streams.info(stream).catch((err: unknown) => {
        if (isStreamNotFound(err)) return null;
        throw err;
      });
      if (info === null) return null;
      const subjects = info.config.subjects ?? [];
      const exclusive = subjects.length === 1 && subjects[0] === subject;
      let subjectLastSeq = exclusive || info.state.messages === 0 ? info.state.last_seq : 0;
      if (!exclusive && info.state.messages > 0) {
        const last = await (await manager()).streams.getMessage(stream, { last_by_subj: subject });
        subjectLastSeq = last?.seq ?? 0;
      }
      return { firstSeq: info.state.first_seq, lastSeq: info.state.last_seq, subjectLastSeq, created: info.created, exclusive };
    },

    async follow(startSeq, pull, onMessage, onNotice) {
      const consumer = await js.consumers.get(stream, {
        filter_subjects: subject,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: startSeq,
      });
      const initialPending = (await consumer.info(true)).num_pending;
      let stopping = false;
      const messages: ConsumerMessages = await consumer.consume({
        max_messages: pull.batch,
        expires: pull.expiresMs,
        callback: (m: JsMsg) => {
          onMessage({ seq: m.seq, data: m.data, pending: m.info.pending, publishedMs: Math.floor(m.info.timestampNanos / 1e6) });
        },
      });
      void (async () => {
        for await (const s of messages.status()) {
          if (s.type === 'ordered_consumer_recreated') onNotice({ type: 'reset' });
          else if (s.type === 'stream_not_found') onNotice({ type: 'stream_not_found' });
        }
      })().catch(() => undefined);
      void messages.closed().then(
        (err) => {
          if (!stopping) onNotice({ type: 'stopped', error: err instanceof Error ? err : undefined });
        },
        (err: unknown) => {
          if (!stopping) onNotice({ type: 'stopped', error: err instanceof Error ? err : new Error(String(err)) });
        },
      );
      return {
        initialPending,
        async stop() {
          stopping = true;
          messages.stop();
          await consumer.delete().catch(() => undefined);
        },
      };
    },
  };
}
