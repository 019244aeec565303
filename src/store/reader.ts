/**
 * Read models over the secmaster keys of one ENV (see core/keys.ts): point reads, ordered scans
 * with bounded memory, the seed's indexes (category SETs, expiring ZSET), the search index and
 * the figures `status` shows. Nothing here writes to Redis, so a reader works against a replica.
 * Used by the CLI, `serve` and the consumer library; it knows nothing about either.
 */
import type { Redis } from 'ioredis';
import { decodeIndexEntry, type IndexState } from '../core/index-entry.js';
import { categorySlug, keys as keysFor, type Keys } from '../core/keys.js';
import type { Market, MarketStatus } from '../core/market.js';
import type { SyncReport } from '../core/report.js';
import { words } from '../core/search.js';
import { formatUtc } from '../core/time.js';
import { StoreError } from '../core/errors.js';

/** Tickers per ZRANGE / HMGET round trip. @defaultValue 1000 */
export const DEFAULT_CHUNK_SIZE = 1000;
/** Search ranks at most this many matches (exact and prefix hits first); the total is always exact. @defaultValue 1000 */
export const SEARCH_RANK_WINDOW = 1000;
/** Query words beyond this many are ignored. @defaultValue 8 */
export const SEARCH_MAX_WORDS = 8;

/** The fields of a Market stored before `raw_metadata`: enough for tables, sorting and ranking. */
export type MarketHead = Pick<
  Market,
  | 'ticker'
  | 'kalshi_id'
  | 'title'
  | 'category'
  | 'status'
  | 'open_time'
  | 'close_time'
  | 'expiration_time'
  | 'settlement_time'
  | 'result'
  | 'settled_at'
  | 'updated_at'
>;

const HEAD_FIELDS = [
  'ticker',
  'kalshi_id',
  'title',
  'category',
  'status',
  'open_time',
  'close_time',
  'expiration_time',
  'settlement_time',
  'result',
  'settled_at',
  'updated_at',
] as const satisfies readonly (keyof MarketHead)[];

/** A filter of {@link MarketReader.select}; every given criterion must hold. */
export interface MarketFilter {
  /** Category name or slug (`Science and Technology` or `science-and-technology`). */
  category?: string;
  status?: MarketStatus | readonly MarketStatus[];
  /**
   * Unsettled markets whose expiration is at most this far from `now` (milliseconds), including
   * those already past it and not yet settled, as the seed's `ZRANGEBYSCORE ... 0 {now+24h}`.
   */
  expiringWithinMs?: number;
  eventTicker?: string;
  seriesTicker?: string;
}

export interface SelectOptions {
  /** Keep the first `limit` markets in order; undefined or 0: all. */
  limit?: number;
  /** @defaultValue `new Date()` */
  now?: Date;
}

export interface CategoryInfo {
  slug: string;
  /** As Kalshi spells it. */
  name: string;
  markets: number;
}

export type SearchRank = 'exact' | 'ticker_prefix' | 'title' | 'other';
export const SEARCH_RANKS: readonly SearchRank[] = ['exact', 'ticker_prefix', 'title', 'other'];

export interface SearchHit {
  rank: SearchRank;
  market: MarketHead;
}

export interface SearchResult {
  /** The lower-cased words that had to match (words shorter than 2 characters are ignored). */
  words: string[];
  /** Every market matching all words. */
  total: number;
  /** How many matches were ranked: `total`, or {@link SEARCH_RANK_WINDOW} when there are more. */
  ranked: number;
  /** Best first, at most `limit`. */
  hits: SearchHit[];
}

export interface RunSummary {
  /** The last run of this mode, whatever its outcome. */
  last: SyncReport | null;
  /** The last successful run of this mode. */
  last_success: SyncReport | null;
}

