import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { decodeIndexEntry, encodeIndexEntry, type IndexEntry } from '../core/index-entry.js';
import { keys as keysFor, type Keys } from '../core/keys.js';
import type { Market, MarketStatus } from '../core/market.js';
import type { MarketWrite } from '../core/plan.js';
import type { RunKind, RunRecord, SyncMode, SyncReport } from '../core/report.js';
import { LockLostError, StoreError } from '../core/errors.js';
import { COMMIT, RELEASE_LOCK, RENEW_LOCK } from './scripts.js';

/** Staging keys expire on their own if a run dies before committing or discarding them. */
export const STAGE_TTL_MS = 24 * 60 * 60 * 1000;
/** Tickers per HSCAN / HMGET round trip. */
export const SCAN_COUNT = 5000;

type ScriptedRedis = Redis & {
  secmasterCommit(...args: (string | number)[]): Promise<number>;
  secmasterRenewLock(lock: string, token: string, ttlMs: number): Promise<number>;
  secmasterReleaseLock(lock: string, token: string): Promise<number>;
};

function withScripts(redis: Redis): ScriptedRedis {
  const r = redis as ScriptedRedis;
  if (typeof r.secmasterCommit !== 'function') {
    redis.defineCommand('secmasterCommit', { numberOfKeys: 14, lua: COMMIT });
    redis.defineCommand('secmasterRenewLock', { numberOfKeys: 1, lua: RENEW_LOCK });
    redis.defineCommand('secmasterReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
  }
  return r;
}

function storeError(what: string, err: unknown): StoreError {
  const detail = err instanceof Error ? err.message : String(err);
  return new StoreError(`Redis ${what} failed: ${detail}`, { cause: err });
}

export interface CommitMeta {
  lockToken: string;
  syncId: string;
  mode: RunKind;
  /** RFC 3339, becomes `last_sync`; '' leaves it as it is. */
  lastSync: string;
  /** Unix seconds for the incremental watermark; null leaves it. */
  watermark: number | null;
  report: RunRecord;
}

/** What a staged write did to each index, kept so a later sighting of the ticker can revert it. */
interface StagedOp {
  d?: true;
  f?: string;
  t?: string;
  n?: string;
  s?: number;
  wa?: string[];
  wr?: string[];
}

/** A write's index operations, encoded compactly (nulls left out). */
export function encodeOp(write: MarketWrite): string {
  const op: Record<string, string | number | boolean> = {};
  if (write.marketJson === null) op.d = true;
  if (write.categoryFrom !== null) op.f = write.categoryFrom;
  if (write.categoryTo !== null) op.t = write.categoryTo;
  if (write.categoryTo !== null && write.categoryName !== null) op.n = write.categoryName;
  if (write.expiring !== null) op.s = write.expiring;
  const ops: Record<string, unknown> = op;
  if (write.searchAdd.length > 0) ops.wa = write.searchAdd;
  if (write.searchRemove.length > 0) ops.wr = write.searchRemove;
  return JSON.stringify(ops);
}

/** Redis adapter for the secmaster keys of one ENV. */
export class RedisMarketStore {
  readonly keys: Keys;
  readonly redis: ScriptedRedis;
  /** Redis round trips this store made (for the benchmark). */
  roundTrips = 0;

  constructor(redis: Redis, readonly env: string) {
    this.redis = withScripts(redis);
    this.keys = keysFor(env);
  }

  // ---- lock ----

  /** SET NX PX; returns the token, or null when another run holds the lock. */
  async acquireLock(ttlMs: number): Promise<string | null> {
    const token = `${process.pid}-${randomBytes(8).toString('hex')}`;
    this.roundTrips++;
    const ok = await this.redis.set(this.keys.lock, token, 'PX', ttlMs, 'NX');
    return ok === 'OK' ? token : null;
  }

  async renewLock(token: string, ttlMs: number): Promise<boolean> {
    this.roundTrips++;
    return (await this.redis.secmasterRenewLock(this.keys.lock, token, ttlMs)) === 1;
  }

  async releaseLock(token: string): Promise<void> {
    this.roundTrips++;
    await this.redis.secmasterReleaseLock(this.keys.lock, token);
  }

  async lockHolder(): Promise<{ token: string; ttlMs: number } | null> {
    const [token, ttl] = await Promise.all([this.redis.get(this.keys.lock), this.redis.pttl(this.keys.lock)]);
    return token === null ? null : { token, ttlMs: ttl };
  }

  // ---- reads ----

  /** The whole compact index, streamed with HSCAN so Redis is never blocked by one big reply. */
  async loadIndex(): Promise<Map<string, IndexEntry>> {
    const index = new Map<string, IndexEntry>();
    let cursor = '0';
    try {
      do {
        this.roundTrips++;
        const [next, kv] = await this.redis.hscan(this.keys.index, cursor, 'COUNT', SCAN_COUNT);
        cursor = next;
        for (let i = 0; i + 1 < kv.length; i += 2) {
          const entry = decodeIndexEntry(kv[i + 1]!);
          if (entry === null) throw new StoreError(`the index entry of ${kv[i]} in ${this.keys.index} is corrupt: ${kv[i + 1]}`);
          index.set(kv[i]!, entry);
        }
      } while (cursor !== '0');
    } catch (err) {
      if (err instanceof StoreError) throw err;
      throw storeError('reading the index', err);
    }
    return index;
  }

  async getMarkets(tickers: readonly string[]): Promise<Map<string, Market>> {
    const out = new Map<string, Market>();
    for (let i = 0; i < tickers.length; i += SCAN_COUNT) {
      const chunk = tickers.slice(i, i + SCAN_COUNT);
      this.roundTrips++;
      const values = await this.redis.hmget(this.keys.markets, ...chunk);
      values.forEach((json, j) => {
        if (json !== null) out.set(chunk[j]!, JSON.parse(json) as Market);
      });
    }
    return out;
  }

  async getMarket(ticker: string): Promise<Market | null> {
    const json = await this.redis.hget(this.keys.markets, ticker);
    return json === null ? null : (JSON.parse(json) as Market);
  }

  /** Counts of cached markets by status, from the index (no Market JSON read). */
  static countByStatus(index: ReadonlyMap<string, IndexEntry>): Record<MarketStatus, number> {
    const counts: Record<MarketStatus, number> = { active: 0, closed: 0, settled: 0 };
    for (const entry of index.values()) if (entry.state !== 'removed') counts[entry.state]++;
    return counts;
  }

  // ---- staging and commit ----

  /** Staging key names of one run (see scripts.ts for how the commit consumes them). */
  private stageKeys(syncId: string) {
    const p = this.keys.stagePrefix(syncId);
    return {
      prefix: p,
      markets: `${p}markets`,
      index: `${p}index`,
      events: `${p}events`,
      ops: `${p}ops`,
      del: `${p}del`,
      tadd: `${p}tadd`,
      xadd: `${p}xadd`,
      xrem: `${p}xrem`,
      cslugs: `${p}cslugs`,
      cnames: `${p}cnames`,
      cadd: (slug: string) => `${p}cadd:${slug}`,
      crem: (slug: string) => `${p}crem:${slug}`,
      wterms: `${p}wterms`,
      wadd: (term: string) => `${p}wadd:${term}`,
      wrem: (term: string) => `${p}wrem:${term}`,
    };
  }

  /**
   * Stages one page of writes. Tickers in `unstage` were staged by an earlier page of this run
   * (Kalshi listed them twice); their staged writes are reverted first, so the later sighting wins.
   */
  async stage(syncId: string, writes: readonly MarketWrite[], unstage: readonly string[] = []): Promise<void> {
    if (writes.length === 0 && unstage.length === 0) return;
    const st = this.stageKeys(syncId);
    if (unstage.length > 0) await this.revert(syncId, unstage);
    if (writes.length === 0) return;
    const sets = new Map<string, string[]>();
    const add = (key: string, member: string) => {
      const list = sets.get(key);
      if (list) list.push(member);
      else sets.set(key, [member]);
    };
    const markets: string[] = [];
    const index: string[] = [];
    const events: string[] = [];
    const ops: string[] = [];
    const xadd: (string | number)[] = [];
    const cnames: string[] = [];
    for (const w of writes) {
      const t = w.ticker;
      index.push(t, encodeIndexEntry(w.index));
      events.push(t, JSON.stringify(w.event));
      ops.push(t, encodeOp(w));
      if (w.marketJson !== null) {
        markets.push(t, w.marketJson);
        add(st.tadd, t);
      } else {
        add(st.del, t);
      }
      if (w.expiring !== null) xadd.push(w.expiring, t);
      else add(st.xrem, t);
      if (w.categoryFrom !== null && w.categoryFrom !== w.categoryTo) {
        add(st.crem(w.categoryFrom), t);
        add(st.cslugs, w.categoryFrom);
      }
      if (w.categoryTo !== null) {
        add(st.cadd(w.categoryTo), t);
        add(st.cslugs, w.categoryTo);
        if (w.categoryName !== null) cnames.push(w.categoryTo, w.categoryName);
      }
      for (const term of w.searchRemove) {
        add(st.wrem(term), t);
        add(st.wterms, term);
      }
      for (const term of w.searchAdd) {
        add(st.wadd(term), t);
        add(st.wterms, term);
      }
    }
    const pipe = this.redis.pipeline();
    pipe.sadd(this.keys.stages, syncId);
    if (markets.length > 0) pipe.hset(st.markets, ...markets);
    pipe.hset(st.index, ...index);
    pipe.hset(st.events, ...events);
    pipe.hset(st.ops, ...ops);
    if (xadd.length > 0) pipe.zadd(st.xadd, ...xadd);
    if (cnames.length > 0) pipe.hset(st.cnames, ...cnames);
    for (const [key, members] of sets) pipe.sadd(key, ...new Set(members));
    // The fixed staging keys expire on their own if a run dies and no later run cleans up.
    for (const key of [st.markets, st.index, st.events, st.ops, st.del, st.tadd, st.xadd, st.xrem, st.cslugs, st.cnames, st.wterms]) {
      pipe.pexpire(key, STAGE_TTL_MS);
    }
    this.roundTrips++;
    const results = await pipe.exec();
    // ioredis reports per-command errors in the results instead of rejecting.
    const failed = results?.find(([err]) => err !== null);
    if (failed) throw storeError('staging a page', failed[0]);
  }

  /** Undoes the staged writes of these tickers (they were listed again later in the walk). */
  private async revert(syncId: string, tickers: readonly string[]): Promise<void> {
    const st = this.stageKeys(syncId);
    this.roundTrips++;
    const encoded = await this.redis.hmget(st.ops, ...tickers);
    const pipe = this.redis.pipeline();
    tickers.forEach((t, i) => {
      const raw = encoded[i];
      if (raw === null || raw === undefined) return;
      const op = JSON.parse(raw) as StagedOp;
      pipe.srem(st.del, t).srem(st.tadd, t).zrem(st.xadd, t).srem(st.xrem, t);
      if (op.f !== undefined) pipe.srem(st.crem(op.f), t);
      if (op.t !== undefined) pipe.srem(st.cadd(op.t), t);
      for (const term of op.wr ?? []) pipe.srem(st.wrem(term), t);
      for (const term of op.wa ?? []) pipe.srem(st.wadd(term), t);
    });
    for (const key of [st.markets, st.index, st.events, st.ops]) pipe.hdel(key, ...tickers);
    this.roundTrips++;
    await pipe.exec();
  }

  /** Atomically applies everything staged by the run (see scripts.ts). */
  async commit(meta: CommitMeta): Promise<number> {
    const k = this.keys;
    const s = meta.syncId;
    try {
      this.roundTrips++;
      return await this.redis.secmasterCommit(
        k.lock, k.markets, k.index, k.expiring, k.categories, k.tickers, k.searchTerms,
        k.outbox, k.outboxEvents(s), k.lastSync, k.watermark, k.runs, k.lastSuccess, k.stages,
        meta.lockToken, s, meta.lastSync, meta.watermark === null ? '' : String(meta.watermark),
        meta.mode, JSON.stringify(meta.report), k.stagePrefix(s), k.byCategoryPrefix, k.searchPrefix,
      );
    } catch (err) {
      if (err instanceof Error && err.message.includes('LOCK_LOST')) {
        throw new LockLostError('the sync lock was lost before the commit (the run took longer than the lock TTL and another run took over); nothing was written', { cause: err });
      }
      throw storeError('commit', err);
    }
  }

  /** Drops a run's staging keys (after a failure, or leftovers of a run that died). */
  async discard(syncId: string): Promise<void> {
    const st = this.stageKeys(syncId);
    this.roundTrips++;
    const [slugs, terms] = await Promise.all([this.redis.smembers(st.cslugs), this.redis.smembers(st.wterms)]);
    const keys = [
      st.markets, st.index, st.events, st.ops, st.del, st.tadd, st.xadd, st.xrem, st.cslugs, st.cnames, st.wterms,
      ...slugs.flatMap((slug) => [st.cadd(slug), st.crem(slug)]),
      ...terms.flatMap((term) => [st.wadd(term), st.wrem(term)]),
    ];
    for (let i = 0; i < keys.length; i += 1000) {
      this.roundTrips++;
      await this.redis.unlink(...keys.slice(i, i + 1000));
    }
    this.roundTrips++;
    await this.redis.srem(this.keys.stages, syncId);
  }

  /** Deletes staging keys left by runs that died (only call while holding the lock). */
  async discardAbandonedStages(): Promise<number> {
    this.roundTrips++;
    const ids = await this.redis.smembers(this.keys.stages);
    for (const id of ids) await this.discard(id);
    return ids.length;
  }

  async getWatermark(): Promise<number | null> {
    const v = await this.redis.get(this.keys.watermark);
    return v === null ? null : Number(v);
  }

  // ---- run reports ----

  async recordRun(report: RunRecord): Promise<void> {
    const pipe = this.redis.multi().hset(this.keys.runs, report.mode, JSON.stringify(report));
    if (report.status === 'success') pipe.hset(this.keys.lastSuccess, report.mode, JSON.stringify(report));
    this.roundTrips++;
    await pipe.exec();
  }

  async lastRuns(): Promise<{ last: Partial<Record<SyncMode, SyncReport>>; success: Partial<Record<SyncMode, SyncReport>> }> {
    const [last, success] = await Promise.all([this.redis.hgetall(this.keys.runs), this.redis.hgetall(this.keys.lastSuccess)]);
    const parse = (h: Record<string, string>) =>
      Object.fromEntries(Object.entries(h).map(([mode, json]) => [mode, JSON.parse(json) as SyncReport]));
    return { last: parse(last), success: parse(success) };
  }

  // ---- outbox ----

  /** Sync ids with committed, unpublished events, oldest first. */
  async pendingOutbox(): Promise<string[]> {
    this.roundTrips++;
    return this.redis.lrange(this.keys.outbox, 0, -1);
  }

  async outboxSize(): Promise<number> {
    const ids = await this.pendingOutbox();
    if (ids.length === 0) return 0;
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hlen(this.keys.outboxEvents(id));
    this.roundTrips++;
    const res = (await pipe.exec()) ?? [];
    return res.reduce((sum, [, n]) => sum + Number(n ?? 0), 0);
  }

  async outboxTickers(syncId: string): Promise<string[]> {
    this.roundTrips++;
    return this.redis.hkeys(this.keys.outboxEvents(syncId));
  }

  async outboxEvents(syncId: string, tickers: readonly string[]): Promise<string[]> {
    this.roundTrips++;
    const values = await this.redis.hmget(this.keys.outboxEvents(syncId), ...tickers);
    return values.filter((v): v is string => v !== null);
  }

  /** Marks one sync's events as published: clears its outbox and records the stream position. */
  async ackOutbox(syncId: string, stream: string, lastSeq: number): Promise<void> {
    this.roundTrips++;
    await this.redis
      .multi()
      .del(this.keys.outboxEvents(syncId))
      .lrem(this.keys.outbox, 0, syncId)
      .hset(this.keys.journal, 'stream', stream, 'last_seq', String(lastSeq), 'published_at', new Date().toISOString())
      .exec();
  }
}

