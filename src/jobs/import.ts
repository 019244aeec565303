/**
 * `secmaster import`: restores an export (or any JSON array / NDJSON of Markets) into an ENV
 * through the sync's own machinery, so the internal index, versions and search index stay right
 * and the next sync diffs against what was imported:
 *
 *   validate every record (pass 1) -> lock -> drain earlier outboxes (--publish) -> plan each record
 *   with planUpsert against the index (pass 2) -> stage -> one atomic commit -> publish or discard
 *   the implied events -> release the lock.
 *
 * The input is read twice rather than held in memory; standard input is spooled to a temporary
 * file during the first pass.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { z } from 'zod';
import { AbortedError, BadInputError, GuardRefusedError, StoreError } from '../core/errors.js';
import { isLive } from '../core/index-entry.js';
import type { Logger } from '../core/logger.js';
import type { Market } from '../core/market.js';
import { exceedsRemovalGuard, planRemoval, planUpsert, type MarketWrite, type PlanContext, type RemovalGuard } from '../core/plan.js';
import { formatUtc } from '../core/time.js';
import type { NatsChangeJournal } from '../journal/nats-journal.js';
import type { RedisMarketStore } from '../store/redis-store.js';
import { drainOutbox } from './outbox.js';

/** Records planned and staged per round trip. @defaultValue 1000 */
export const IMPORT_CHUNK = 1000;
/** The `runs` HASH field of import reports (next to `full` and `incremental`). */
export const IMPORT_MODE = 'import';

const UTC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const time = z
  .string()
  .refine((v) => UTC_TIME.test(v) && !Number.isNaN(Date.parse(v)), { message: 'must be an RFC 3339 UTC time such as 2026-01-02T03:04:05Z' })
  .nullable();

/** The contract's Market (CONTRACT section 4), exactly: every field present, nothing else. */
export const MarketSchema = z
  .object({
    ticker: z.string().min(1).max(200).regex(/^\S+$/, { message: 'must not contain spaces' }),
    kalshi_id: z.string().min(1),
    title: z.string(),
    category: z.string().nullable(),
    status: z.enum(['active', 'closed', 'settled']),
    open_time: time,
    close_time: time,
    expiration_time: time,
    settlement_time: time,
    result: z.enum(['yes', 'no', 'scalar']).nullable(),
    settled_at: time,
    updated_at: time,
    raw_metadata: z.record(z.string(), z.unknown()),
    event_ticker: z.string().nullable(),
    series_ticker: z.string().nullable(),
    exchange_status: z.string(),
    market_type: z.string().nullable(),
  })
  .strict();

// ---- reading records ----

/** One top-level JSON object of the input, with where it starts. */
export interface RawRecord {
  /** 1-based position in the input. */
  position: number;
  /** 1-based line where the record starts. */
  line: number;
  text: string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Splits a JSON array of objects, or objects one after another (NDJSON), into records without
 * parsing them, so a file of any size is read with bounded memory. Throws BadInputError on
 * anything else (a scalar element, a missing comma, a truncated file).
 */
export async function* splitRecords(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<RawRecord> {
  let mode: 'start' | 'array' | 'stream' | 'done' = 'start';
  let expectElement = true; // array mode: a comma (or the opening bracket) was seen
  let depth = 0;
  let inString = false;
  let escaped = false;
  let parts: string[] = [];
  let line = 1;
  let startLine = 1;
  let position = 0;
  const fail = (what: string): never => {
    throw new BadInputError(`the input is not a JSON array of markets nor one market per line: ${what} (line ${line})`);
  };
  const decoder = new TextDecoder('utf-8', { fatal: false });
  for await (const raw of chunks) {
    const chunk = typeof raw === 'string' ? raw : decoder.decode(raw, { stream: true });
    let from = -1; // start of the current record inside this chunk
    if (depth > 0) from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x0a) line++;
      if (depth > 0) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c) escaped = true;
          else if (c === 0x22) inString = false;
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (depth === 0) {
            parts.push(chunk.slice(from, i + 1));
            position++;
            yield { position, line: startLine, text: parts.join('') };
            parts = [];
            from = -1;
          }
        }
        continue;
      }
      if (WS.has(c) || c === 0xfeff) continue;
      const startRecord = () => {
        depth = 1;
        from = i;
        startLine = line;
      };
      switch (mode) {
        case 'start':
          if (c === 0x5b) mode = 'array';
          else if (c === 0x7b) {
            mode = 'stream';
            startRecord();
          } else fail(`it starts with ${JSON.stringify(chunk[i])}`);
          break;
        case 'array':
          if (c === 0x7b) {
            if (!expectElement) fail(`a comma is missing before record ${position + 1}`);
            expectElement = false;
            startRecord();
          } else if (c === 0x2c) {
            if (expectElement) fail(`record ${position + 1} is missing (two commas, or a comma first)`);
            expectElement = true;
          } else if (c === 0x5d) {
            if (expectElement && position > 0) fail('a comma before the closing bracket');
            mode = 'done';
          } else fail(`record ${position + 1} is not an object`);
          break;
        case 'stream':
          if (c === 0x7b) startRecord();
          else fail(`record ${position + 1} is not an object`);
          break;
        case 'done':
          fail('there is more after the closing bracket');
      }
    }
    if (depth > 0 && from >= 0) parts.push(chunk.slice(from));
  }
  if (depth > 0) fail(`record ${position + 1} is cut off (a truncated file?)`);
  if (mode === 'start') throw new BadInputError('the input is empty: expected a JSON array of markets (as `secmaster export` writes) or one market per line');
  if (mode === 'array') fail('the array is not closed (a truncated file?)');
}

