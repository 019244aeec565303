/**
 * The read commands (list, show, search, export, status, completion) as an operator runs them:
 * the built CLI against a catalogue synced from the simulator into real Redis and NATS.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { categorySlug } from '../../src/core/keys.js';
import { searchTerms, words } from '../../src/core/search.js';
import type { Market } from '../../src/core/market.js';
import type { KalshiSimulator } from '../../src/sim/server.js';
import { connectNatsForTest, connectRedis, dropEnv, readStream, runCli, sentences, testEnv } from '../helpers/services.js';
import { cliEnv, startCaptureSim } from '../helpers/sim.js';

let redis: Redis;
let nc: NatsConnection;
let sim: KalshiSimulator;
let env: string;
/** Every stored Market, by ticker, and the stored JSON strings. */
let markets: Map<string, Market>;
let stored: Record<string, string>;

const cli = (args: string[], extra: Record<string, string> = {}) => runCli(args, cliEnv(sim, extra));

beforeAll(async () => {
  redis = await connectRedis();
  nc = await connectNatsForTest();
  sim = await startCaptureSim();
  env = testEnv('cli');
  const res = await cli(['sync', env, '--mode', 'full']);
  expect(res.code, res.stderr).toBe(0);
  stored = await redis.hgetall(`${env}:secmaster:markets`);
  markets = new Map(Object.entries(stored).map(([t, json]) => [t, JSON.parse(json) as Market]));
  expect(markets.size).toBeGreaterThan(500);
});

afterAll(async () => {
  await sim.close();
  await dropEnv(redis, nc, env);
  await redis.quit();
  await nc.close();
});

/** The order `list` promises: expiration to the second, then ticker; markets without expiration last. */
function byExpiration(list: Market[]): string[] {
  const key = (m: Market) => (m.expiration_time === null ? Number.POSITIVE_INFINITY : Math.floor(Date.parse(m.expiration_time) / 1000));
  return [...list].sort((a, b) => key(a) - key(b) || (a.ticker < b.ticker ? -1 : 1)).map((m) => m.ticker);
}

function tickersOf(stdout: string): string[] {
  return (JSON.parse(stdout) as Market[]).map((m) => m.ticker);
}

