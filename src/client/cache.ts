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
import type { ChangeType } from '../core/events.js';
import { changesSubject, defaultStreamName } from '../core/keys.js';
import { silentLogger, type Logger } from '../core/logger.js';
import type { Market } from '../core/market.js';
import { JournalApplier, type StreamCursor } from './applier.js';
import { warm } from './handoff.js';
import { CacheClosedError } from './errors.js';
import { createJournalFollower, isStreamNotFound, type FollowHandle, type FollowNotice, type JournalFollower, type JournalMessage, type PullSettings } from './journal-follower.js';
import { DEFAULT_MAX_TOMBSTONES, MarketLedger } from './ledger.js';
import { CacheNotifier } from './notifier.js';
import {
  checkEnv,
  DEFAULT_CACHE_BATCH_SIZE,
  DEFAULT_CACHE_CHECK_INTERVAL_MS,
  DEFAULT_CLIENT_CHUNK_SIZE,
  DEFAULT_CACHE_MAX_BUFFERED,
  DEFAULT_CACHE_PULL_EXPIRES_MS,
  DEFAULT_CACHE_ROLLBACK_SAMPLE,
  positiveInt,
  type MarketCacheOptions,
} from './options.js';
import { DEFAULT_BACKOFF_MAX_MS, DEFAULT_BACKOFF_MIN_MS, retrying, type BackoffOptions } from './retry.js';
import { checkSubscribable } from './subscribable.js';
import type {
  CacheCounters,
  CacheMetrics,
  MarketCacheStatus,
  ChangeEventOf,
  ChangeListener,
  ErrorListener,
  MarketTransition,
  RewarmListener,
  RewarmReason,
  TransitionListener,
  Unsubscribe,
} from './types.js';
import { createVersionedReader, type VersionedReader } from './versioned-reads.js';

export interface MarketCache {
  /** Warms the cache and starts following the journal; resolves with `ready`. Safe to call twice. */
  start(): Promise<void>;
  /** Resolves once the cache is warm and has applied the journal up to where the stream was after the warm. */
  readonly ready: Promise<void>;
  readonly status: MarketCacheStatus;
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

/** Messages applied before the loop yields to the event loop. */
const APPLY_BATCH = 2000;
/** Recently changed tickers the rollback check compares, besides a fixed sample. */
const RECENT_TICKERS = 32;

export function createMarketCache(options: MarketCacheOptions): MarketCache {
  return new MarketCacheImpl(options);
}

class MarketCacheImpl implements MarketCache {
  readonly ready: Promise<void>;
  private readonly readyDeferred = deferred<void>();
  private readyDone = false;
  private loop: Promise<void> | null = null;
  private state: MarketCacheStatus = 'idle';
  private warmed = false;

  private readonly env: string;
  private readonly redis: Redis;
  private readonly logger: Logger;
  private readonly reader: VersionedReader;
  private readonly follower: JournalFollower;
  private readonly ledger: MarketLedger;
  private readonly notifier: CacheNotifier;
  private readonly applier: JournalApplier;
  private readonly pull: PullSettings;
  private readonly maxBuffered: number;
  private readonly checkIntervalMs: number;
  private readonly backoff: BackoffOptions;
  private readonly closing = new AbortController();

  // One generation per consumer: callbacks of an older one are ignored, its work is aborted.
  private generation = 0;
  private generationAbort = new AbortController();
  private handle: FollowHandle | null = null;
  private queue: JournalMessage[] = [];
  private draining: Promise<void> | null = null;
  private trouble = deferred<RewarmReason>();
  private troubleReason: RewarmReason | null = null;
  private readonly cursor: StreamCursor = { position: 0, received: 0, catchUpTarget: 0, exclusive: true, created: null };
  private readonly recent: string[] = [];
  private waiters: { target: number; done: Deferred<void> }[] = [];
  private watchdog: NodeJS.Timeout | null = null;
  private checking = false;
  private readonly onRedisReady = (): void => void this.checkRollback();

