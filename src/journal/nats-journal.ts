import { readFile } from 'node:fs/promises';
import { connect, credsAuthenticator, nanos, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, JetStreamApiError, type JetStreamClient, type JetStreamManager, type PubAck } from '@nats-io/jetstream';
import { JournalError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';

/** @defaultValue 7 days */
export const DEFAULT_STREAM_MAX_AGE_SECONDS = 7 * 24 * 3600;
/**
 * Long enough that a run which died after publishing part of its outbox is re-published by the
 * next scheduled run (the daily full sync at worst) inside the window, so JetStream drops the copies.
 * @defaultValue 26 hours
 */
export const DEFAULT_DUPLICATE_WINDOW_SECONDS = 26 * 3600;
/** Publishes in flight at once; order is kept because one connection delivers in order. */
export const DEFAULT_PUBLISH_WINDOW = 256;
export const DEFAULT_PUBLISH_TIMEOUT_MS = 10_000;

export interface StreamSettings {
  name: string;
  subject: string;
  maxAgeSeconds: number;
  duplicateWindowSeconds: number;
  replicas: number;
}

export interface NatsOptions {
  servers: string[];
  token?: string;
  credsFile?: string;
  name?: string;
  logger: Logger;
}

export async function connectNats(options: NatsOptions): Promise<NatsConnection> {
  try {
    const creds = options.credsFile ? await readFile(options.credsFile) : undefined;
    return await connect({
      servers: options.servers,
      name: options.name ?? 'secmaster',
      ...(options.token ? { token: options.token } : {}),
      ...(creds ? { authenticator: credsAuthenticator(new Uint8Array(creds)) } : {}),
      timeout: 5000,
      maxReconnectAttempts: 10,
      reconnectTimeWait: 500,
    });
  } catch (err) {
    throw new JournalError(`cannot connect to NATS at ${options.servers.join(',')}: ${errorText(err)}`, { cause: err });
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export interface PublishedBatch {
  published: number;
  duplicates: number;
  lastSeq: number;
}

/** JetStream adapter of the change journal. */
export class NatsChangeJournal {
  private constructor(
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    readonly stream: StreamSettings,
    private readonly logger: Logger,
  ) {}

  static async open(nc: NatsConnection, stream: StreamSettings, logger: Logger): Promise<NatsChangeJournal> {
    try {
      const jsm = await jetstreamManager(nc, { timeout: 10_000 });
      return new NatsChangeJournal(nc, jetstream(nc, { timeout: DEFAULT_PUBLISH_TIMEOUT_MS }), jsm, stream, logger);
    } catch (err) {
      throw new JournalError(`JetStream is not available on this NATS server (start it with -js): ${errorText(err)}`, { cause: err });
    }
  }

  /** Creates the stream, or brings its subject list, age and duplicate window up to the settings. */
  async ensureStream(): Promise<void> {
    const s = this.stream;
    try {
      const info = await this.jsm.streams.info(s.name).catch((err: unknown) => {
        // JetStream answers 404 (error code 10059) for a stream that does not exist yet.
        if (err instanceof JetStreamApiError && err.status === 404) return null;
        throw err;
      });
      if (info === null) {
        await this.jsm.streams.add({
          name: s.name,
          subjects: [s.subject],
          max_age: nanos(s.maxAgeSeconds * 1000),
          duplicate_window: nanos(s.duplicateWindowSeconds * 1000),
          num_replicas: s.replicas,
        });
        this.logger.info({ stream: s.name, subject: s.subject }, 'created JetStream stream');
        return;
      }
      const cfg = info.config;
      const subjects = cfg.subjects ?? [];
      const wantAge = nanos(s.maxAgeSeconds * 1000);
      const wantDup = nanos(s.duplicateWindowSeconds * 1000);
      if (!subjects.includes(s.subject) || cfg.max_age !== wantAge || cfg.duplicate_window !== wantDup) {
        await this.jsm.streams.update(s.name, {
          ...cfg,
          subjects: subjects.includes(s.subject) ? subjects : [...subjects, s.subject],
          max_age: wantAge,
          duplicate_window: wantDup,
        });
        this.logger.info({ stream: s.name }, 'updated JetStream stream settings');
      }
    } catch (err) {
      throw new JournalError(`cannot set up JetStream stream ${s.name} for ${s.subject}: ${errorText(err)}`, { cause: err });
    }
  }

  /**
   * Publishes bodies in order with their ids as Nats-Msg-Id, keeping a window of acks in flight.
   * Throws on the first failure; what was acked before stays published (the outbox re-sends the rest,
   * and the duplicate window drops what was already stored).
   */
  async publish(messages: readonly { id: string; body: string }[], window = DEFAULT_PUBLISH_WINDOW): Promise<PublishedBatch> {
    const result: PublishedBatch = { published: 0, duplicates: 0, lastSeq: 0 };
    const inflight: Promise<PubAck>[] = [];
    const settle = (ack: PubAck) => {
      if (ack.duplicate) result.duplicates++;
      else result.published++;
      result.lastSeq = Math.max(result.lastSeq, ack.seq);
    };
    const encoder = new TextEncoder();
    try {
      for (const m of messages) {
        inflight.push(this.js.publish(this.stream.subject, encoder.encode(m.body), { msgID: m.id }));
        if (inflight.length >= window) settle(await inflight.shift()!);
      }
      while (inflight.length > 0) settle(await inflight.shift()!);
    } catch (err) {
      // Let the remaining acks settle so no rejection goes unhandled.
      await Promise.allSettled(inflight);
      throw new JournalError(`publishing to ${this.stream.subject} failed: ${errorText(err)}`, { cause: err });
    }
    return result;
  }

  async lastSequence(): Promise<number> {
    const info = await this.jsm.streams.info(this.stream.name);
    return info.state.last_seq;
  }

  async close(): Promise<void> {
    await this.nc.drain().catch(() => this.nc.close());
  }
}
