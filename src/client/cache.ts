/**
 * The market cache: warmed from Redis, then kept current from the change journal, with no
 * change missed and none applied out of order. The hand-off (docs/consuming.md):
 *
 * 1. read the stream's last sequence P;
 * 2. read every market with its version from Redis (chunked; market and version in one MULTI);
 * 3. check the stream still holds everything after P (else start over), and note the sequence T
 *    of the subject's last message;
 * 4. follow the stream with an ordered consumer from P + 1, applying an event only when its
 *    version is the next one for its ticker; `ready` resolves once T is processed.
 *
 * An event published at or before P was committed before step 1, so the snapshot already holds
 * it (or something newer). An event the snapshot missed was committed after that ticker was read,
 * so it was published after step 1 and has a sequence above P. The stream is the buffer.
 */
import type { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChangeEvent, ChangeType } from '../core/events.js';
import { changesSubject, defaultStreamName } from '../core/keys.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Market } from '../core/market.js';
import { decodeEvent, type Decoded } from './decode.js';
import { CacheClosedError } from './errors.js';
import { checkSubscribable } from './subscribable.js';
import { createJournalFollower, isStreamNotFound, type FollowHandle, type FollowNotice, type JournalFollower, type JournalMessage, type PullSettings } from './journal-follower.js';
import { DEFAULT_MAX_TOMBSTONES, marketAfter, MarketLedger, transitionOf, verdict } from './ledger.js';
import { Listeners } from './listeners.js';
import {
  checkEnv,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_BUFFERED,
  DEFAULT_PULL_EXPIRES_MS,
  DEFAULT_ROLLBACK_SAMPLE,
  positiveInt,
  type MarketCacheOptions,
} from './options.js';
import { createVersionedReader, type VersionedMarket, type VersionedReader } from './versioned-reads.js';
import { DEFAULT_BACKOFF_MAX_MS, DEFAULT_BACKOFF_MIN_MS, retrying, type BackoffOptions } from './retry.js';
import type {
  CacheMetrics,
  CacheStatus,
  ChangeEventOf,
  ChangeListener,
  ErrorListener,
  MarketTransition,
  RewarmChange,
  RewarmListener,
  RewarmReason,
  RewarmReport,
  TransitionListener,
  Unsubscribe,
} from './types.js';

export interface MarketCache {
  /** Warms the cache and starts following the journal; resolves with `ready`. Safe to call twice. */
  start(): Promise<void>;
  /** Resolves once the cache is warm and has applied the journal up to where the stream was after the warm. */
  readonly ready: Promise<void>;
  readonly status: CacheStatus;
  /** Markets held. */
  readonly size: number;
  get(ticker: string): Market | undefined;
  has(ticker: string): boolean;
  /** The version held for a ticker (of its last event), also for a removed ticker the cache remembers. */
  version(ticker: string): number | undefined;
  values(): IterableIterator<Market>;
  /**
   * The seed's connector check: returns the market when it is active, throws `MarketNotFoundError`
   * or `MarketNotActiveError` otherwise.
   */
  assertSubscribable(ticker: string): Market;
  /** Resolves once every change event the stream holds now has been processed. */
  catchUp(): Promise<void>;
  /** Every journal event applied to the cache, after the cache changed. */
  onChange(listener: ChangeListener): Unsubscribe;
  /** Journal events of one type, narrowed. */
  on<T extends ChangeType>(type: T, listener: ChangeListener<ChangeEventOf<T>>): Unsubscribe;
  /** Status changes (including appearing and leaving), from events and from re-warms. */
  onTransition(listener: TransitionListener): Unsubscribe;
  /** A market became closed. */
  onMarketClosed(listener: (market: Market, transition: MarketTransition) => void): Unsubscribe;
  /** A market became settled. */
  onMarketSettled(listener: (market: Market, transition: MarketTransition) => void): Unsubscribe;
  /** What a re-warm changed (after the first warm). */
  onRewarm(listener: RewarmListener): Unsubscribe;
  /** Trouble the cache works around by itself (retries, malformed events, a listener that threw). */
  onError(listener: ErrorListener): Unsubscribe;
  metrics(): CacheMetrics;
  /** Stops following and releases listeners; leaves the Redis and NATS connections open. */
  close(): Promise<void>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface Lookups {
  read: Map<string, VersionedMarket>;
  reasons: Map<string, RewarmReason>;
}

const NO_LOOKUPS: Lookups = { read: new Map(), reasons: new Map() };
/** Messages applied before the loop yields to the event loop. */
const APPLY_BATCH = 2000;
/** Tickers whose versions the rollback check compares, besides a fixed sample. */
const RECENT_TICKERS = 32;

export function createMarketCache(options: MarketCacheOptions): MarketCache {
  return new MarketCacheImpl(options);
}

class MarketCacheImpl implements MarketCache {
  readonly ready: Promise<void>;
  private readonly readyDeferred = deferred<void>();
  private readyDone = false;
  private started = false;
  private state: CacheStatus = 'idle';

