/**
 * Applies batches of journal messages to the ledger, in stream order: checks stream sequence
 * continuity, decides per event by version (apply, drop, read back), and reads back in one Redis
 * round trip every ticker of a batch that needs it.
 */
import type { ChangeEvent } from '../core/events.js';
import { decodeEvent, type Decoded } from './decode.js';
import type { JournalMessage, StreamState } from './journal-follower.js';
import { marketAfter, verdict, type MarketLedger } from './ledger.js';
import type { CacheNotifier } from './notifier.js';
import type { CacheCounters, RewarmReason } from './types.js';
import type { VersionedMarket, VersionedReader } from './versioned-reads.js';

/** Where the cache stands in the stream; shared by the cache (which resets it on every hand-off) and the applier. */
export interface StreamCursor {
  /** Stream sequence of the last message processed. */
  position: number;
  /** Highest stream sequence received (processed or still queued). */
  received: number;
  /** The subject's last sequence right after the snapshot: up to it, a version-1 event may predate the snapshot. */
  catchUpTarget: number;
  /** The stream captures the change subject only: every skipped sequence is a lost event. */
  exclusive: boolean;
  /** Creation time of the stream followed; null while it does not exist. */
  created: string | null;
}

export interface ApplierDeps {
  ledger: MarketLedger;
  reader: VersionedReader;
  notifier: CacheNotifier;
  counters: CacheCounters;
  cursor: StreamCursor;
  /** Runs a Redis or NATS call until it succeeds or the signal aborts. */
  retry<T>(what: string, fn: () => Promise<T>, signal: AbortSignal): Promise<T>;
  streamState(): Promise<StreamState | null>;
  /** Gives up on the stream position: the cache re-warms everything. */
  raise(reason: RewarmReason): void;
  /** A ticker that just changed (the rollback check samples them). */
  touched(ticker: string): void;
  /** Called after each processed message; `drained`: JetStream had nothing more to deliver. */
  progress(drained: boolean): void;
}

interface Lookups {
  read: Map<string, VersionedMarket>;
  reasons: Map<string, RewarmReason>;
}

const NO_LOOKUPS: Lookups = { read: new Map(), reasons: new Map() };

export class JournalApplier {
  private readonly decoder = new TextDecoder();

  constructor(private readonly deps: ApplierDeps) {}

  /** Processes `batch` in order; stops early when `signal` aborts (trouble raised, consumer replaced, cache closed). */
  async apply(batch: readonly JournalMessage[], signal: AbortSignal): Promise<void> {
    const { cursor, counters } = this.deps;
    const decoded = batch.map((m) => ({ m, d: decodeEvent(this.decoder.decode(m.data)) }));
    const lookups = await this.prefetch(decoded, signal);
    for (const { m, d } of decoded) {
      if (signal.aborted) return;
      if (m.seq <= cursor.position) continue;
      if (m.seq > cursor.position + 1 && !(await this.acceptSkip(signal))) return;
      cursor.position = m.seq;
      counters.lagMessages = m.pending;
      counters.lagMs = Math.max(0, Date.now() - m.publishedMs);
      if (d.ok) await this.onEvent(d.event, m.seq, lookups, signal);
      else this.onMalformed(d, lookups);
      this.deps.progress(m.pending === 0);
    }
  }

  /** Reads back, in one round trip, every ticker of the batch whose events cannot be applied as they come. */
  private async prefetch(decoded: readonly { m: JournalMessage; d: Decoded }[], signal: AbortSignal): Promise<Lookups> {
    const simulated = new Map<string, number>();
    const reasons = new Map<string, RewarmReason>();
    for (const { m, d } of decoded) {
      if (!d.ok) {
        if (d.ticker !== null && !reasons.has(d.ticker)) reasons.set(d.ticker, 'malformed_event');
        continue;
      }
      const e = d.event;
      if (reasons.has(e.ticker)) continue;
      const held = simulated.has(e.ticker) ? simulated.get(e.ticker) : this.deps.ledger.version(e.ticker);
      const v = verdict(held, e.version, m.seq > this.deps.cursor.catchUpTarget);
      if (v === 'apply') simulated.set(e.ticker, e.version);
      else if (v === 'gap') reasons.set(e.ticker, 'version_gap');
      else if (v === 'unknown') reasons.set(e.ticker, 'unknown_ticker');
    }
    if (reasons.size === 0) return NO_LOOKUPS;
    return { read: await this.readBack([...reasons.keys()], signal), reasons };
  }

  private readBack(tickers: string[], signal: AbortSignal): Promise<Map<string, VersionedMarket>> {
    this.deps.counters.rewarmsTickers++;
    this.deps.counters.rewarmedTickers += tickers.length;
    return this.deps.retry('reading tickers back from Redis', () => this.deps.reader.read(tickers), signal);
  }

  /** A stream sequence was skipped: lost events on an exclusive stream; on a shared one, only if the stream was truncated past the cache. */
  private async acceptSkip(signal: AbortSignal): Promise<boolean> {
    if (this.deps.cursor.exclusive) {
      this.deps.raise('stream_gap');
      return false;
    }
    const state = await this.deps.retry('checking the stream', () => this.deps.streamState(), signal);
    if (state !== null && state.firstSeq <= this.deps.cursor.position + 1) return true;
    this.deps.raise('stream_truncated');
    return false;
  }

  private async onEvent(e: ChangeEvent, seq: number, lookups: Lookups, signal: AbortSignal): Promise<void> {
    const { ledger, counters } = this.deps;
    const v = ledger.verdict(e, seq > this.deps.cursor.catchUpTarget);
    if (v === 'stale') {
      counters.eventsDroppedStale++;
      return;
    }
    if (v === 'apply') {
      this.applyEvent(e);
      return;
    }
    const reason = lookups.reasons.get(e.ticker) ?? (v === 'gap' ? 'version_gap' : 'unknown_ticker');
    const redis = lookups.read.get(e.ticker) ?? (await this.readBack([e.ticker], signal)).get(e.ticker);
    lookups.read.delete(e.ticker);
    if (redis === undefined || redis.version === e.version) {
      // Redis holds exactly this event's outcome: apply the event itself so listeners see it.
      this.applyEvent(e);
    } else if (redis.version > e.version) {
      counters.eventsDroppedStale++;
      this.install(redis, reason);
    } else {
      this.deps.notifier.report(
        new Error(`Redis holds version ${redis.version} of ${e.ticker}, older than the journal's ${e.version}`),
        'Redis is behind the journal (restored or lost data?); applying the event',
      );
      this.applyEvent(e);
    }
  }

  private onMalformed(d: Extract<Decoded, { ok: false }>, lookups: Lookups): void {
    this.deps.counters.eventsMalformed++;
    this.deps.notifier.report(new Error(`a journal message is not a change event: ${d.reason}`), `skipped a malformed message${d.ticker ? ` for ${d.ticker}` : ''}`);
    if (d.ticker === null) return;
    const redis = lookups.read.get(d.ticker);
    lookups.read.delete(d.ticker);
    if (redis) this.install(redis, 'malformed_event');
  }

  private applyEvent(e: ChangeEvent): void {
    const previous = this.deps.ledger.set(e.ticker, e.version, marketAfter(e));
    this.deps.counters.eventsApplied++;
    this.deps.touched(e.ticker);
    this.deps.notifier.applied(e, previous);
  }

  private install(v: VersionedMarket, reason: RewarmReason): void {
    const started = performance.now();
    const change = this.deps.ledger.install(v);
    this.deps.touched(v.ticker);
    if (change) this.deps.notifier.rewarmed('tickers', reason, 1, [change], started);
  }
}