/** What `secmaster status` shows, as plain data (snake_case like every JSON secmaster prints). */
export interface CacheStatus {
  env: string;
  /** RFC 3339: when the last successful sync completed. */
  last_sync: string | null;
  /** RFC 3339: the incremental watermark (start of the last successful sync). */
  watermark: string | null;
  /** By mode (`full`, `incremental`; `import` for imports). */
  runs: Record<string, RunSummary>;
  markets: {
    total: number;
    by_status: Record<MarketStatus, number>;
    /** Removed tickers the index remembers so their versions go on counting. */
    removed: number;
    /** Unsettled markets expiring within the next 24 hours (or past expiration, unsettled). */
    expiring_24h: number;
  };
  /** Categories holding at least one market, most markets first. */
  categories: CategoryInfo[];
  uncategorized: number;
  lock: { holder: string; ttl_ms: number } | null;
  /** Committed events not yet published, by sync id (oldest first). */
  outbox: { syncs: string[]; events: number };
  /** The last publish as recorded in Redis. */
  journal: { stream: string | null; last_seq: number | null; published_at: string | null };
}

type ReaderRedis = Redis & {
  secmasterHeads(key: string, ...tickers: string[]): Promise<(string | null)[]>;
  secmasterSearch(...args: (string | number)[]): Promise<(string | number)[]>;
};

/**
 * Returns the stored JSON of each ticker cut before `raw_metadata` (the Market is always written
 * in MARKET_FIELDS order, and a key can only appear unescaped at the top level), so a table or a
 * ranking does not move the multi-kilobyte raw Kalshi object. Falls back to the whole JSON.
 */
export const HEADS_SCRIPT = `#!lua flags=no-writes
local out = {}
for i = 1, #ARGV do
  local json = redis.call('HGET', KEYS[1], ARGV[i])
  if json then
    local p = string.find(json, ',"raw_metadata":', 1, true)
    if p then out[i] = string.sub(json, 1, p - 1) .. '}' else out[i] = json end
  else
    out[i] = false
  end
end
return out`;

/**
 * The search, server side in one round trip.
 * KEYS: 1 search terms ZSET, 2 tickers ZSET, 3 markets HASH.
 * ARGV: 1 term key prefix, 2 rank window, 3 whole query lower-cased, 4 whole query upper-cased, 5.. words.
 * Each word expands to the terms it prefixes (ZRANGEBYLEX), and to those `kx` + word prefixes
 * (Kalshi's series prefix, so `btc` finds KXBTCD-... markets). Whole-ticker terms (they hold a
 * character outside [0-9a-z]) are jumped over a group at a time: a ticker starting with the word
 * also has its first word starting with it, so those tickers are already covered. The word with
 * the fewest tickers drives; every other word filters the candidates either by a union or by
 * SMISMEMBER probes, whichever touches fewer members.
 * Returns: total matches, then the heads of the exact/prefix ticker hits and of up to `window`
 * matches (see HEADS_SCRIPT).
 */