  private readonly env: string;
  private readonly redis: Redis;
  private readonly logger: Logger;
  private readonly reader: VersionedReader;
  private readonly follower: JournalFollower;
  private readonly ledger: MarketLedger;
  private readonly pull: PullSettings;
  private readonly maxBuffered: number;
  private readonly checkIntervalMs: number;
  private readonly backoff: BackoffOptions;
  private readonly closing = new AbortController();
  private readonly decoder = new TextDecoder();

  // Following state: one generation per consumer; callbacks of an older one are ignored.
  private generation = 0;
  private generationAbort = new AbortController();
  private handle: FollowHandle | null = null;
  private queue: JournalMessage[] = [];
  private draining: Promise<void> | null = null;
  private trouble = deferred<RewarmReason>();
  private troubleReason: RewarmReason | null = null;
  private warmed = false;
  /** Stream sequence of the last message processed. */
  private position = 0;
  /** Highest stream sequence received (processed or queued). */
  private received = 0;
  /** Sequence of the subject's last message right after the snapshot: below it, version-1 events may predate the snapshot. */
  private catchUpTarget = 0;
  private exclusive = true;
  private streamCreated: string | null = null;
  private readonly recent: string[] = [];
  private waiters: { target: number; done: Deferred<void> }[] = [];
  private watchdog: NodeJS.Timeout | null = null;
  private checking = false;
  private loop: Promise<void> | null = null;
  private readonly onRedisReady = (): void => void this.checkRollback();

  private readonly counters = {
    eventsReceived: 0,
    eventsApplied: 0,
    eventsDroppedStale: 0,
    eventsMalformed: 0,
    rewarmsTickers: 0,
    rewarmedTickers: 0,
    rewarmsFull: 0,
    consumerResets: 0,
    lagMessages: 0,
    lagMs: 0,
    bufferedPeak: 0,
    lastWarmMs: 0,
  };

  private readonly errorListeners: Listeners<[unknown, string]>;
  private readonly changeListeners: Listeners<[ChangeEvent, Market | undefined]>;
  private readonly typedListeners = new Map<ChangeType, Listeners<[ChangeEvent, Market | undefined]>>();
  private readonly transitionListeners: Listeners<[MarketTransition]>;
  private readonly rewarmListeners: Listeners<[RewarmReport]>;

