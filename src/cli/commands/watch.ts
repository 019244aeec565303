import { DeliverPolicy, jetstream, type OrderedConsumerOptions } from '@nats-io/jetstream';
import type { CommandModule } from 'yargs';
import { parseDuration } from '../../core/duration.js';
import { JournalError, UsageError } from '../../core/errors.js';
import { CHANGE_TYPES, type ChangeEvent, type ChangeType } from '../../core/events.js';
import { changesSubject } from '../../core/keys.js';
import { createLogger } from '../../obs/logger.js';
import type { CommandContext } from '../context.js';
import { formatEvent, tickerMatcher } from '../format/event.js';
import { configFor, Output, OutputClosed } from './common.js';
import { openJournal } from '../runtime.js';

interface WatchArgs {
  env?: string;
  since?: string;
  'from-start'?: boolean;
  ticker?: string[];
  type?: string[];
  json?: boolean;
  count?: number;
  [flag: string]: unknown;
}

/** `added` or `market_added`, comma-separated or repeated. */
export function parseTypes(values: readonly string[] | undefined): Set<ChangeType> | null {
  if (values === undefined || values.length === 0) return null;
  const out = new Set<ChangeType>();
  for (const raw of values.flatMap((v) => String(v).split(','))) {
    const v = raw.trim().toLowerCase();
    const type = (v.startsWith('market_') ? v : `market_${v}`) as ChangeType;
    if (!CHANGE_TYPES.includes(type)) {
      throw new UsageError(`--type must be added, updated, settled or removed (comma-separated for several), not "${raw}"`);
    }
    out.add(type);
  }
  return out;
}

/** Where the ordered consumer starts: now, a while ago, or the stream's first event. */
export function startFrom(since: string | undefined, fromStart: boolean, now: Date): Partial<OrderedConsumerOptions> & { description: string } {
  if (since !== undefined && fromStart) throw new UsageError('--since and --from-start exclude each other: choose one');
  if (fromStart) return { deliver_policy: DeliverPolicy.All, description: 'the first event the stream keeps' };
  if (since !== undefined) {
    const ms = parseDuration(since);
    if (ms === null || ms <= 0) throw new UsageError(`--since must be a duration such as 30m, 1h or 2d, not "${since}"`);
    const start = new Date(now.getTime() - ms).toISOString();
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: start, description: `${start} (${since} ago)` };
  }
  return { deliver_policy: DeliverPolicy.New, description: 'now' };
}

export function watchCommand(ctx: CommandContext): CommandModule<object, WatchArgs> {
  return {
    command: 'watch [env]',
    describe: 'follow the change journal: one line per event, until Ctrl-C',
    builder: (y) =>
      y
        .positional('env', { type: 'string', describe: 'environment, e.g. kalshi-prod (default: SECMASTER_ENV)' })
        .option('since', { type: 'string', describe: 'start this long ago: 30m, 1h, 2d (default: from now)' })
        .option('from-start', { type: 'boolean', default: false, describe: 'start at the first event the stream keeps' })
        .option('ticker', { type: 'string', array: true, describe: 'only these tickers; * and ? as wildcards (KXBTCD-*)' })
        .option('type', { type: 'string', array: true, describe: 'only these event types: added, updated, settled, removed' })
        .option('json', { type: 'boolean', default: false, describe: 'the raw event JSON, one per line' })
        .option('count', { type: 'number', describe: 'stop after this many events' })
        .example('$0 watch kalshi-prod', 'changes as the syncs publish them')
        .example('$0 watch kalshi-prod --since 1h --type settled', 'what settled in the last hour, then follow')
        .example('$0 watch kalshi-prod --from-start --ticker "KXBTCD-*" --json | jq .changes', 'the history of a series, as JSON') as never,
    handler: async (argv) => {
      const config = configFor(argv, argv.env, ctx.io);
      const types = parseTypes(argv.type);
      const matches = tickerMatcher(argv.ticker ?? []);
      const { description, ...start } = startFrom(argv.since, argv['from-start'] === true, new Date());
      if (argv.count !== undefined && (!Number.isInteger(argv.count) || argv.count <= 0)) {
        throw new UsageError(`--count must be a positive whole number, not "${String(argv.count)}"`);
      }
      const logger = createLogger(config.logLevel, ctx.io.stderr);
      const journal = await openJournal(config, logger);
      const out = new Output(ctx.io.stdout);
      try {
        await journal.ensureStream();
        if (ctx.io.signal.aborted) return;
        const consumer = await jetstream(journal.nc).consumers.get(config.stream.name, { ...start, filter_subjects: changesSubject(config.env) });
        const messages = await consumer.consume();
        const stop = () => void messages.close().catch(() => undefined);
        ctx.io.signal.addEventListener('abort', stop, { once: true });
        logger.info({ stream: config.stream.name, subject: changesSubject(config.env), from: description }, 'watching the change journal; Ctrl-C to stop');
        let shown = 0;
        let done = false;
        try {
          for await (const m of messages) {
            const body = m.string();
            let event: ChangeEvent;
            try {
              event = JSON.parse(body) as ChangeEvent;
            } catch {
              logger.warn({ seq: m.seq }, 'skipped a message that is not JSON');
              continue;
            }
            if (types !== null && !types.has(event.type)) continue;
            if (!matches(event.ticker)) continue;
            await out.line(argv.json ? body : formatEvent(event));
            shown++;
            if (argv.count !== undefined && shown >= argv.count) {
              done = true;
              break;
            }
          }
        } catch (err) {
          if (!(err instanceof OutputClosed)) throw err;
          done = true;
        } finally {
          ctx.io.signal.removeEventListener('abort', stop);
          stop();
        }
        if (!done && !ctx.io.signal.aborted) {
          // The consumer ended without being asked to: NATS went away for good.
          throw new JournalError(`the change journal stopped delivering (${journal.nc.isClosed() ? 'the NATS connection closed' : 'the consumer ended'}); run watch again`);
        }
        ctx.exitCode = 0;
      } finally {
        await journal.close().catch(() => undefined);
      }
    },
  };
}
