import { randomBytes } from 'node:crypto';
import { fingerprint } from '../core/diff.js';
import { AbortedError, GuardRefusedError, LockLostError, SecmasterError } from '../core/errors.js';
import { isLive, type IndexEntry, type IndexState } from '../core/index-entry.js';
import type { KalshiMarketRecord } from '../core/kalshi.js';
import type { Logger } from '../core/logger.js';
import type { Market, MarketStatus } from '../core/market.js';
import { normalizeMarket } from '../core/normalize.js';
import {
  exceedsRemovalGuard,
  isArchivable,
  planRemoval,
  planUpsert,
  type MarketWrite,
  type PlanContext,
  type RemovalGuard,
  type WriteKind,
} from '../core/plan.js';
import type { MarketQuery, MarketSource, MveFilter } from '../core/ports.js';
import type { StageDurations, SyncMode, SyncReport } from '../core/report.js';
import { epochSeconds, formatUtc } from '../core/time.js';
import type { NatsChangeJournal } from '../journal/nats-journal.js';
import type { RedisMarketStore } from '../store/redis-store.js';
import { CategoryResolver } from './categories.js';
import { drainOutbox } from './outbox.js';

/** @defaultValue 60 s; renewed every third of it while the run is alive. */
export const DEFAULT_LOCK_TTL_MS = 60_000;
/** Seconds subtracted from the watermark: Kalshi's bound is exclusive and second-grained. @defaultValue 120 */
export const DEFAULT_OVERLAP_SECONDS = 120;
/** How long settled markets stay in the cache. @defaultValue 3 days */
export const DEFAULT_RETENTION_SECONDS = 3 * 24 * 3600;
export const DEFAULT_REMOVAL_GUARD: RemovalGuard = { maxShare: 0.1, allowance: 10 };
/** Kalshi's `status` filters that make up the live catalogue, walked in lifecycle order. */
export const LIVE_STATUS_FILTERS = ['unopened', 'open', 'paused', 'closed'] as const;

export interface SyncOptions {
  env: string;
  mode: SyncMode;
  dryRun: boolean;
  /** @defaultValue 'exclude' */
  mveFilter: MveFilter | null;
  lockTtlMs: number;
  overlapSeconds: number;
  retentionSeconds: number;
  removalGuard: RemovalGuard;
  /** Incremental runs exit 0 at once when Kalshi says trading is not active. */
  skipOutsideTradingHours: boolean;
  signal?: AbortSignal;
  /** Fault injection for the crash-consistency test: SIGKILL the process right after the commit. */
  crashAfterCommit?: boolean;
}

export interface SyncDeps {
  source: MarketSource;
  store: RedisMarketStore;
  /** Null only for dry runs, which publish nothing. */
  journal: NatsChangeJournal | null;
  logger: Logger;
  now?: () => Date;
}

export interface SyncOutcome {
  report: SyncReport;
  /** Set when the run failed; `report.error` carries its code and sentence. */
  error?: unknown;
}