  constructor(options: MarketCacheOptions) {
    this.env = checkEnv(options.env);
    this.redis = options.redis;
    this.logger = options.logger ?? silentLogger;
    this.pull = {
      batch: positiveInt('batchSize', options.batchSize, DEFAULT_BATCH_SIZE),
      expiresMs: Math.max(1000, positiveInt('pullExpiresMs', options.pullExpiresMs, DEFAULT_PULL_EXPIRES_MS)),
    };
    this.maxBuffered = positiveInt('maxBuffered', options.maxBuffered, DEFAULT_MAX_BUFFERED);
    this.checkIntervalMs = positiveInt('checkIntervalMs', options.checkIntervalMs, DEFAULT_CHECK_INTERVAL_MS);
    this.backoff = { minMs: options.backoff?.minMs ?? DEFAULT_BACKOFF_MIN_MS, maxMs: options.backoff?.maxMs ?? DEFAULT_BACKOFF_MAX_MS };
    this.reader = createVersionedReader(options.redis, this.env, positiveInt('chunkSize', options.chunkSize, DEFAULT_CHUNK_SIZE));
    this.ledger = new MarketLedger(positiveInt('maxTombstones', options.maxTombstones, DEFAULT_MAX_TOMBSTONES));
    this.follower = createJournalFollower(options.nats, options.stream ?? defaultStreamName(this.env), changesSubject(this.env));
    this.ready = this.readyDeferred.promise;
    // `ready` rejects on close; callers who never awaited it must not see an unhandled rejection.
    this.ready.catch(() => undefined);
    const listenerThrew = (err: unknown): void => this.report(err, 'a cache listener threw');
    this.errorListeners = new Listeners((err) => this.logger.error({ err: String(err) }, 'an onError listener threw'));
    this.changeListeners = new Listeners(listenerThrew);
    this.transitionListeners = new Listeners(listenerThrew);
    this.rewarmListeners = new Listeners(listenerThrew);
  }

  // ---- public surface ----

  get status(): CacheStatus {
    return this.state;
  }

  get size(): number {
    return this.ledger.size;
  }

  get(ticker: string): Market | undefined {
    return this.ledger.get(ticker);
  }

  has(ticker: string): boolean {
    return this.ledger.get(ticker) !== undefined;
  }

  version(ticker: string): number | undefined {
    return this.ledger.version(ticker);
  }

  values(): IterableIterator<Market> {
    return this.ledger.values();
  }

  assertSubscribable(ticker: string): Market {
    return checkSubscribable(ticker, this.ledger.get(ticker));
  }

  start(): Promise<void> {
    if (this.closing.signal.aborted) return Promise.reject(new CacheClosedError('the market cache was closed; create a new one'));
    if (!this.started) {
      this.started = true;
      this.redis.on('ready', this.onRedisReady);
      this.watchdog = setInterval(() => void this.checkStream(), this.checkIntervalMs);
      this.watchdog.unref();
      this.loop = this.run();
    }
    return this.ready;
  }

  async catchUp(): Promise<void> {
    await this.ready;
    const state = await this.retry('reading the stream state', () => this.follower.streamState(), this.closing.signal);
    const target = state?.subjectLastSeq ?? 0;
    if (this.position >= target) return;
    const done = deferred<void>();
    this.waiters.push({ target, done });
    return done.promise;
  }

  onChange(listener: ChangeListener): Unsubscribe {
    return this.changeListeners.add(listener);
  }

  on<T extends ChangeType>(type: T, listener: ChangeListener<ChangeEventOf<T>>): Unsubscribe {
    let set = this.typedListeners.get(type);
    if (set === undefined) {
      set = new Listeners((err) => this.report(err, 'a cache listener threw'));
      this.typedListeners.set(type, set);
    }
    return set.add(listener as ChangeListener);
  }

  onTransition(listener: TransitionListener): Unsubscribe {
    return this.transitionListeners.add(listener);
  }

  onMarketClosed(listener: (market: Market, transition: MarketTransition) => void): Unsubscribe {
    return this.transitionListeners.add((t) => {
      if (t.to === 'closed' && t.market) listener(t.market, t);
    });
  }

  onMarketSettled(listener: (market: Market, transition: MarketTransition) => void): Unsubscribe {
    return this.transitionListeners.add((t) => {
      if (t.to === 'settled' && t.market) listener(t.market, t);
    });
  }

  onRewarm(listener: RewarmListener): Unsubscribe {
    return this.rewarmListeners.add(listener);
  }

  onError(listener: ErrorListener): Unsubscribe {
    return this.errorListeners.add(listener);
  }