function describeIssue(issue: z.core.$ZodIssue, value: unknown): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') return `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  const top = issue.path[0];
  const present = typeof value === 'object' && value !== null && top !== undefined && Object.hasOwn(value, top);
  if (issue.code === 'invalid_type' && issue.path.length === 1 && !present) return `field ${path} is missing`;
  return `field ${path}: ${issue.message}`;
}

export type RecordCheck = { ok: true; market: Market } | { ok: false; problem: string };

/** Parses and validates one record (pure). */
export function checkRecord(record: RawRecord): RecordCheck {
  let value: unknown;
  try {
    value = JSON.parse(record.text);
  } catch (err) {
    return { ok: false, problem: `record ${record.position} (line ${record.line}) is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const parsed = MarketSchema.safeParse(value);
  if (parsed.success) {
    // The parsed input, not zod's copy: its raw_metadata keeps the exported key order.
    return { ok: true, market: value as Market };
  }
  const ticker = typeof (value as { ticker?: unknown }).ticker === 'string' ? ` (ticker ${(value as { ticker: string }).ticker})` : '';
  return { ok: false, problem: `record ${record.position}${ticker}: ${describeIssue(parsed.error.issues[0]!, value)}` };
}

export interface ValidationResult {
  records: number;
  tickers: Set<string>;
}

/** Pass 1: every record must be a valid Market and every ticker unique; throws BadInputError naming the first bad record. */
export async function validateRecords(chunks: AsyncIterable<string | Buffer>): Promise<ValidationResult> {
  const firstSeen = new Map<string, number>();
  const problems: string[] = [];
  let badCount = 0;
  let records = 0;
  for await (const record of splitRecords(chunks)) {
    records++;
    const check = checkRecord(record);
    if (!check.ok) {
      badCount++;
      if (problems.length === 0) problems.push(check.problem);
      continue;
    }
    const seen = firstSeen.get(check.market.ticker);
    if (seen !== undefined) {
      badCount++;
      if (problems.length === 0) problems.push(`record ${record.position} repeats ticker ${check.market.ticker} of record ${seen}`);
      continue;
    }
    firstSeen.set(check.market.ticker, record.position);
  }
  if (badCount > 0) {
    const more = badCount > 1 ? ` (${badCount - 1} more record${badCount > 2 ? 's are' : ' is'} bad too)` : '';
    throw new BadInputError(`${problems[0]}${more}; nothing was imported, fix the file and run again`);
  }
  return { records, tickers: new Set(firstSeen.keys()) };
}

// ---- the job ----

/** Where the records come from; opened once per pass. */
export interface ImportSource {
  /** Shown in logs and the report. */
  name: string;
  open(): AsyncIterable<string | Buffer>;
  /** Whether `open` can be called twice (a file); standard input is spooled to a temporary file. */
  rereadable: boolean;
}

export function fileSource(path: string): ImportSource {
  return { name: path, open: () => createReadStream(path), rereadable: true };
}

export function streamSource(name: string, stream: AsyncIterable<string | Buffer>): ImportSource {
  return { name, open: () => stream, rereadable: false };
}

export interface ImportOptions {
  env: string;
  /** Publish the implied events through the journal; otherwise they are discarded after the commit. */
  publish: boolean;
  /** Remove cached markets the input does not hold. */
  replace: boolean;
  /** Validate and plan only; write nothing. */
  dryRun: boolean;
  lockTtlMs: number;
  /** The mass-removal guard for `replace`; null disables it. */
  removalGuard: RemovalGuard | null;
  signal?: AbortSignal;
}

export interface ImportDeps {
  store: RedisMarketStore;
  /** Required with `publish`. */
  journal: NatsChangeJournal | null;
  logger: Logger;
  now?: () => Date;
}

/** The one JSON summary line `secmaster import` prints; also kept in the `runs` HASH under `import`. */
export interface ImportReport {
  env: string;
  mode: typeof IMPORT_MODE;
  sync_id: string;
  status: 'success';
  dry_run: boolean;
  source: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  records: number;
  added: number;
  updated: number;
  settled: number;
  removed: number;
  unchanged: number;
  events_published: number;
  /** Events of this import dropped instead of published (without `publish`). */
  events_discarded: number;
}

export function newImportId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${IMPORT_MODE}-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** Copies a one-shot stream to a temporary file while validating it. */
async function spool(source: ImportSource): Promise<{ source: ImportSource; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'secmaster-import-'));
  const path = join(dir, 'input.json');
  const out = createWriteStream(path);
  const tee = async function* (): AsyncGenerator<string | Buffer> {
    for await (const chunk of source.open()) {
      if (!out.write(chunk)) await once(out, 'drain');
      yield chunk;
    }
    out.end();
    await once(out, 'finish');
  };
  let teed = false;
  return {
    // The first pass reads the stream and copies it; later passes read the copy.
    source: { name: source.name, rereadable: true, open: () => (teed ? createReadStream(path) : ((teed = true), tee())) },
    cleanup: async () => {
      out.destroy();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function* markets(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<Market[]> {
  let batch: Market[] = [];
  for await (const record of splitRecords(chunks)) {
    const check = checkRecord(record);
    // Pass 1 checked every record; a file changed in between is refused.
    if (!check.ok) throw new BadInputError(`${check.problem}; the input changed while it was imported, nothing was imported`);
    batch.push(check.market);
    if (batch.length >= IMPORT_CHUNK) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Runs an import; throws BadInputError (nothing written), GuardRefusedError, StoreError or JournalError. */
export async function runImport(deps: ImportDeps, options: ImportOptions, input: ImportSource): Promise<ImportReport> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const syncId = newImportId(started);
  const { store, logger } = deps;
  const report: ImportReport = {
    env: options.env,
    mode: IMPORT_MODE,
    sync_id: syncId,
    status: 'success',
    dry_run: options.dryRun,
    source: input.name,
    started_at: formatUtc(started.getTime()),
    finished_at: formatUtc(started.getTime()),
    duration_ms: 0,
    records: 0,
    added: 0,
    updated: 0,
    settled: 0,
    removed: 0,
    unchanged: 0,
    events_published: 0,
    events_discarded: 0,
  };
  if (options.publish && deps.journal === null && !options.dryRun) throw new Error('runImport: publish needs a journal');
  const checkAborted = () => {
    if (options.signal?.aborted) throw new AbortedError(`the import was interrupted (${String(options.signal.reason ?? 'aborted')}) before it committed; nothing was imported`);
  };

  let source = input;
  let cleanup = async () => {};
  if (!input.rereadable) ({ source, cleanup } = await spool(input));
  let lockToken: string | null = null;
  let renew: NodeJS.Timeout | null = null;
  try {
    const { records, tickers } = await validateRecords(source.open());
    report.records = records;
    logger.info({ env: options.env, records, source: input.name }, 'import file is valid');
    checkAborted();

    if (!options.dryRun) {
      lockToken = await store.acquireLock(options.lockTtlMs);
      if (lockToken === null) {
        const holder = await store.lockHolder();
        throw new StoreError(`another sync or import of ${options.env} holds the lock (${holder?.token ?? 'just released'}); nothing was imported, run again when it is done`);
      }
      const token = lockToken;
      renew = setInterval(() => {
        store.renewLock(token, options.lockTtlMs).catch((err: unknown) => logger.warn({ err: String(err) }, 'lock renewal failed; retrying'));
      }, Math.max(1000, Math.floor(options.lockTtlMs / 3)));
      renew.unref();
      await store.discardAbandonedStages();
      if (options.publish) {
        await deps.journal!.ensureStream();
        const drained = await drainOutbox(store, deps.journal!, logger, options.signal);
        report.events_published += drained.published;
      }
    }

    const index = await store.loadIndex();
    const ctx: PlanContext = { env: options.env, syncId, timestamp: report.started_at };
    const removals = options.replace
      ? [...index].filter(([ticker, entry]) => isLive(entry) && !tickers.has(ticker)).map(([ticker]) => ticker).sort()
      : [];
    if (removals.length > 0 && options.removalGuard !== null) {
      let live = 0;
      for (const entry of index.values()) if (isLive(entry)) live++;
      if (exceedsRemovalGuard(removals.length, live, options.removalGuard)) {
        throw new GuardRefusedError(
          `--replace would remove ${removals.length} of ${live} cached markets, more than the guard allows (${Math.round(options.removalGuard.maxShare * 100)}%); nothing was imported. Pass --force if this is intended`,
        );
      }
    }

    let staged = false;
    const stage = async (writes: MarketWrite[]) => {
      for (const w of writes) report[w.kind]++;
      if (options.dryRun || writes.length === 0) return;
      staged = true;
      await store.stage(syncId, writes);
    };
    try {
      for await (const batch of markets(source.open())) {
        checkAborted();
        const live = batch.filter((m) => isLive(index.get(m.ticker))).map((m) => m.ticker);
        const previous = live.length > 0 ? await store.getMarkets(live) : new Map<string, Market>();
        const writes: MarketWrite[] = [];
        for (const market of batch) {
          const write = planUpsert(ctx, index.get(market.ticker), previous.get(market.ticker) ?? null, market);
          if (write === null) report.unchanged++;
          else writes.push(write);
        }
        await stage(writes);
      }
      for (let i = 0; i < removals.length; i += IMPORT_CHUNK) {
        checkAborted();
        const chunk = removals.slice(i, i + IMPORT_CHUNK);
        const previous = await store.getMarkets(chunk);
        // RemovalReason has no "imported": a market the operator's file no longer lists is treated as delisted.
        await stage(chunk.map((t) => planRemoval(ctx, index.get(t)!, previous.get(t) ?? null, t, 'delisted')));
      }
      checkAborted();
    } catch (err) {
      if (staged) await store.discard(syncId).catch(() => undefined);
      throw err;
    }

    const writes = report.added + report.updated + report.settled + report.removed;
    if (!options.dryRun && lockToken !== null) {
      if (writes > 0) {
        report.finished_at = formatUtc(now().getTime());
        await store.commit({
          lockToken,
          syncId,
          // The runs HASH is keyed by this string; `import` sits next to `full` and `incremental`.
          mode: IMPORT_MODE,
          // An import is not a sync: last_sync keeps its value.
          lastSync: '',
          watermark: null,
          report,
        });
        logger.info({ sync_id: syncId, added: report.added, updated: report.updated, settled: report.settled, removed: report.removed }, 'import committed');
        if (options.publish) {
          const drained = await drainOutbox(store, deps.journal!, logger, options.signal);
          report.events_published += drained.published;
        } else {
          // Still under the lock, so no sync is draining: the import's events never reach the stream.
          await store.redis.multi().lrem(store.keys.outbox, 0, syncId).del(store.keys.outboxEvents(syncId)).exec();
          report.events_discarded = writes;
        }
      }
      report.finished_at = formatUtc(now().getTime());
      report.duration_ms = Math.round(now().getTime() - started.getTime());
      await store.recordRun(report);
    }
    report.finished_at = formatUtc(now().getTime());
    report.duration_ms = Math.round(now().getTime() - started.getTime());
    return report;
  } finally {
    if (renew !== null) clearInterval(renew);
    if (lockToken !== null) await store.releaseLock(lockToken).catch(() => undefined);
    await cleanup();
  }
}
