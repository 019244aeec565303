/** Plumbing the read commands share: positional ENV, output modes, a stdout that respects backpressure. */
import type { Redis } from 'ioredis';
import type { Argv } from 'yargs';
import type { Config } from '../../config.js';
import { UsageError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { createLogger } from '../../obs/logger.js';
import { MarketReader } from '../../store/reader.js';
import { resolveConfig, type CliIo, type CommandContext } from '../context.js';
import { openRedis } from '../runtime.js';

export type OutputMode = 'table' | 'json' | 'ndjson';

export interface OutputFlags {
  json?: boolean;
  ndjson?: boolean;
  table?: boolean;
}

/** The three output flags of list-like commands. */
export function withOutputOptions<T>(y: Argv<T>): Argv<T & OutputFlags> {
  return y
    .option('json', { type: 'boolean', describe: 'a JSON array of Market (the default when stdout is not a terminal)' })
    .option('ndjson', { type: 'boolean', describe: 'one Market JSON per line' })
    .option('table', { type: 'boolean', describe: 'an aligned table even when stdout is not a terminal' })
    .conflicts('json', ['ndjson', 'table'])
    .conflicts('ndjson', 'table') as Argv<T & OutputFlags>;
}

/** Table on a terminal, JSON otherwise, unless a flag says. */
export function outputMode(flags: OutputFlags, io: CliIo): OutputMode {
  if (flags.ndjson) return 'ndjson';
  if (flags.json) return 'json';
  if (flags.table) return 'table';
  return io.stdout.isTTY ? 'table' : 'json';
}

/** The terminal's width; else COLUMNS; else 120. */
export function terminalWidth(io: CliIo): number {
  const columns = io.stdout.columns ?? Number(io.env.COLUMNS);
  return typeof columns === 'number' && Number.isFinite(columns) && columns > 40 ? columns : 120;
}

/** `--limit`: a whole number, 0 for no limit. */
export function parseLimit(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--limit must be a whole number (0 for no limit), not "${String(value)}"`);
  return n;
}

/** Config for a command whose ENV is the given positional or SECMASTER_ENV. */
export function configFor(argv: Record<string, unknown>, env: string | undefined, io: CliIo): Config {
  return resolveConfig({ ...argv, env }, io.env);
}

/**
 * Commands whose ENV is optional before a required argument (`show [ENV] TICKER`): with two
 * positionals the first is the ENV, with one it is the argument and the ENV comes from SECMASTER_ENV.
 */
export function envAndArg(first: string | undefined, second: string | undefined): { env: string | undefined; arg: string | undefined } {
  if (second !== undefined) return { env: first, arg: second };
  return { env: undefined, arg: first };
}


/** Raised by {@link Output} when the reader of stdout went away (`secmaster export | head`). */
export class OutputClosed extends Error {
  override name = 'OutputClosed';
}

/** Writes to stdout, waiting for it to drain so a long listing never piles up in memory. */
export class Output {
  private closedBy: Error | null = null;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on('error', (err: Error) => {
      this.closedBy = err;
    });
  }

  get closed(): boolean {
    return this.closedBy !== null;
  }

  async write(text: string): Promise<void> {
    if (this.closedBy !== null) throw new OutputClosed('stdout was closed');
    let flushed: boolean;
    try {
      flushed = this.stream.write(text);
    } catch (err) {
      // A pipe whose reader left (EPIPE) throws on a synchronous write.
      this.closedBy = err instanceof Error ? err : new Error(String(err));
      throw new OutputClosed('stdout was closed', { cause: err });
    }
    if (!flushed) await this.drained();
    if (this.closedBy !== null) throw new OutputClosed('stdout was closed');
  }

  /** Resolves on drain, close or error (events.once would reject on the error). */
  private drained(): Promise<void> {
    const stream = this.stream;
    return new Promise((resolve) => {
      const done = () => {
        stream.off('drain', done);
        stream.off('close', done);
        stream.off('error', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('close', done);
      stream.on('error', done);
    });
  }

  line(text: string): Promise<void> {
    return this.write(`${text}\n`);
  }
}

/** Writes stored Market JSONs as one JSON array (one market per line) or as NDJSON. */
export class MarketJsonWriter {
  private count = 0;

  constructor(private readonly out: Output, private readonly mode: 'json' | 'ndjson') {}

  async start(): Promise<void> {
    if (this.mode === 'json') await this.out.write('[');
  }

  async add(jsons: readonly string[]): Promise<void> {
    if (jsons.length === 0) return;
    if (this.mode === 'ndjson') await this.out.write(`${jsons.join('\n')}\n`);
    else await this.out.write(`${this.count === 0 ? '\n' : ',\n'}${jsons.join(',\n')}`);
    this.count += jsons.length;
  }

  async end(): Promise<number> {
    if (this.mode === 'json') await this.out.write(this.count === 0 ? ']\n' : '\n]\n');
    return this.count;
  }
}

export interface ReadSession {
  config: Config;
  redis: Redis;
  reader: MarketReader;
  logger: Logger;
  out: Output;
}

/** Opens Redis for a read command, runs it, closes Redis; a closed stdout ends the command quietly. */
export async function withReader(ctx: CommandContext, config: Config, run: (session: ReadSession) => Promise<number>): Promise<void> {
  const logger = createLogger(config.logLevel, ctx.io.stderr);
  const redis = await openRedis(config.redisUrl);
  const out = new Output(ctx.io.stdout);
  try {
    ctx.exitCode = await run({ config, redis, reader: new MarketReader(redis, config.env), logger, out });
  } catch (err) {
    if (!(err instanceof OutputClosed)) throw err;
    ctx.exitCode = 0;
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