  metrics(): CacheMetrics {
    return { status: this.state, size: this.ledger.size, position: this.position, buffered: this.queue.length, ...this.counters };
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(new CacheClosedError());
    this.state = 'closed';
    if (this.watchdog) clearInterval(this.watchdog);
    this.redis.off('ready', this.onRedisReady);
    if (!this.readyDone) this.readyDeferred.reject(new CacheClosedError('the market cache was closed before it was ready'));
    for (const w of this.waiters) w.done.reject(new CacheClosedError());
    this.waiters = [];
    await this.stopFollowing();
    await this.loop?.catch(() => undefined);
    for (const l of [this.changeListeners, this.transitionListeners, this.rewarmListeners, this.errorListeners, ...this.typedListeners.values()]) l.clear();
  }

  // ---- the loop: hand-off, follow until trouble, re-warm ----

  private async run(): Promise<void> {
    let reason: RewarmReason | null = null;
    while (!this.closing.signal.aborted) {
      try {
        await this.handOff(reason);
        reason = await Promise.race([this.trouble.promise, this.closedPromise()]);
        if (reason === null) break;
        this.counters.rewarmsFull++;
        this.logger.warn({ env: this.env, reason, position: this.position }, 'market cache re-warms everything from Redis');
        await this.stopFollowing();
      } catch (err) {
        if (this.closing.signal.aborted) break;
        if (this.troubleReason !== null) {
          // Trouble was raised while the consumer was still being started.
          reason = this.troubleReason;
          this.counters.rewarmsFull++;
        } else {
          this.report(err, 'the cache hand-off failed; starting over');
          await sleep(this.backoff.maxMs ?? DEFAULT_BACKOFF_MAX_MS, undefined, { signal: this.closing.signal }).catch(() => undefined);
          if (this.warmed) reason = 'consumer_lost';
        }
        await this.stopFollowing();
      }
    }
  }

