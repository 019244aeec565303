/**
 * Every Redis key, NATS subject and message id secmaster uses, in one pure module.
 * The first four keys are the seed's layout (CONTRACT section 3); the rest are internal.
 */
export const ENV_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function isValidEnv(env: string): boolean {
  return ENV_PATTERN.test(env);
}

/** `Science and Technology` -> `science-and-technology`. */
export function categorySlug(category: string): string {
  return category
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function keys(env: string) {
  const base = `${env}:secmaster`;
  return {
    base,
    /** HASH ticker -> Market JSON. */
    markets: `${base}:markets`,
    /** SET of tickers per category slug. */
    byCategory: (slug: string) => `${base}:markets:by_category:${slug}`,
    byCategoryPrefix: `${base}:markets:by_category:`,
    /** ZSET ticker -> expiration epoch seconds, unsettled markets only. */
    expiring: `${base}:markets:expiring`,
    /** STRING RFC 3339 time of the last successful sync. */
    lastSync: `${base}:last_sync`,
    // ---- internal ----
    /** HASH ticker -> compact index entry (version, state, fingerprint, settled epoch). */
    index: `${base}:index`,
    /** HASH category slug -> category name as Kalshi spells it. */
    categories: `${base}:categories`,
    /** ZSET of every cached ticker, score 0: lexicographic order for export and ticker-prefix search. */
    tickers: `${base}:tickers`,
    /** SET of tickers per search term (the words of a market, see core/search.ts). */
    search: (term: string) => `${base}:search:term:${term}`,
    searchPrefix: `${base}:search:term:`,
    /** ZSET of every search term in use, score 0: a query word is expanded by ZRANGEBYLEX to the terms it prefixes. */
    searchTerms: `${base}:search:terms`,
    /** STRING lock token, with an expiry renewed while a run holds it. */
    lock: `${base}:lock`,
    /** STRING Unix seconds: start of the last successful sync; incremental syncs ask for changes since then. */
    watermark: `${base}:watermark`,
    /** LIST of sync ids whose events are committed but not yet all published, oldest first. */
    outbox: `${base}:outbox`,
    /** HASH ticker -> event JSON: the committed events of one sync. */
    outboxEvents: (syncId: string) => `${base}:outbox:${syncId}`,
    /** Prefix of one run's staging keys, invisible to readers and merged by the commit (store/scripts.ts). */
    stagePrefix: (syncId: string) => `${base}:stage:${syncId}:`,
    /** SET of sync ids that staged writes and have not committed or discarded them yet. */
    stages: `${base}:stages`,
    /** HASH mode -> JSON SyncReport of the last run of that mode (any outcome). */
    runs: `${base}:runs`,
    /** HASH mode -> JSON SyncReport of the last successful run of that mode. */
    lastSuccess: `${base}:runs:success`,
    /** HASH: stream, last_seq, published_at of the last publish. */
    journal: `${base}:journal`,
  } as const;
}

export type Keys = ReturnType<typeof keys>;

/** NATS subject of the change journal. */
export function changesSubject(env: string): string {
  return `${env}.secmaster.changes`;
}

/** Default JetStream stream name for an ENV. */
export function defaultStreamName(env: string): string {
  return `secmaster-${env}`;
}

/** Event id, also the Nats-Msg-Id: unique because versions never repeat for a ticker. */
export function eventId(env: string, ticker: string, version: number): string {
  return `${env}:${ticker}:${version}`;
}