function oneSentence(stderr: string): string {
  const lines = sentences(stderr);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe('list', () => {
  it('prints every Market as a JSON array when stdout is not a terminal, sorted by expiration', async () => {
    const res = await cli(['list', env]);
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout) as Market[];
    expect(out.map((m) => m.ticker)).toEqual(byExpiration([...markets.values()]));
    // Each element is the stored Market exactly.
    expect(res.stdout.split('\n').slice(1, 3)).toEqual([`${stored[out[0]!.ticker]},`, `${stored[out[1]!.ticker]},`]);
  });

  it('answers the category filter from its SET, by name or slug', async () => {
    const category = [...markets.values()].find((m) => m.category !== null && m.category.includes(' '))?.category ?? [...markets.values()].find((m) => m.category)!.category!;
    const expected = byExpiration([...markets.values()].filter((m) => m.category === category));
    const members = (await redis.smembers(`${env}:secmaster:markets:by_category:${categorySlug(category)}`)).sort();
    expect([...expected].sort()).toEqual(members);
    const byName = await cli(['list', env, '--category', category]);
    const bySlug = await cli(['list', env, '--category', categorySlug(category), '--json']);
    expect(tickersOf(byName.stdout)).toEqual(expected);
    expect(tickersOf(bySlug.stdout)).toEqual(expected);
  });

  it('filters by status, expiration window, event and series, and combines them', async () => {
    const all = [...markets.values()];
    const closed = await cli(['list', env, '--status', 'closed']);
    expect(tickersOf(closed.stdout)).toEqual(byExpiration(all.filter((m) => m.status === 'closed')));

    const nowS = Math.floor(Date.now() / 1000);
    const within = await cli(['list', env, '--expiring-within', '2d']);
    const zset = await redis.zrangebyscore(`${env}:secmaster:markets:expiring`, 0, nowS + 2 * 86_400);
    expect(tickersOf(within.stdout)).toEqual(zset);
    expect(zset.length).toBeGreaterThan(0);

    const sample = all.find((m) => m.event_ticker !== null && all.filter((o) => o.event_ticker === m.event_ticker).length > 2)!;
    const event = await cli(['list', env, '--event', sample.event_ticker!]);
    expect(tickersOf(event.stdout)).toEqual(byExpiration(all.filter((m) => m.event_ticker === sample.event_ticker)));
    const series = await cli(['list', env, '--series', sample.series_ticker!, '--status', 'active']);
    expect(tickersOf(series.stdout)).toEqual(byExpiration(all.filter((m) => m.series_ticker === sample.series_ticker && m.status === 'active')));
    expect(tickersOf(series.stdout).length).toBeGreaterThan(0);

    const limited = await cli(['list', env, '--limit', '3', '--ndjson']);
    const lines = limited.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => (JSON.parse(l) as Market).ticker)).toEqual(byExpiration(all).slice(0, 3));
  });

  it('prints an aligned table with --table: header, one row per market, a count', async () => {
    const res = await cli(['list', env, '--table', '--limit', '5']);
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TICKER +STATUS +CATEGORY +CLOSE \(UTC\) +EXPIRATION \(UTC\) +TITLE$/);
    expect(lines).toHaveLength(7);
    expect(lines[6]).toBe('5 markets');
    const first = byExpiration([...markets.values()])[0]!;
    expect(lines[1]!.startsWith(first)).toBe(true);
    const titleAt = lines[0]!.indexOf('TITLE');
    // Every row keeps the columns aligned; the title is cut to the terminal width with an ellipsis.
    for (const row of lines.slice(1, 6)) {
      expect(row.indexOf(markets.get(row.split(' ')[0]!)!.status)).toBe(lines[0]!.indexOf('STATUS'));
      expect(row.length).toBeLessThanOrEqual(Math.max(120, titleAt + 20));
    }
  });

  it('refuses bad flags with exit 2 and one sentence naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['list', env, '--status', 'open'], /--status must be active, closed, settled/],
      [['list', env, '--expiring-within', 'soon'], /--expiring-within must be a duration/],
      [['list', env, '--limit', '-2'], /--limit must be a whole number/],
      [['list', env, '--json', '--ndjson'], /mutually exclusive/],
      [['list', env, '--category', 'no such thing'], /unknown category "no such thing" in .* \(known: /],
      [['list', 'Not_An_Env'], /ENV must match/],
      [['list', env, '--colour'], /Unknown argument: colour/],
    ];
    for (const [args, message] of cases) {
      const res = await cli(args);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stdout).toBe('');
      expect(oneSentence(res.stderr)).toMatch(message);
    }
  });

  it('takes ENV from SECMASTER_ENV when the argument is omitted', async () => {
    const res = await cli(['list', '--limit', '2'], { SECMASTER_ENV: env });
    expect(tickersOf(res.stdout)).toEqual(byExpiration([...markets.values()]).slice(0, 2));
    const none = await cli(['list']);
    expect(none.code).toBe(2);
    expect(oneSentence(none.stderr)).toMatch(/ENV is required: pass it as an argument or set SECMASTER_ENV/);
  });
});