export const SEARCH_SCRIPT = `#!lua flags=no-writes
local prefix = ARGV[1]
local window = tonumber(ARGV[2])
local whole = ARGV[3]
local upper = ARGV[4]
local PAGE = 256
local BATCH = 1000

local function expandPrefix(w, out)
  local min = '[' .. w
  local max = '[' .. w .. '\\255'
  while true do
    local page = redis.call('ZRANGEBYLEX', KEYS[1], min, max, 'LIMIT', 0, PAGE)
    if #page == 0 then break end
    local jumped = false
    for i = 1, #page do
      local t = page[i]
      local p = string.find(t, '[%z\\1-\\47\\58-\\96\\123-\\127]')
      if p then
        min = '(' .. string.sub(t, 1, p) .. '\\255'
        jumped = true
        break
      end
      out[#out + 1] = t
      min = '(' .. t
    end
    if not jumped and #page < PAGE then break end
  end
end

-- Kalshi prefixes newer series with KX: "btc" also finds the words of KXBTCD-... tickers.
local function expand(w)
  local out = {}
  expandPrefix(w, out)
  if string.sub(w, 1, 2) ~= 'kx' then expandPrefix('kx' .. w, out) end
  return out
end

local function union(terms)
  if #terms == 1 then
    local list = redis.call('SMEMBERS', prefix .. terms[1])
    local set = {}
    for _, m in ipairs(list) do set[m] = true end
    return set, list
  end
  local set, list = {}, {}
  for i = 1, #terms, BATCH do
    local keys = {}
    for j = i, math.min(i + BATCH - 1, #terms) do keys[#keys + 1] = prefix .. terms[j] end
    local members = redis.call('SUNION', unpack(keys))
    for _, m in ipairs(members) do
      if not set[m] then set[m] = true; list[#list + 1] = m end
    end
  end
  return set, list
end

local groups = {}
local simple = true
for i = 5, #ARGV do
  local terms = expand(ARGV[i])
  if #terms == 0 then return {0} end
  if #terms > 1 then simple = false end
  local size = 0
  for _, t in ipairs(terms) do size = size + redis.call('SCARD', prefix .. t) end
  groups[#groups + 1] = { terms = terms, size = size }
end
table.sort(groups, function(a, b) return a.size < b.size end)

local total, pool
if simple then
  -- One term per word: count in C without building any list, and walk the smallest set only
  -- as far as the window needs.
  local keys = {}
  for _, g in ipairs(groups) do keys[#keys + 1] = prefix .. g.terms[1] end
  if #keys == 1 then total = redis.call('SCARD', keys[1]) else total = redis.call('SINTERCARD', #keys, unpack(keys)) end
  pool = {}
  local cursor = '0'
  repeat
    local r = redis.call('SSCAN', keys[1], cursor, 'COUNT', 500)
    cursor = r[1]
    local batch = r[2]
    for k = 2, #keys do
      if #batch == 0 then break end
      local flags = redis.call('SMISMEMBER', keys[k], unpack(batch))
      local keep = {}
      for j = 1, #flags do if flags[j] == 1 then keep[#keep + 1] = batch[j] end end
      batch = keep
    end
    for _, m in ipairs(batch) do pool[#pool + 1] = m end
  until cursor == '0' or #pool >= window
  table.sort(pool)
else
  local _, cands = union(groups[1].terms)
  for g = 2, #groups do
    if #cands == 0 then break end
    local terms = groups[g].terms
    local keep = {}
    if groups[g].size <= #terms * #cands then
      local set = union(terms)
      for _, m in ipairs(cands) do if set[m] then keep[#keep + 1] = m end end
    else
      local hit = {}
      for _, t in ipairs(terms) do
        for i = 1, #cands, BATCH do
          local batch = {}
          for j = i, math.min(i + BATCH - 1, #cands) do batch[#batch + 1] = cands[j] end
          local flags = redis.call('SMISMEMBER', prefix .. t, unpack(batch))
          for j = 1, #flags do if flags[j] == 1 then hit[batch[j]] = true end end
        end
      end
      for _, m in ipairs(cands) do if hit[m] then keep[#keep + 1] = m end end
    end
    cands = keep
  end
  total = #cands
  pool = cands
  if #pool <= window then table.sort(pool) end
end

local chosen, seen = {}, {}
local function choose(t)
  if not seen[t] then seen[t] = true; chosen[#chosen + 1] = t end
end
if total > 0 then
  if redis.call('SCARD', prefix .. whole) <= window then
    for _, t in ipairs(redis.call('SMEMBERS', prefix .. whole)) do
      if string.lower(t) == whole then choose(t) end
    end
  end
  if string.len(upper) >= 2 then
    for _, t in ipairs(redis.call('ZRANGEBYLEX', KEYS[2], '[' .. upper, '[' .. upper .. '\\255', 'LIMIT', 0, window)) do choose(t) end
  end
end
for i = 1, #pool do
  if #chosen >= window then break end
  choose(pool[i])
end

local out = { total }
for _, t in ipairs(chosen) do
  local json = redis.call('HGET', KEYS[3], t)
  if json then
    local p = string.find(json, ',"raw_metadata":', 1, true)
    if p then out[#out + 1] = string.sub(json, 1, p - 1) .. '}' else out[#out + 1] = json end
  end
end
return out`;

function withScripts(redis: Redis): ReaderRedis {
  const r = redis as ReaderRedis;
  if (typeof r.secmasterHeads !== 'function') {
    redis.defineCommand('secmasterHeads', { numberOfKeys: 1, lua: HEADS_SCRIPT });
    redis.defineCommand('secmasterSearch', { numberOfKeys: 3, lua: SEARCH_SCRIPT });
  }
  return r;
}