function describeReason(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

export function newSyncId(mode: SyncMode, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${mode}-${stamp}-${randomBytes(3).toString('hex')}`;
}

function emptyStages(): StageDurations {
  return { fetch: 0, plan: 0, write: 0, publish: 0 };
}

/** Runs one sync and reports what it did; never throws (the outcome carries the error). */
export async function runSync(deps: SyncDeps, options: SyncOptions): Promise<SyncOutcome> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const run = new SyncRun(deps, options, started, newSyncId(options.mode, started));
  return run.execute();
}

class SyncRun {
  private readonly report: SyncReport;
  private readonly stages = emptyStages();
  private readonly index = new Map<string, IndexEntry>();
  /** Tickers seen this run -> the kind of write staged for them (null: unchanged). */
  private readonly seen = new Map<string, WriteKind | null>();
  /** Index state each staged write leaves its ticker in (for the cache counts; no re-read). */
  private readonly written = new Map<string, IndexState>();
  /** Tickers Kalshi listed but sent malformed: neither changed nor absent. */
  private readonly malformed = new Set<string>();
  private readonly ctx: PlanContext;
  private readonly categories: CategoryResolver;
  private readonly controller = new AbortController();
  private lockToken: string | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private committed = false;
  private staged = false;

  constructor(
    private readonly deps: SyncDeps,
    private readonly options: SyncOptions,
    private readonly started: Date,
    readonly syncId: string,
  ) {
    this.ctx = { env: options.env, syncId, timestamp: formatUtc(started.getTime()) };
    this.categories = new CategoryResolver(deps.source);
    this.report = {
      env: options.env,
      mode: options.mode,
      sync_id: syncId,
      status: 'success',
      dry_run: options.dryRun,
      started_at: this.ctx.timestamp,
      finished_at: this.ctx.timestamp,
      duration_ms: 0,
      total: 0,
      added: 0,
      updated: 0,
      removed: 0,
      settled: 0,
      unchanged: 0,
      invalid: 0,
      pages: 0,
      requests: 0,
      retries: 0,
      rate_limited: 0,
      events_published: 0,
      outbox_pending: 0,
      stages_ms: this.stages,
    };
    if (options.signal) {
      if (options.signal.aborted) this.controller.abort(options.signal.reason);
      else options.signal.addEventListener('abort', () => this.controller.abort(options.signal?.reason), { once: true });
    }
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private get log(): Logger {
    return this.deps.logger;
  }

  private checkAborted(): void {
    if (!this.signal.aborted) return;
    const reason: unknown = this.signal.reason;
    if (reason instanceof SecmasterError) throw reason;
    throw new AbortedError(`the sync was interrupted (${describeReason(reason)}) before it committed; nothing was written`);
  }

  private async timed<T>(stage: keyof StageDurations, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.stages[stage] += performance.now() - t0;
    }
  }

  async execute(): Promise<SyncOutcome> {
    const { store, logger } = this.deps;
    const { options } = this;
    logger.info({ env: options.env, mode: options.mode, sync_id: this.syncId, dry_run: options.dryRun }, 'sync started');
    try {
      if (options.skipOutsideTradingHours && options.mode === 'incremental') {
        const status = await this.deps.source.exchangeStatus({ signal: this.signal });
        if (!status.trading_active) return this.finishSkipped('exchange_closed');
      }
      if (!options.dryRun) {
        this.lockToken = await store.acquireLock(options.lockTtlMs);
        if (this.lockToken === null) return this.finishSkipped('locked');
        this.startRenewal();
        await store.discardAbandonedStages();
        if (this.deps.journal) {
          await this.deps.journal.ensureStream();
          const drained = await this.timed('publish', () => drainOutbox(store, this.deps.journal!, logger, this.signal));
          if (drained.syncs > 0) logger.warn({ syncs: drained.syncs, published: drained.published, duplicates: drained.duplicates }, 'published events left by an earlier run');
          this.report.events_published += drained.published;
        }
      }
      for (const [ticker, entry] of await store.loadIndex()) this.index.set(ticker, entry);

      const watermark = options.mode === 'incremental' ? await store.getWatermark() : null;
      if (options.mode === 'full' || watermark === null) {
        if (options.mode === 'incremental') logger.warn({}, 'no watermark yet: this incremental sync walks the whole live catalogue (without removals)');
        for (const status of LIVE_STATUS_FILTERS) await this.walk({ status, mveFilter: options.mveFilter });
      } else {
        const since = Math.max(0, watermark - options.overlapSeconds);
        // Kalshi allows min_updated_ts only alone or with mve_filter=exclude.
        await this.walk({ minUpdatedTs: since, mveFilter: options.mveFilter === 'exclude' ? 'exclude' : null });
      }
      if (options.mode === 'full') await this.reconcileAbsent();
      this.checkAborted();

      this.countWrites();
      if (!options.dryRun) await this.commitAndPublish();
      return this.finish();
    } catch (err) {
      return this.finishFailed(err);
    } finally {
      await this.releaseLock();
    }
  }

  private startRenewal(): void {
    const every = Math.max(1000, Math.floor(this.options.lockTtlMs / 3));
    this.renewTimer = setInterval(() => {
      if (this.lockToken === null) return;
      this.deps.store.renewLock(this.lockToken, this.options.lockTtlMs).then(
        (held) => {
          if (!held && !this.committed) {
            this.controller.abort(new LockLostError('the sync lock expired or was taken over while the run was in progress; nothing was written'));
          }
        },
        (err: unknown) => this.log.warn({ err: String(err) }, 'lock renewal failed; retrying'),
      );
    }, every);
    this.renewTimer.unref();
  }

  private async releaseLock(): Promise<void> {
    if (this.renewTimer) clearInterval(this.renewTimer);
    this.renewTimer = null;
    if (this.lockToken === null) return;
    const token = this.lockToken;
    this.lockToken = null;
    await this.deps.store.releaseLock(token).catch((err: unknown) => this.log.warn({ err: String(err) }, 'could not release the sync lock; it expires on its own'));
  }

  /** Walks one query page by page, planning and staging each page before the next is kept. */
  private async walk(query: MarketQuery): Promise<void> {
    const pages = this.deps.source.markets(query, { signal: this.signal })[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.timed('fetch', () => pages.next());
      if (next.done) break;
      const page = next.value;
      this.report.invalid += page.invalid.length;
      for (const bad of page.invalid) {
        this.log.warn({ ticker: bad.ticker, index: bad.index, page: page.page, reason: bad.reason }, 'skipped a malformed market');
        // Kalshi still lists it: keep what the cache holds instead of treating it as absent.
        if (bad.ticker !== null) this.malformed.add(bad.ticker);
      }
      await this.timed('fetch', () => this.categories.prepare(page.markets, { signal: this.signal }));
      await this.apply(page.markets);
      this.checkAborted();
    }
  }

  /** Plans records against the index and stages the changed ones. */
  private async apply(records: readonly KalshiMarketRecord[], decide?: (market: Market) => 'upsert' | 'archive'): Promise<void> {
    const t0 = performance.now();
    const candidates: { market: Market; entry: IndexEntry | undefined; action: 'upsert' | 'archive' }[] = [];
    const unstage: string[] = [];
    for (const record of records) {
      const market = normalizeMarket(record, this.categories.info(record));
      const entry = this.index.get(market.ticker);
      const action = decide ? decide(market) : 'upsert';
      const unchanged = action === 'upsert' && isLive(entry) && entry.fingerprint === fingerprint(market);
      // Seen twice in one walk (it moved between status lists): the later sighting wins, so
      // whatever the earlier one staged is reverted first.
      const before = this.seen.get(market.ticker);
      if (before !== undefined && before !== null) unstage.push(market.ticker);
      if (unchanged || (action === 'archive' && !isLive(entry))) {
        this.seen.set(market.ticker, null);
        this.written.delete(market.ticker);
        continue;
      }
      candidates.push({ market, entry, action });
    }
    const liveTickers = candidates.filter((c) => isLive(c.entry)).map((c) => c.market.ticker);
    this.stages.plan += performance.now() - t0;
    const previous = liveTickers.length > 0 ? await this.timed('write', () => this.deps.store.getMarkets(liveTickers)) : new Map<string, Market>();
    const t1 = performance.now();
    const writes: MarketWrite[] = [];
    for (const { market, entry, action } of candidates) {
      const old = previous.get(market.ticker) ?? null;
      const write =
        action === 'archive' && entry !== undefined
          ? planRemoval(this.ctx, entry, old, market.ticker, 'archived')
          : planUpsert(this.ctx, entry, old, market);
      if (write === null) continue;
      writes.push(write);
      this.seen.set(market.ticker, write.kind);
      this.written.set(market.ticker, write.index.state);
    }
    this.stages.plan += performance.now() - t1;
    await this.stage(writes, unstage);
  }

  private async stage(writes: MarketWrite[], unstage: string[] = []): Promise<void> {
    if (this.options.dryRun || (writes.length === 0 && unstage.length === 0)) return;
    this.staged = true;
    await this.timed('write', () => this.deps.store.stage(this.syncId, writes, unstage));
  }

  /**
   * Full sync only: markets the cache holds but the walk did not return are looked up by ticker,
   * then in the historical tier; settled markets past retention or the cutoff are archived.
   */
  private async reconcileAbsent(): Promise<void> {
    const nowEpoch = Math.floor(this.started.getTime() / 1000);
    const absent: string[] = [];
    const expired: string[] = [];
    const cutoff = await this.timed('fetch', () => this.deps.source.historicalCutoff({ signal: this.signal }));
    const cutoffEpoch = epochSeconds(cutoff.market_settled_ts ?? null);
    for (const [ticker, entry] of this.index) {
      if (this.seen.has(ticker) || this.malformed.has(ticker) || !isLive(entry)) continue;
      if (entry.state === 'settled') {
        if (isArchivable(entry.settledEpoch, nowEpoch, this.options.retentionSeconds, cutoffEpoch)) expired.push(ticker);
      } else {
        absent.push(ticker);
      }
    }
    absent.sort();
    expired.sort();
    const archiveIfOld = (m: Market): 'upsert' | 'archive' =>
      m.status === 'settled' && isArchivable(epochSeconds(m.settled_at), nowEpoch, this.options.retentionSeconds, cutoffEpoch) ? 'archive' : 'upsert';

    let removedFromLive = 0;
    if (absent.length > 0) {
      const live = await this.timed('fetch', () => this.deps.source.marketsByTickers(absent, { signal: this.signal }));
      await this.timed('fetch', () => this.categories.prepare(live, { signal: this.signal }));
      await this.apply(live, archiveIfOld);
      const stillAbsent = absent.filter((t) => !this.seen.has(t));
      const historical = stillAbsent.length > 0
        ? await this.timed('fetch', () => this.deps.source.historicalMarketsByTickers(stillAbsent, { signal: this.signal }))
        : [];
      const archived = new Set(historical.map((m) => m.ticker));
      const removals: { ticker: string; reason: 'archived' | 'delisted' }[] = stillAbsent.map((ticker) => ({
        ticker,
        reason: archived.has(ticker) ? 'archived' : 'delisted',
      }));
      removedFromLive = removals.length + [...absent].filter((t) => this.seen.get(t) === 'removed').length;
      if (exceedsRemovalGuard(removedFromLive, this.countLive(), this.options.removalGuard)) {
        throw new GuardRefusedError(
          `the full sync would remove ${removedFromLive} of ${this.countLive()} cached markets, more than the guard allows (${Math.round(this.options.removalGuard.maxShare * 100)}%); nothing was changed. Check Kalshi's API, or raise --max-remove-share if this is expected`,
        );
      }
      await this.stageRemovals(removals);
    }
    await this.stageRemovals(expired.map((ticker) => ({ ticker, reason: 'archived' as const })));
  }

  private countLive(): number {
    let n = 0;
    for (const entry of this.index.values()) if (isLive(entry)) n++;
    return n;
  }

  private async stageRemovals(removals: readonly { ticker: string; reason: 'archived' | 'delisted' }[]): Promise<void> {
    const CHUNK = 1000;
    for (let i = 0; i < removals.length; i += CHUNK) {
      const chunk = removals.slice(i, i + CHUNK);
      const previous = await this.timed('write', () => this.deps.store.getMarkets(chunk.map((r) => r.ticker)));
      const writes = chunk.map(({ ticker, reason }) =>
        planRemoval(this.ctx, this.index.get(ticker)!, previous.get(ticker) ?? null, ticker, reason),
      );
      for (const w of writes) {
        this.seen.set(w.ticker, 'removed');
        this.written.set(w.ticker, 'removed');
      }
      await this.stage(writes);
    }
  }

  private countWrites(): void {
    let total = 0;
    for (const kind of this.seen.values()) {
      if (kind === null) this.report.unchanged++;
      else this.report[kind]++;
      if (kind !== 'removed') total++;
    }
    this.report.total = total;
  }

  private async commitAndPublish(): Promise<void> {
    const { store, journal, logger } = this.deps;
    const finished = formatUtc(Date.now());
    this.report.finished_at = finished;
    this.checkAborted();
    // The commit is the point of no return: from here on the run's changes are visible.
    await this.timed('write', () =>
      store.commit({
        lockToken: this.lockToken!,
        syncId: this.syncId,
        mode: this.options.mode,
        lastSync: finished,
        watermark: Math.floor(this.started.getTime() / 1000),
        report: { ...this.report },
      }),
    );
    this.committed = true;
    logger.info({ sync_id: this.syncId, added: this.report.added, updated: this.report.updated, settled: this.report.settled, removed: this.report.removed }, 'sync committed');
    if (this.options.crashAfterCommit) process.kill(process.pid, 'SIGKILL');
    if (journal) {
      const drained = await this.timed('publish', () => drainOutbox(store, journal, logger, this.signal));
      this.report.events_published += drained.published;
    }
  }

  /** Markets in the cache by status after this run: the loaded index with the run's writes applied. */
  private cacheCounts(): Record<MarketStatus, number> {
    const counts: Record<MarketStatus, number> = { active: 0, closed: 0, settled: 0 };
    const count = (state: IndexState | undefined) => {
      if (state !== undefined && state !== 'removed') counts[state]++;
    };
    for (const [ticker, entry] of this.index) if (!this.written.has(ticker)) count(entry.state);
    // A dry run writes nothing: the cache stays as loaded.
    if (!this.options.dryRun) for (const state of this.written.values()) count(state);
    else for (const ticker of this.written.keys()) count(this.index.get(ticker)?.state);
    return counts;
  }

  private stamp(): void {
    const finishedMs = Date.now();
    this.report.finished_at = formatUtc(finishedMs);
    this.report.duration_ms = Math.round(finishedMs - this.started.getTime());
    const stats = this.deps.source.stats();
    this.report.pages = stats.pages;
    this.report.requests = stats.requests;
    this.report.retries = stats.retries;
    this.report.rate_limited = stats.rateLimited;
    for (const key of Object.keys(this.stages) as (keyof StageDurations)[]) this.stages[key] = Math.round(this.stages[key]);
  }

  private async finish(): Promise<SyncOutcome> {
    this.report.cache_by_status = this.cacheCounts();
    if (!this.options.dryRun) this.report.outbox_pending = await this.deps.store.outboxSize();
    this.stamp();
    if (!this.options.dryRun) await this.deps.store.recordRun(this.report);
    this.deps.logger.info({ ...this.report }, 'sync finished');
    return { report: this.report };
  }

  private async finishSkipped(reason: 'locked' | 'exchange_closed'): Promise<SyncOutcome> {
    this.report.status = 'skipped';
    this.report.skipped = reason;
    this.stamp();
    this.deps.logger.info({ env: this.options.env, mode: this.options.mode, skipped: reason }, reason === 'locked' ? 'another sync of this ENV holds the lock; skipped' : 'Kalshi trading is not active; skipped');
    return { report: this.report };
  }

  private async finishFailed(err: unknown): Promise<SyncOutcome> {
    const { store, logger } = this.deps;
    const reason: unknown = this.signal.aborted ? this.signal.reason : undefined;
    const error =
      reason instanceof SecmasterError
        ? reason
        : reason !== undefined
          ? new AbortedError(
              this.committed
                ? `the sync was interrupted (${describeReason(reason)}) after it committed; its events stay in the outbox and the next run publishes them`
                : `the sync was interrupted (${describeReason(reason)}) before it committed; nothing was written`,
              { cause: err },
            )
          : err;
    if (!this.committed && this.staged) {
      await store.discard(this.syncId).catch((e: unknown) => logger.warn({ err: String(e) }, 'could not discard staged writes; they expire on their own'));
    }
    this.report.status = 'failed';
    this.report.error = {
      code: error instanceof SecmasterError ? error.code : 'INTERNAL',
      message: error instanceof Error ? error.message : String(error),
    };
    this.stamp();
    this.report.outbox_pending = await store.outboxSize().catch(() => 0);
    if (!this.options.dryRun) await store.recordRun(this.report).catch(() => undefined);
    logger.error({ err: this.report.error, sync_id: this.syncId, committed: this.committed }, 'sync failed');
    return { report: this.report, error };
  }
}