  private readonly counters: CacheCounters = {
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

  constructor(options: MarketCacheOptions) {
    this.env = checkEnv(options.env);
    this.redis = options.redis;
    this.logger = options.logger ?? silentLogger;
    this.pull = {
      batch: positiveInt('batchSize', options.batchSize, DEFAULT_CACHE_BATCH_SIZE),
      expiresMs: Math.max(1000, positiveInt('pullExpiresMs', options.pullExpiresMs, DEFAULT_CACHE_PULL_EXPIRES_MS)),
    };
    this.maxBuffered = positiveInt('maxBuffered', options.maxBuffered, DEFAULT_CACHE_MAX_BUFFERED);
    this.checkIntervalMs = positiveInt('checkIntervalMs', options.checkIntervalMs, DEFAULT_CACHE_CHECK_INTERVAL_MS);
    this.backoff = { minMs: options.backoff?.minMs ?? DEFAULT_BACKOFF_MIN_MS, maxMs: options.backoff?.maxMs ?? DEFAULT_BACKOFF_MAX_MS };
    this.reader = createVersionedReader(options.redis, this.env, positiveInt('chunkSize', options.chunkSize, DEFAULT_CLIENT_CHUNK_SIZE));
    this.ledger = new MarketLedger(positiveInt('maxTombstones', options.maxTombstones, DEFAULT_MAX_TOMBSTONES));
    this.follower = createJournalFollower(options.nats, options.stream ?? defaultStreamName(this.env), changesSubject(this.env));
    this.notifier = new CacheNotifier(this.logger, this.env);
    this.applier = new JournalApplier({
      ledger: this.ledger,
      reader: this.reader,
      notifier: this.notifier,
      counters: this.counters,
      cursor: this.cursor,
      retry: (what, fn, signal) => this.retry(what, fn, signal),
      streamState: () => this.follower.streamState(),
      raise: (reason) => this.raise(reason),
      touched: (ticker) => {
        this.recent.push(ticker);
        if (this.recent.length > RECENT_TICKERS) this.recent.shift();
      },
      progress: (drained) => this.progress(drained),
    });
    this.ready = this.readyDeferred.promise;
    // `ready` rejects on close; callers who never awaited it must not see an unhandled rejection.
    this.ready.catch(() => undefined);
  }

  // ---- public surface ----

  get status(): MarketCacheStatus {
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
    if (this.loop === null) {
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
    if (this.cursor.position >= target) return;
    const done = deferred<void>();
    this.waiters.push({ target, done });
    return done.promise;
  }

  onChange(listener: ChangeListener): Unsubscribe {
    return this.notifier.onChange(listener);
  }

  on<T extends ChangeType>(type: T, listener: ChangeListener<ChangeEventOf<T>>): Unsubscribe {
    return this.notifier.on(type, listener);
  }

  onTransition(listener: TransitionListener): Unsubscribe {
    return this.notifier.onTransition(listener);
  }

  onMarketClosed(listener: (market: Market, transition: MarketTransition) => void): Unsubscribe {
    return this.notifier.onTransition((t) => {
      if (t.to === 'closed' && t.market) listener(t.market, t);
    });
  }

  onMarketSettled(listener: (market: Market, transition: MarketTransition) => void): Unsubscribe {
    return this.notifier.onTransition((t) => {
      if (t.to === 'settled' && t.market) listener(t.market, t);
    });
  }

  onRewarm(listener: RewarmListener): Unsubscribe {
    return this.notifier.onRewarm(listener);
  }

  onError(listener: ErrorListener): Unsubscribe {
    return this.notifier.onError(listener);
  }

  metrics(): CacheMetrics {
    return { status: this.state, size: this.ledger.size, position: this.cursor.position, buffered: this.queue.length, ...this.counters };
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
    this.notifier.clear();
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
        this.logger.warn({ env: this.env, reason, position: this.cursor.position }, 'market cache re-warms everything from Redis');
      } catch (err) {
        if (this.closing.signal.aborted) break;
        if (this.troubleReason !== null) {
          // Trouble was raised while the consumer was still being started.
          reason = this.troubleReason;
          this.counters.rewarmsFull++;
        } else {
          this.notifier.report(err, 'the cache hand-off failed; starting over');
          await sleep(this.backoff.maxMs ?? DEFAULT_BACKOFF_MAX_MS, undefined, { signal: this.closing.signal }).catch(() => undefined);
          if (this.warmed) reason = 'consumer_lost';
        }
      }
      await this.stopFollowing();
    }
  }

  private closedPromise(): Promise<null> {
    const signal = this.closing.signal;
    if (signal.aborted) return Promise.resolve(null);
    return new Promise((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true }));
  }

  /** Moves to a new status, unless the cache was closed meanwhile. */
  private enter(state: Exclude<MarketCacheStatus, 'closed' | 'idle'>): void {
    this.closing.signal.throwIfAborted();
    this.state = state;
  }

  private async handOff(reason: RewarmReason | null): Promise<void> {
    const first = !this.warmed;
    this.enter(first ? 'warming' : 'rewarming');
    const deps = { follower: this.follower, reader: this.reader, ledger: this.ledger, retry: this.retry.bind(this) };
    for (;;) {
      const result = await warm(deps, !first, this.closing.signal);
      if (result.type === 'stream_changed') {
        reason = result.reason;
        this.counters.rewarmsFull++;
        this.logger.warn({ env: this.env, reason, position: result.position }, 'the stream changed during the warm; warming again');
        continue;
      }
      Object.assign(this.cursor, result.cursor);
      this.counters.lastWarmMs = Math.round(performance.now() - result.startedMs);
      this.warmed = true;
      this.logger.info({ env: this.env, markets: this.ledger.size, ms: this.counters.lastWarmMs, position: this.cursor.position, reason }, first ? 'market cache warmed' : 'market cache re-warmed');
      if (result.changes !== null) this.notifier.rewarmed('all', reason ?? 'consumer_lost', result.read, result.changes, result.startedMs);
      await this.follow(result.cursor.created === null);
      return;
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
      async () => {
        const h = await this.follower.follow(this.cursor.position + 1, this.pull, (m) => this.onMessage(gen, m), (n) => this.onNotice(gen, n));
        // Created after the cache stopped waiting for it (closed, or trouble): do not leave it pulling.
        if (signal.aborted) await h.stop();
        return h;
      },
      {
        signal,
        backoff: this.backoff,
        onError: (err, context) => {
          // A stream that does not exist yet is reported once, not on every retry.
          if (isStreamNotFound(err) && quiet) return;
          quiet = isStreamNotFound(err);
          this.notifier.report(err, context);
        },
      },
    );
    this.handle = handle;
    this.progress(handle.initialPending === 0);
  }