  private closedPromise(): Promise<null> {
    const signal = this.closing.signal;
    if (signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true }));
  }

  /** Moves to a new status, unless the cache was closed meanwhile. */
  private enter(state: Exclude<CacheStatus, 'closed' | 'idle'>): void {
    this.closing.signal.throwIfAborted();
    this.state = state;
  }

  private async handOff(reason: RewarmReason | null): Promise<void> {
    const first = !this.warmed;
    this.enter(first ? 'warming' : 'rewarming');
    const signal = this.closing.signal;
    for (;;) {
      const started = performance.now();
      const before = await this.retry('reading the stream state', () => this.follower.streamState(), signal);
      const p = before?.lastSeq ?? 0;
      const changes: RewarmChange[] | null = first ? null : [];
      const seen = new Set<string>();
      let after: string | null = null;
      await this.retry('reading the markets from Redis', async () => {
        for await (const chunk of this.reader.scan(after)) {
          signal.throwIfAborted();
          this.ledger.installSnapshot(chunk, seen, changes);
          after = chunk[chunk.length - 1]!.ticker;
        }
      }, signal);
      this.ledger.finishSnapshot(seen, changes);
      const now = await this.retry('reading the stream state', () => this.follower.streamState(), signal);
      if (now !== null && before !== null && now.created !== before.created) {
        reason = 'stream_recreated';
      } else if (now !== null && now.firstSeq > p + 1) {
        // Messages published after P are gone already: the snapshot may not cover them.
        reason = 'stream_truncated';
      } else {
        this.position = this.received = now === null ? 0 : p;
        this.streamCreated = now?.created ?? null;
        this.exclusive = now?.exclusive ?? true;
        this.catchUpTarget = now?.subjectLastSeq ?? 0;
        this.counters.lastWarmMs = Math.round(performance.now() - started);
        this.warmed = true;
        this.logger.info({ env: this.env, markets: this.ledger.size, ms: this.counters.lastWarmMs, position: this.position, reason }, first ? 'market cache warmed' : 'market cache re-warmed');
        if (changes !== null) this.announceRewarm('all', reason ?? 'consumer_lost', seen.size, changes, started);
        await this.follow(now === null);
        return;
      }
      this.counters.rewarmsFull++;
      this.logger.warn({ env: this.env, reason, position: p }, 'the stream changed during the warm; warming again');
    }
  }

  private async follow(streamMissing: boolean): Promise<void> {
    this.trouble = deferred<RewarmReason>();
    this.troubleReason = null;
    const gen = ++this.generation;
    this.generationAbort = new AbortController();
    const signal = AbortSignal.any([this.closing.signal, this.generationAbort.signal]);
    this.enter('following');
    if (streamMissing) this.logger.info({ env: this.env }, 'the change stream does not exist yet; the cache follows it once the first sync creates it');
    this.progress(streamMissing);
    let quiet = false;
    const handle = await retrying(
      'starting the JetStream consumer',
      () => this.follower.follow(this.position + 1, this.pull, (m) => this.onMessage(gen, m), (n) => this.onNotice(gen, n)),
      {
        signal,
        backoff: this.backoff,
        onError: (err, context) => {
          if (isStreamNotFound(err) && quiet) return;
          quiet = isStreamNotFound(err);
          this.report(err, context);
        },
      },
    );
    if (gen !== this.generation) {
      await handle.stop();
      return;
    }
    this.handle = handle;
    this.progress(handle.initialPending === 0);
  }

  private async stopFollowing(): Promise<void> {
    this.generation++;
    this.generationAbort.abort();
    this.queue = [];
    const handle = this.handle;
    this.handle = null;
    await handle?.stop().catch((err: unknown) => this.report(err, 'stopping the JetStream consumer'));
    await this.draining?.catch(() => undefined);
  }

  private raise(reason: RewarmReason): void {
    if (this.troubleReason !== null || this.state !== 'following') return;
    this.troubleReason = reason;
    this.generationAbort.abort();
    this.trouble.resolve(reason);
  }

  // ---- journal messages ----

  private onMessage(gen: number, m: JournalMessage): void {
    if (gen !== this.generation) return;
    this.counters.eventsReceived++;
    if (m.seq > this.received) this.received = m.seq;
    this.queue.push(m);
    if (this.queue.length > this.counters.bufferedPeak) this.counters.bufferedPeak = this.queue.length;
    if (this.queue.length > this.maxBuffered) {
      this.raise('buffer_overflow');
      return;
    }
    this.draining ??= this.drain(gen)
      .catch((err: unknown) => {
        if (this.generationAbort.signal.aborted || this.closing.signal.aborted) return;
        // Not a retry that was cut short: the position can no longer be trusted.
        this.report(err, 'applying journal events failed; re-warming');
        this.raise('consumer_lost');
      })
      .finally(() => {
        this.draining = null;
      });
  }

  private onNotice(gen: number, n: FollowNotice): void {
    if (gen !== this.generation) return;
    if (n.type === 'reset') {
      this.counters.consumerResets++;
      this.logger.info({ env: this.env, position: this.received }, 'JetStream consumer recreated after the last delivered message');
      void this.checkStream();
    } else if (n.type === 'stream_not_found') {
      void this.checkStream();
    } else {
      this.report(n.error ?? new Error('the JetStream consumer stopped'), 'the JetStream consumer stopped');
      this.raise('consumer_lost');
    }
  }

  private async drain(gen: number): Promise<void> {
    // Yield first so a burst of delivered messages is handled as one batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0 && gen === this.generation && this.troubleReason === null) {
      const batch = this.queue.length <= APPLY_BATCH ? this.queue : this.queue.slice(0, APPLY_BATCH);
      this.queue = batch === this.queue ? [] : this.queue.slice(APPLY_BATCH);
      await this.processBatch(batch, gen);
      // Let deliveries, timers and the application run between batches of a large backlog.
      if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async processBatch(batch: JournalMessage[], gen: number): Promise<void> {
    const decoded = batch.map((m) => ({ m, d: decodeEvent(this.decoder.decode(m.data)) }));
    const lookups = await this.prefetch(decoded);
    for (const { m, d } of decoded) {
      if (gen !== this.generation || this.troubleReason !== null) return;
      if (m.seq <= this.position) continue;
      if (m.seq > this.position + 1 && !(await this.acceptSkip())) return;
      this.position = m.seq;
      this.counters.lagMessages = m.pending;
      this.counters.lagMs = Math.max(0, Date.now() - m.publishedMs);
      if (d.ok) await this.onEvent(d.event, m.seq, lookups);
      else this.onMalformed(d, lookups);
      this.progress(m.pending === 0);
    }
  }

  /** Reads back, in one round trip, every ticker of the batch whose events cannot be applied as they come. */
  private async prefetch(decoded: { m: JournalMessage; d: Decoded }[]): Promise<Lookups> {
    const simulated = new Map<string, number>();
    const reasons = new Map<string, RewarmReason>();
    for (const { m, d } of decoded) {
      if (!d.ok) {
        if (d.ticker !== null && !reasons.has(d.ticker)) reasons.set(d.ticker, 'malformed_event');
        continue;
      }
      const e = d.event;
      if (reasons.has(e.ticker)) continue;
      const held = simulated.has(e.ticker) ? simulated.get(e.ticker) : this.ledger.version(e.ticker);
      const v = verdict(held, e.version, m.seq > this.catchUpTarget);
      if (v === 'apply') simulated.set(e.ticker, e.version);
      else if (v === 'gap') reasons.set(e.ticker, 'version_gap');
      else if (v === 'unknown') reasons.set(e.ticker, 'unknown_ticker');
    }
    if (reasons.size === 0) return NO_LOOKUPS;
    return { read: await this.readBack([...reasons.keys()]), reasons };
  }

  private async readBack(tickers: string[]): Promise<Map<string, VersionedMarket>> {
    this.counters.rewarmsTickers++;
    this.counters.rewarmedTickers += tickers.length;
    const signal = AbortSignal.any([this.closing.signal, this.generationAbort.signal]);
    return this.retry('reading tickers back from Redis', () => this.reader.read(tickers), signal);
  }

  /** A stream sequence was skipped: lost events on an exclusive stream; on a shared one, only if the stream was truncated past us. */
  private async acceptSkip(): Promise<boolean> {
    if (this.exclusive) {
      this.raise('stream_gap');
      return false;
    }
    const signal = AbortSignal.any([this.closing.signal, this.generationAbort.signal]);
    const state = await this.retry('checking the stream', () => this.follower.streamState(), signal);
    if (state !== null && state.firstSeq <= this.position + 1) return true;
    this.raise('stream_truncated');
    return false;
  }

  private async onEvent(e: ChangeEvent, seq: number, lookups: Lookups): Promise<void> {
    const v = this.ledger.verdict(e, seq > this.catchUpTarget);
    if (v === 'stale') {
      this.counters.eventsDroppedStale++;
      return;
    }
    if (v === 'apply') {
      this.applyEvent(e);
      return;
    }
    const reason = lookups.reasons.get(e.ticker) ?? (v === 'gap' ? 'version_gap' : 'unknown_ticker');
    const redis = lookups.read.get(e.ticker) ?? (await this.readBack([e.ticker])).get(e.ticker);
    lookups.read.delete(e.ticker);
    if (redis === undefined || redis.version === e.version) {
      // Redis holds exactly this event's outcome: apply the event itself so listeners see it.
      this.applyEvent(e);
    } else if (redis.version > e.version) {
      this.counters.eventsDroppedStale++;
      this.installFromRedis(redis, reason);
    } else {
      this.report(new Error(`Redis holds version ${redis.version} of ${e.ticker}, older than the journal's ${e.version}`), 'Redis is behind the journal (restored or lost data?); applying the event');
      this.applyEvent(e);
    }
  }

  private onMalformed(d: Extract<Decoded, { ok: false }>, lookups: Lookups): void {
    this.counters.eventsMalformed++;
    this.report(new Error(`a journal message is not a change event: ${d.reason}`), `skipped a malformed message${d.ticker ? ` for ${d.ticker}` : ''}`);
    if (d.ticker === null) return;
    const redis = lookups.read.get(d.ticker);
    lookups.read.delete(d.ticker);
    if (redis) this.installFromRedis(redis, 'malformed_event');
  }

  private applyEvent(e: ChangeEvent): void {
    const market = marketAfter(e);
    const previous = this.ledger.set(e.ticker, e.version, market);
    this.counters.eventsApplied++;
    this.remember(e.ticker);
    this.changeListeners.emit(e, previous);
    this.typedListeners.get(e.type)?.emit(e, previous);
    const t = transitionOf(e.ticker, previous, market ?? undefined, e.version, { type: 'event', event: e });
    if (t) this.transitionListeners.emit(t);
  }

  private installFromRedis(v: VersionedMarket, reason: RewarmReason): void {
    const started = performance.now();
    const change = this.ledger.install(v);
    this.remember(v.ticker);
    if (change) this.announceRewarm('tickers', reason, 1, [change], started);
  }

  private announceRewarm(scope: 'tickers' | 'all', reason: RewarmReason, read: number, changes: RewarmChange[], started: number): void {
    this.rewarmListeners.emit({ scope, reason, read, changes, durationMs: Math.round(performance.now() - started) });
    for (const c of changes) {
      const t = transitionOf(c.ticker, c.previous, c.market, c.version, { type: 'rewarm', reason });
      if (t) this.transitionListeners.emit(t);
    }
  }

  private remember(ticker: string): void {
    this.recent.push(ticker);
    if (this.recent.length > RECENT_TICKERS) this.recent.shift();
  }

  /** Resolves `ready` and `catchUp()` waiters the position has reached. */
  private progress(drained: boolean): void {
    if (!this.readyDone && (drained || this.position >= this.catchUpTarget)) {
      this.readyDone = true;
      this.readyDeferred.resolve();
    }
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      if (this.position < w.target) return true;
      w.done.resolve();
      return false;
    });
  }

  // ---- checks that run beside the consumer ----

  /** The stream was recreated, or truncated past what the cache received: re-warm. Also refreshes the lag. */
  private async checkStream(): Promise<void> {
    if (this.checking || this.state !== 'following') return;
    this.checking = true;
    try {
      // Deliveries and the info reply are not ordered with each other: only what was received
      // before asking proves the stream went backwards.
      const receivedBefore = this.received;
      const state = await this.follower.streamState();
      if (state === null || this.state !== 'following') return;
      if (this.streamCreated === null) this.streamCreated = state.created;
      this.exclusive = state.exclusive;
      if (state.created !== this.streamCreated || state.lastSeq < receivedBefore) this.raise('stream_recreated');
      else if (state.firstSeq > this.received + 1 && state.subjectLastSeq > this.received) this.raise('stream_truncated');
      else if (this.exclusive) this.counters.lagMessages = Math.max(0, state.subjectLastSeq - this.position);
    } catch (err) {
      this.report(err, 'checking the change stream');
    } finally {
      this.checking = false;
    }
  }

  /** After a Redis reconnect: if Redis holds older versions than the cache, it lost data or was restored. */
  private async checkRollback(): Promise<void> {
    if (this.state !== 'following') return;
    try {
      const held = this.ledger.sample(DEFAULT_ROLLBACK_SAMPLE, this.recent);
      const now = await this.reader.versions([...held.keys()]);
      for (const [ticker, version] of held) {
        if ((now.get(ticker) ?? 0) < version) {
          this.logger.warn({ env: this.env, ticker, held: version, redis: now.get(ticker) ?? 0 }, 'Redis holds an older version than the cache after reconnecting');
          this.raise('redis_rollback');
          return;
        }
      }
    } catch (err) {
      this.report(err, 'comparing versions with Redis after a reconnect');
    }
  }

  private retry<T>(what: string, fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return retrying(what, fn, { signal, backoff: this.backoff, onError: (err, context) => this.report(err, context) });
  }

  private report(err: unknown, context: string): void {
    this.logger.warn({ env: this.env, err: err instanceof Error ? err.message : String(err) }, context);
    this.errorListeners.emit(err, context);
  }
}