function readError(what: string, err: unknown): StoreError {
  if (err instanceof StoreError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new StoreError(`Redis ${what} failed: ${detail}`, { cause: err });
}

/** Picks the head fields of a parsed head or full Market JSON. */
export function parseHead(json: string): MarketHead {
  const obj = JSON.parse(json) as Record<string, unknown>;
  const head: Record<string, unknown> = {};
  for (const field of HEAD_FIELDS) head[field] = obj[field] ?? null;
  return head as unknown as MarketHead;
}

const STATUS_ORDER: Record<MarketStatus, number> = { active: 0, closed: 1, settled: 2 };

function expirationMs(head: Pick<MarketHead, 'expiration_time'>): number {
  const ms = head.expiration_time === null ? Number.NaN : Date.parse(head.expiration_time);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** Soonest expiration first; markets without one last; then ticker. */
export function compareByExpiration(a: Pick<MarketHead, 'ticker' | 'expiration_time'>, b: Pick<MarketHead, 'ticker' | 'expiration_time'>): number {
  const ea = expirationMs(a);
  const eb = expirationMs(b);
  if (ea !== eb) return ea < eb ? -1 : 1;
  return a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0;
}

/** True when every query word prefixes a word of the text. */
function allWordsIn(queryWords: readonly string[], text: string): boolean {
  const have = words(text);
  return queryWords.every((q) => have.some((w) => w.startsWith(q)));
}

/** The rank of one match (pure): exact ticker, ticker prefix, all words in the title, or another field. */
export function searchRank(query: string, queryWords: readonly string[], head: Pick<MarketHead, 'ticker' | 'title'>): SearchRank {
  const q = query.trim().toLowerCase();
  const t = head.ticker.toLowerCase();
  if (q !== '' && t === q) return 'exact';
  if (q.length >= 2 && t.startsWith(q)) return 'ticker_prefix';
  if (allWordsIn(queryWords, head.title)) return 'title';
  return 'other';
}

/** Orders hits: rank, then active before closed before settled, then soonest expiration, then ticker. */
export function compareHits(a: SearchHit, b: SearchHit): number {
  const r = SEARCH_RANKS.indexOf(a.rank) - SEARCH_RANKS.indexOf(b.rank);
  if (r !== 0) return r;
  const s = STATUS_ORDER[a.market.status] - STATUS_ORDER[b.market.status];
  if (s !== 0) return s;
  return compareByExpiration(a.market, b.market);
}

/** The words a query must match (pure), at most {@link SEARCH_MAX_WORDS}, without duplicates or words that prefix another. */
export function queryWords(query: string): string[] {
  const unique = [...new Set(words(query))].slice(0, SEARCH_MAX_WORDS);
  // "bit bitcoin": every match of "bitcoin" matches "bit"; keep the longer word only.
  return unique.filter((w) => !unique.some((o) => o !== w && o.startsWith(w)));
}

/** Tickers ordered by how long a prefix they share with `wanted` (case-insensitive), best first (pure). */
export function closestTickers(wanted: string, candidates: readonly string[], n = 5): string[] {
  const w = wanted.toLowerCase();
  const shared = (t: string): number => {
    const l = t.toLowerCase();
    let i = 0;
    while (i < l.length && i < w.length && l[i] === w[i]) i++;
    return i;
  };
  const minShared = Math.min(3, w.length);
  return [...new Set(candidates)]
    .map((t) => ({ t, s: shared(t) }))
    .filter((c) => c.s >= minShared)
    .sort((a, b) => b.s - a.s || (a.t < b.t ? -1 : a.t > b.t ? 1 : 0))
    .slice(0, n)
    .map((c) => c.t);
}

function intersect(sets: readonly ReadonlySet<string>[]): Set<string> | null {
  if (sets.length === 0) return null;
  const [smallest, ...rest] = [...sets].sort((a, b) => a.size - b.size);
  const out = new Set<string>();
  for (const t of smallest!) if (rest.every((s) => s.has(t))) out.add(t);
  return out;
}

export interface MarketReaderOptions {
  /** Tickers per round trip for scans and multi-gets. @defaultValue {@link DEFAULT_CHUNK_SIZE} */
  chunkSize?: number;
}

/** Read access to the markets of one ENV. */
export class MarketReader {
  readonly keys: Keys;
  private readonly redis: ReaderRedis;
  private readonly chunk: number;

  constructor(redis: Redis, readonly env: string, options: MarketReaderOptions = {}) {
    this.redis = withScripts(redis);
    this.keys = keysFor(env);
    this.chunk = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
  }

  // ---- point reads ----

  /** The stored Market, or null when the ENV does not hold the ticker. */
  async get(ticker: string): Promise<Market | null> {
    const json = await this.getJson(ticker);
    return json === null ? null : (JSON.parse(json) as Market);
  }

  /** The stored Market JSON exactly as written by the sync. */
  async getJson(ticker: string): Promise<string | null> {
    try {
      return await this.redis.hget(this.keys.markets, ticker);
    } catch (err) {
      throw readError(`reading ${ticker}`, err);
    }
  }

  /** The stored JSON of each ticker, aligned with the input (null when absent). */
  async getJsonMany(tickers: readonly string[]): Promise<(string | null)[]> {
    const out: (string | null)[] = [];
    try {
      for (let i = 0; i < tickers.length; i += this.chunk) {
        out.push(...(await this.redis.hmget(this.keys.markets, ...tickers.slice(i, i + this.chunk))));
      }
    } catch (err) {
      throw readError('reading markets', err);
    }
    return out;
  }

  /** The Markets of the tickers the ENV holds; absent tickers are left out. */
  async getMany(tickers: readonly string[]): Promise<Map<string, Market>> {
    const out = new Map<string, Market>();
    const values = await this.getJsonMany(tickers);
    values.forEach((json, i) => {
      if (json !== null) out.set(tickers[i]!, JSON.parse(json) as Market);
    });
    return out;
  }

  /** The head fields of each ticker, aligned with the input (null when absent). */
  async heads(tickers: readonly string[]): Promise<(MarketHead | null)[]> {
    const out: (MarketHead | null)[] = [];
    try {
      for (let i = 0; i < tickers.length; i += this.chunk) {
        const values = await this.redis.secmasterHeads(this.keys.markets, ...tickers.slice(i, i + this.chunk));
        for (const v of values) out.push(v === null ? null : parseHead(v));
      }
    } catch (err) {
      throw readError('reading markets', err);
    }
    return out;
  }

  // ---- scans ----

  /** Number of markets cached. */
  async count(): Promise<number> {
    try {
      return await this.redis.zcard(this.keys.tickers);
    } catch (err) {
      throw readError('counting markets', err);
    }
  }

  /**
   * Every cached ticker in lexicographic order, a chunk at a time. Walks the tickers ZSET with an
   * exclusive lower bound, so markets added or removed meanwhile never make it skip or repeat one.
   */
  async *tickers(): AsyncGenerator<string[]> {
    let min = '-';
    for (;;) {
      let page: string[];
      try {
        page = await this.redis.zrangebylex(this.keys.tickers, min, '+', 'LIMIT', 0, this.chunk);
      } catch (err) {
        throw readError('scanning tickers', err);
      }
      if (page.length === 0) return;
      yield page;
      if (page.length < this.chunk) return;
      min = `(${page[page.length - 1]!}`;
    }
  }

  /** Every cached Market's stored JSON in ticker order, a chunk at a time (bounded memory). */
  async *scanJson(): AsyncGenerator<{ ticker: string; json: string }[]> {
    for await (const page of this.tickers()) {
      const values = await this.getJsonMany(page);
      const out: { ticker: string; json: string }[] = [];
      values.forEach((json, i) => {
        // Removed by a sync between the two reads: skip it.
        if (json !== null) out.push({ ticker: page[i]!, json });
      });
      if (out.length > 0) yield out;
    }
  }

  /** Every cached Market in ticker order, a chunk at a time (bounded memory). */
  async *scan(): AsyncGenerator<Market[]> {
    for await (const page of this.scanJson()) yield page.map((r) => JSON.parse(r.json) as Market);
  }

  // ---- indexes ----

  /** Every category the ENV has seen, with the number of markets it holds now. */
  async categories(): Promise<CategoryInfo[]> {
    try {
      const registry = await this.redis.hgetall(this.keys.categories);
      const slugs = Object.keys(registry).sort();
      const pipe = this.redis.pipeline();
      for (const slug of slugs) pipe.scard(this.keys.byCategory(slug));
      const counts = slugs.length > 0 ? ((await pipe.exec()) ?? []) : [];
      return slugs
        .map((slug, i) => ({ slug, name: registry[slug]!, markets: Number(counts[i]?.[1] ?? 0) }))
        .sort((a, b) => b.markets - a.markets || (a.slug < b.slug ? -1 : 1));
    } catch (err) {
      throw readError('reading categories', err);
    }
  }

  /** Resolves a category name or slug; null when the ENV has never seen it. */
  async resolveCategory(nameOrSlug: string): Promise<{ slug: string; name: string } | null> {
    const slug = categorySlug(nameOrSlug);
    if (slug === '') return null;
    try {
      const name = await this.redis.hget(this.keys.categories, slug);
      return name === null ? null : { slug, name };
    } catch (err) {
      throw readError('reading categories', err);
    }
  }

  /** Tickers of a category (name or slug), from its `by_category` SET. */
  async byCategory(nameOrSlug: string): Promise<string[]> {
    const slug = categorySlug(nameOrSlug);
    if (slug === '') return [];
    try {
      return (await this.redis.smembers(this.keys.byCategory(slug))).sort();
    } catch (err) {
      throw readError('reading a category', err);
    }
  }

  /**
   * Unsettled markets expiring at most `withinMs` from `now`, soonest first, from the expiring
   * ZSET (also those past expiration and not yet settled, as the seed's query).
   */
  async expiringWithin(withinMs: number, now: Date = new Date()): Promise<{ ticker: string; expires: number }[]> {
    const max = Math.floor((now.getTime() + withinMs) / 1000);
    try {
      const flat = await this.redis.zrangebyscore(this.keys.expiring, '-inf', max, 'WITHSCORES');
      const out: { ticker: string; expires: number }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) out.push({ ticker: flat[i]!, expires: Number(flat[i + 1]) });
      return out;
    } catch (err) {
      throw readError('reading the expiring index', err);
    }
  }

  /**
   * Markets of one event. The event ticker's words are search terms of each of its markets, so
   * their intersection narrows the candidates, which are then checked against `event_ticker`.
   */
  async byEvent(eventTicker: string): Promise<Market[]> {
    return this.byField('event_ticker', eventTicker);
  }

  /**
   * Markets of one series. The series ticker is not itself indexed: this relies on Kalshi's
   * convention that an event ticker starts with its series ticker (`KXBTCD` -> `KXBTCD-25DEC3117`),
   * narrows by those words and checks `series_ticker`.
   */
  async bySeries(seriesTicker: string): Promise<Market[]> {
    return this.byField('series_ticker', seriesTicker);
  }

  private async byField(field: 'event_ticker' | 'series_ticker', value: string): Promise<Market[]> {
    const wanted = value.toUpperCase();
    const terms = [...new Set(words(value))];
    const out: Market[] = [];
    const keep = (m: Market) => {
      if ((m[field] ?? '').toUpperCase() === wanted) out.push(m);
    };
    if (terms.length === 0) {
      for await (const page of this.scan()) page.forEach(keep);
    } else {
      let candidates: string[];
      try {
        candidates = await this.redis.sinter(...terms.map((t) => this.keys.search(t)));
      } catch (err) {
        throw readError('reading the search index', err);
      }
      const markets = await this.getMany(candidates.sort());
      for (const m of markets.values()) keep(m);
    }
    return out.sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  }

  /** Cached tickers by state, from the internal index (no Market JSON is read). */
  async statesByTicker(): Promise<Map<string, IndexState>> {
    const out = new Map<string, IndexState>();
    let cursor = '0';
    try {
      do {
        const [next, kv] = await this.redis.hscan(this.keys.index, cursor, 'COUNT', 5000);
        cursor = next;
        for (let i = 0; i + 1 < kv.length; i += 2) {
          const entry = decodeIndexEntry(kv[i + 1]!);
          if (entry !== null) out.set(kv[i]!, entry.state);
        }
      } while (cursor !== '0');
    } catch (err) {
      throw readError('reading the index', err);
    }
    return out;
  }

  /**
   * Tickers matching the filter, soonest expiration first (to the second, then ticker; markets
   * without an expiration last). Answered from the indexes: category SET, expiring ZSET, the
   * internal index for statuses, the search index for events and series; Market JSON is only read
   * for markets that are not in the expiring ZSET (settled, or without expiration), and only its head.
   */
  async select(filter: MarketFilter, options: SelectOptions = {}): Promise<string[]> {
    const now = options.now ?? new Date();
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : Number.POSITIVE_INFINITY;
    const sets: Set<string>[] = [];
    if (filter.category !== undefined) sets.push(new Set(await this.byCategory(filter.category)));
    if (filter.eventTicker !== undefined) sets.push(new Set((await this.byEvent(filter.eventTicker)).map((m) => m.ticker)));
    if (filter.seriesTicker !== undefined) sets.push(new Set((await this.bySeries(filter.seriesTicker)).map((m) => m.ticker)));
    if (filter.status !== undefined) {
      const wanted = new Set<IndexState>(typeof filter.status === 'string' ? [filter.status] : filter.status);
      const states = await this.statesByTicker();
      const set = new Set<string>();
      for (const [ticker, state] of states) if (wanted.has(state)) set.add(ticker);
      sets.push(set);
    }
    const candidates = intersect(sets);

    if (filter.expiringWithinMs !== undefined) {
      const expiring = await this.expiringWithin(filter.expiringWithinMs, now);
      // ZSET order: score, then member, the same as compareByExpiration.
      const out: string[] = [];
      for (const { ticker } of expiring) {
        if (candidates !== null && !candidates.has(ticker)) continue;
        out.push(ticker);
        if (out.length >= limit) break;
      }
      return out;
    }

    const scored: { ticker: string; score: number }[] = [];
    const unscored: string[] = [];
    const sortScores = async (tickers: readonly string[]) => {
      for (let i = 0; i < tickers.length; i += this.chunk) {
        const page = tickers.slice(i, i + this.chunk);
        let scores: (string | null)[];
        try {
          scores = await this.redis.zmscore(this.keys.expiring, ...page);
        } catch (err) {
          throw readError('reading the expiring index', err);
        }
        page.forEach((ticker, j) => {
          const s = scores[j];
          if (s === null || s === undefined) unscored.push(ticker);
          else scored.push({ ticker, score: Number(s) });
        });
      }
    };
    if (candidates === null) for await (const page of this.tickers()) await sortScores(page);
    else await sortScores([...candidates]);

    // Markets outside the expiring ZSET (settled, or without expiration) join in by their own
    // expiration, cut to seconds like the ZSET's scores.
    for (let i = 0; i < unscored.length; i += this.chunk) {
      for (const h of await this.heads(unscored.slice(i, i + this.chunk))) {
        if (h === null) continue;
        const ms = h.expiration_time === null ? Number.NaN : Date.parse(h.expiration_time);
        scored.push({ ticker: h.ticker, score: Number.isNaN(ms) ? Number.POSITIVE_INFINITY : Math.floor(ms / 1000) });
      }
    }
    scored.sort((a, b) => (a.score !== b.score ? (a.score < b.score ? -1 : 1) : a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
    return scored.slice(0, Math.min(scored.length, limit)).map((s) => s.ticker);
  }

  // ---- search ----

  /**
   * Case-insensitive search: every query word must prefix a word of the market's ticker, title,
   * yes/no subtitles, event ticker or category. Ranked: exact ticker, ticker prefix, all words in
   * the title, other fields; within a rank active first, then soonest expiration.
   */
  async search(query: string, options: { limit?: number } = {}): Promise<SearchResult> {
    const qWords = queryWords(query);
    if (qWords.length === 0) return { words: [], total: 0, ranked: 0, hits: [] };
    const whole = query.trim().toLowerCase();
    let reply: (string | number)[];
    try {
      reply = await this.redis.secmasterSearch(
        this.keys.searchTerms, this.keys.tickers, this.keys.markets,
        this.keys.searchPrefix, SEARCH_RANK_WINDOW, whole, /\s/.test(whole) ? '' : whole.toUpperCase(), ...qWords,
      );
    } catch (err) {
      throw readError('search', err);
    }
    const total = Number(reply[0] ?? 0);
    const hits = reply
      .slice(1)
      .map((json) => parseHead(String(json)))
      .map((market): SearchHit => ({ rank: searchRank(query, qWords, market), market }))
      .sort(compareHits);
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : hits.length;
    return { words: qWords, total, ranked: Math.min(total, SEARCH_RANK_WINDOW), hits: hits.slice(0, limit) };
  }

  /** Cached tickers closest to one that is not cached (case-insensitive shared prefix), best first. */
  async nearestTickers(ticker: string, n = 5): Promise<string[]> {
    const probes = [...new Set([ticker, ticker.toUpperCase()])];
    const pipe = this.redis.pipeline();
    for (const p of probes) {
      pipe.zrevrangebylex(this.keys.tickers, `(${p}`, '-', 'LIMIT', 0, n);
      pipe.zrangebylex(this.keys.tickers, `(${p}`, '+', 'LIMIT', 0, n);
      pipe.zscore(this.keys.tickers, p);
    }
    let results: [Error | null, unknown][];
    try {
      results = (await pipe.exec()) ?? [];
    } catch (err) {
      throw readError('reading tickers', err);
    }
    const candidates: string[] = [];
    probes.forEach((p, i) => {
      if (results[i * 3 + 2]?.[1] !== null && results[i * 3 + 2]?.[1] !== undefined) candidates.push(p);
      for (const r of [results[i * 3], results[i * 3 + 1]]) if (Array.isArray(r?.[1])) candidates.push(...(r[1] as string[]));
    });
    return closestTickers(ticker, candidates.filter((c) => c !== ticker), n);
  }

  // ---- status ----

  /** The figures `secmaster status` shows, read from Redis only. */
  async status(now: Date = new Date()): Promise<CacheStatus> {
    const k = this.keys;
    try {
      const [states, categories, misc] = await Promise.all([
        this.statesByTicker(),
        this.categories(),
        this.redis
          .multi()
          .get(k.lastSync)
          .get(k.watermark)
          .hgetall(k.runs)
          .hgetall(k.lastSuccess)
          .get(k.lock)
          .pttl(k.lock)
          .lrange(k.outbox, 0, -1)
          .hgetall(k.journal)
          .zcount(k.expiring, '-inf', Math.floor(now.getTime() / 1000) + 86_400)
          .exec(),
      ]);
      const value = (i: number): unknown => {
        const [err, v] = misc?.[i] ?? [null, null];
        if (err) throw err;
        return v;
      };
      const byStatus: Record<MarketStatus, number> = { active: 0, closed: 0, settled: 0 };
      let removed = 0;
      for (const state of states.values()) {
        if (state === 'removed') removed++;
        else byStatus[state]++;
      }
      const total = byStatus.active + byStatus.closed + byStatus.settled;
      const parseRuns = (h: Record<string, string>) =>
        Object.fromEntries(Object.entries(h).map(([mode, json]) => [mode, JSON.parse(json) as SyncReport]));
      const last = parseRuns(value(2) as Record<string, string>);
      const success = parseRuns(value(3) as Record<string, string>);
      const runs: Record<string, RunSummary> = {};
      for (const mode of [...new Set([...Object.keys(last), ...Object.keys(success)])].sort()) {
        runs[mode] = { last: last[mode] ?? null, last_success: success[mode] ?? null };
      }
      const holder = value(4) as string | null;
      const syncs = value(6) as string[];
      let events = 0;
      if (syncs.length > 0) {
        const pipe = this.redis.pipeline();
        for (const id of syncs) pipe.hlen(k.outboxEvents(id));
        events = ((await pipe.exec()) ?? []).reduce((sum, [, n]) => sum + Number(n ?? 0), 0);
      }
      const journal = value(7) as Record<string, string>;
      const watermark = value(1) as string | null;
      const categorized = categories.reduce((sum, c) => sum + c.markets, 0);
      return {
        env: this.env,
        last_sync: value(0) as string | null,
        watermark: watermark === null || !Number.isFinite(Number(watermark)) ? null : formatUtc(Number(watermark) * 1000),
        runs,
        markets: { total, by_status: byStatus, removed, expiring_24h: Number(value(8)) },
        categories: categories.filter((c) => c.markets > 0),
        uncategorized: Math.max(0, total - categorized),
        lock: holder === null ? null : { holder, ttl_ms: Number(value(5)) },
        outbox: { syncs, events },
        journal: {
          stream: journal.stream ?? null,
          last_seq: journal.last_seq === undefined ? null : Number(journal.last_seq),
          published_at: journal.published_at ?? null,
        },
      };
    } catch (err) {
      throw readError('reading the status', err);
    }
  }
}