  private async stopFollowing(): Promise<void> {
    this.generation++;
    this.generationAbort.abort();
    this.queue = [];
    const handle = this.handle;
    this.handle = null;
    await handle?.stop().catch((err: unknown) => this.notifier.report(err, 'stopping the JetStream consumer'));
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
    if (m.seq > this.cursor.received) this.cursor.received = m.seq;
    this.queue.push(m);
    if (this.queue.length > this.counters.bufferedPeak) this.counters.bufferedPeak = this.queue.length;
    if (this.queue.length > this.maxBuffered) {
      this.raise('buffer_overflow');
      return;
    }
    const signal = this.generationAbort.signal;
    this.draining ??= this.drain(gen, AbortSignal.any([this.closing.signal, signal]))
      .catch((err: unknown) => {
        if (signal.aborted || this.closing.signal.aborted) return;
        // Not a retry cut short: the position can no longer be trusted.
        this.notifier.report(err, 'applying journal events failed; re-warming');
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
      this.logger.info({ env: this.env, position: this.cursor.received }, 'JetStream consumer recreated after the last delivered message');
      void this.checkStream();
    } else if (n.type === 'stream_not_found') {
      void this.checkStream();
    } else {
      this.notifier.report(n.error ?? new Error('the JetStream consumer stopped'), 'the JetStream consumer stopped');
      this.raise('consumer_lost');
    }
  }

  private async drain(gen: number, signal: AbortSignal): Promise<void> {
    // Yield first so a burst of delivered messages is handled as one batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0 && gen === this.generation && !signal.aborted) {
      const batch = this.queue.length <= APPLY_BATCH ? this.queue : this.queue.slice(0, APPLY_BATCH);
      this.queue = batch === this.queue ? [] : this.queue.slice(APPLY_BATCH);
      await this.applier.apply(batch, signal);
      // Let deliveries, timers and the application run between batches of a large backlog.
      if (this.queue.length > 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Resolves `ready` and the `catchUp()` waiters the position has reached. */
  private progress(drained: boolean): void {
    const { position, catchUpTarget } = this.cursor;
    if (!this.readyDone && (drained || position >= catchUpTarget)) {
      this.readyDone = true;
      this.readyDeferred.resolve();
    }
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      if (position < w.target) return true;
      w.done.resolve();
      return false;
    });
  }

  // ---- checks that run beside the consumer ----

  /** The stream was recreated, or truncated past what the cache received: re-warm. Also refreshes the lag. */
  private async checkStream(): Promise<void> {
    if (this.checking || this.state !== 'following') return;
    this.checking = true;
    const c = this.cursor;
    try {
      // Deliveries and the info reply are not ordered with each other: only what was received
      // before asking proves the stream went backwards.
      const receivedBefore = c.received;
      const state = await this.follower.streamState();
      if (state === null || this.state !== 'following') return;
      c.created ??= state.created;
      c.exclusive = state.exclusive;
      if (state.created !== c.created || state.lastSeq < receivedBefore) this.raise('stream_recreated');
      else if (state.firstSeq > c.received + 1 && state.subjectLastSeq > c.received) this.raise('stream_truncated');
      else if (c.exclusive) this.counters.lagMessages = Math.max(0, state.subjectLastSeq - c.position);
    } catch (err) {
      this.notifier.report(err, 'checking the change stream');
    } finally {
      this.checking = false;
    }
  }

  /** After a Redis reconnect: if Redis holds older versions than the cache, it lost data or was restored. */
  private async checkRollback(): Promise<void> {
    if (this.state !== 'following') return;
    try {
      const held = this.ledger.sample(DEFAULT_CACHE_ROLLBACK_SAMPLE, this.recent);
      const now = await this.reader.versions([...held.keys()]);
      for (const [ticker, version] of held) {
        if ((now.get(ticker) ?? 0) < version) {
          this.logger.warn({ env: this.env, ticker, held: version, redis: now.get(ticker) ?? 0 }, 'Redis holds an older version than the cache after reconnecting');
          this.raise('redis_rollback');
          return;
        }
      }
    } catch (err) {
      this.notifier.report(err, 'comparing versions with Redis after a reconnect');
    }
  }

  private retry<T>(what: string, fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    return retrying(what, fn, { signal, backoff: this.backoff, onError: (err, context) => this.notifier.report(err, context) });
  }
}