describe('show', () => {
  it('prints a card with every field, and the stored JSON exactly with --json', async () => {
    const m = [...markets.values()].find((x) => x.expiration_time !== null && Object.keys(x.raw_metadata).includes('rules_primary'))!;
    const card = await cli(['show', env, m.ticker]);
    expect(card.code, card.stderr).toBe(0);
    expect(card.stdout.split('\n')[0]).toBe(`${m.ticker}  [${m.status}]`);
    for (const field of ['kalshi_id', 'category', 'status', 'result', 'market_type', 'event_ticker', 'series_ticker', 'open_time', 'close_time', 'expiration_time', 'settlement_time', 'settled_at', 'updated_at']) {
      expect(card.stdout).toMatch(new RegExp(`^ {2}${field} `, 'm'));
    }
    expect(card.stdout).toMatch(/^ {2}expiration_time +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ +(in .+|.+ ago)$/m);
    expect(card.stdout).toContain('Kalshi fields (raw_metadata');
    expect(card.stdout).toMatch(/^ {2}Rules$/m);

    const json = await cli(['show', env, m.ticker, '--json']);
    expect(json.stdout).toBe(`${stored[m.ticker]}\n`);
    const fromEnv = await cli(['show', m.ticker, '--json'], { SECMASTER_ENV: env });
    expect(fromEnv.stdout).toBe(json.stdout);
  });

  it('says which market is missing and suggests the closest tickers (exit 1)', async () => {
    const some = [...markets.keys()].sort()[10]!;
    const wrong = some.slice(0, -1);
    const res = await cli(['show', env, wrong]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    const sentence = oneSentence(res.stderr);
    expect(sentence).toMatch(new RegExp(`^secmaster: market not found: ${wrong.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} in ${env}; closest: `));
    expect(sentence).toContain(some.slice(0, -2));
    const lower = await cli(['show', env, some.toLowerCase()]);
    expect(lower.code).toBe(1);
    expect(oneSentence(lower.stderr)).toContain(`closest: ${some}`);
    const none = await cli(['show', env, 'QQQQQQ']);
    expect(oneSentence(none.stderr)).toBe(`secmaster: market not found: QQQQQQ in ${env}; try secmaster search.`);
  });
});

describe('search', () => {
  it('ranks the exact ticker first, then ticker-prefix hits', async () => {
    const ticker = [...markets.keys()].sort()[42]!;
    const res = await cli(['search', env, ticker, '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(tickersOf(res.stdout)[0]).toBe(ticker);

    const event = markets.get(ticker)!.event_ticker!;
    const prefix = await cli(['search', env, event, '--limit', '0']);
    const hits = tickersOf(prefix.stdout);
    const expected = [...markets.values()].filter((m) => m.ticker.startsWith(event)).map((m) => m.ticker);
    expect(hits.slice(0, expected.length).sort()).toEqual(expected.sort());
  });

  it('matches every word as a word prefix, case-insensitively, title matches before other fields', async () => {
    const m = [...markets.values()].find((x) => /^[A-Za-z]{5,}$/.test(x.title.split(' ')[1] ?? ''))!;
    const word = m.title.split(' ')[1]!;
    const query = `${word.slice(0, 4).toUpperCase()} ${m.category!.toLowerCase()}`;
    const res = await cli(['search', env, query, '--limit', '0', '--json']);
    const found = JSON.parse(res.stdout) as Market[];
    expect(found.map((x) => x.ticker)).toContain(m.ticker);
    const words = (t: string) => t.toLowerCase().split(/[^\p{L}\p{N}]+/u);
    for (const x of found) {
      const text = [x.ticker, x.title, x.raw_metadata.yes_sub_title, x.raw_metadata.no_sub_title, x.event_ticker, x.category].join(' ');
      expect(words(text).some((w) => w.startsWith(word.slice(0, 4).toLowerCase()))).toBe(true);
      expect(words(text).some((w) => w.startsWith(m.category!.toLowerCase().split(' ')[0]!))).toBe(true);
    }
    const inTitle = found.map((x) => words(x.title).some((w) => w.startsWith(word.slice(0, 4).toLowerCase())));
    expect(inTitle.indexOf(false) === -1 || inTitle.slice(inTitle.indexOf(false)).every((v) => !v)).toBe(true);
  });

  it('finds exactly the markets whose terms every word prefixes (checked against every market)', async () => {
    const all = [...markets.values()];
    const some = all.find((m) => m.event_ticker !== null && m.title.split(' ').length > 4)!;
    const titleWord = words(some.title).find((w) => w.length >= 5)!;
    const queries = [
      titleWord.slice(0, 3),
      `${titleWord} ${words(some.category ?? 'x')[0]}`,
      some.event_ticker!.slice(0, some.event_ticker!.indexOf('-') + 4),
      // "kx" + word: Kalshi's series prefix is implied.
      words(some.ticker)[0]!.slice(2, 7),
    ];
    for (const query of queries) {
      const qw = [...new Set(words(query))];
      const expected = all
        .filter((m) => qw.every((w) => searchTerms(m).some((t) => t.startsWith(w) || (!w.startsWith('kx') && t.startsWith(`kx${w}`)))))
        .map((m) => m.ticker)
        .sort();
      expect(expected.length, query).toBeGreaterThan(0);
      expect(expected.length, query).toBeLessThan(1000);
      const res = await cli(['search', env, query, '--limit', '0']);
      expect(tickersOf(res.stdout).sort(), query).toEqual(expected);
    }
  });

  it('prints a table with a count, limits, and says when nothing matches', async () => {
    const res = await cli(['search', env, 'will', '--table', '--limit', '3']);
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TICKER +STATUS/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatch(/^3 of [\d,]+ matches$/);
    const none = await cli(['search', env, 'zzzqqq', '--table']);
    expect(none.stdout).toBe(`no market matches "zzzqqq" in ${env}\n`);
    const empty = await cli(['search', env, 'zzzqqq']);
    expect(empty.stdout).toBe('[]\n');
    const bad = await cli(['search', env, 'a']);
    expect(bad.code).toBe(2);
    expect(oneSentence(bad.stderr)).toMatch(/the query needs a word of at least 2 letters or digits/);
  });
});

describe('export', () => {
  it('writes every stored Market exactly, in ticker order, as a JSON array or NDJSON', async () => {
    const res = await cli(['export', env]);
    expect(res.code, res.stderr).toBe(0);
    const tickers = Object.keys(stored).sort();
    expect(tickersOf(res.stdout)).toEqual(tickers);
    expect(res.stdout).toBe(`[\n${tickers.map((t) => stored[t]).join(',\n')}\n]\n`);
    const nd = await cli(['export', env, '--ndjson']);
    expect(nd.stdout).toBe(`${tickers.map((t) => stored[t]).join('\n')}\n`);
  });

  it('writes an empty array for an empty ENV', async () => {
    const res = await cli(['export', testEnv('empty')]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('[]\n');
  });
});

describe('status', () => {
  it('reports the last sync, counts, categories, lock, outbox and the stream', async () => {
    const res = await cli(['status', env, '--json']);
    expect(res.code, res.stderr).toBe(0);
    const s = JSON.parse(res.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const all = [...markets.values()];
    expect(s.env).toBe(env);
    expect(s.last_sync).toBe(await redis.get(`${env}:secmaster:last_sync`));
    expect(s.runs.full.last).toMatchObject({ status: 'success', mode: 'full', added: markets.size });
    expect(s.runs.full.last_success.sync_id).toBe(s.runs.full.last.sync_id);
    expect(s.markets.total).toBe(markets.size);
    expect(s.markets.by_status).toEqual({
      active: all.filter((m) => m.status === 'active').length,
      closed: all.filter((m) => m.status === 'closed').length,
      settled: all.filter((m) => m.status === 'settled').length,
    });
    const counts = new Map<string, number>();
    for (const m of all) if (m.category) counts.set(m.category, (counts.get(m.category) ?? 0) + 1);
    expect(Object.fromEntries(s.categories.map((c: { name: string; markets: number }) => [c.name, c.markets]))).toEqual(Object.fromEntries(counts));
    expect(s.lock).toBeNull();
    expect(s.outbox).toEqual({ syncs: [], events: 0 });
    const stream = await readStream(nc, env);
    expect(s.stream).toMatchObject({ name: `secmaster-${env}`, subject: `${env}.secmaster.changes`, last_seq: stream.length, messages: stream.length });
    expect(s.journal.last_seq).toBe(stream.length);
    expect(s.watermark).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('reads as plain lines for a person, and shows who holds the lock', async () => {
    await redis.set(`${env}:secmaster:lock`, '4242-cafe', 'PX', 30_000);
    try {
      const res = await cli(['status', env]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/^Last sync +\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ \(.+ ago\)$/m);
      expect(res.stdout).toMatch(/^ {2}full +\d{4}-\d\d-\d\d .+ success +[\d,]+ +[\d,]+/m);
      expect(res.stdout).toMatch(/^ {2}incremental +never$/m);
      expect(res.stdout).toMatch(new RegExp(`^Markets +${markets.size.toLocaleString('en-US')} cached: `, 'm'));
      expect(res.stdout).toMatch(/^Lock +held by 4242-cafe \(expires in \d+\.\ds\)$/m);
      expect(res.stdout).toMatch(/^Outbox +empty/m);
      expect(res.stdout).toMatch(new RegExp(`^Journal +stream secmaster-${env} \\(${env}.secmaster.changes\\): last sequence`, 'm'));
    } finally {
      await redis.del(`${env}:secmaster:lock`);
    }
  });

  it('still answers when NATS cannot be reached', async () => {
    const res = await cli(['status', env, '--json'], { NATS_URL: 'nats://127.0.0.1:1' });
    expect(res.code, res.stderr).toBe(0);
    const s = JSON.parse(res.stdout) as { stream: { error?: string; last_seq: number | null } };
    expect(s.stream.last_seq).toBeNull();
    expect(s.stream.error).toBeTruthy();
  });
});

describe('help and completion', () => {
  it('every command explains itself with examples', async () => {
    for (const command of ['list', 'show', 'search', 'export', 'import', 'status', 'watch', 'serve', 'completion']) {
      const res = await cli([command, '--help']);
      expect(res.code, command).toBe(0);
      expect(res.stdout).toContain('Examples:');
      expect(res.stdout).toContain(`secmaster ${command}`);
    }
  });

  it('prints a completion script that asks the CLI for completions', async () => {
    const res = await cli(['completion']);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('###-begin-secmaster-completions-###');
    expect(res.stdout).toContain('--get-yargs-completions');
    const words = await cli(['--get-yargs-completions', 'secmaster', 'list', '--exp']);
    expect(words.stdout.split('\n')).toContain('--expiring-within');
  });
});
