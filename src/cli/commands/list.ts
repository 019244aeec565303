import type { CommandModule } from 'yargs';
import { BadInputError, UsageError } from '../../core/errors.js';
import { parseDuration } from '../../core/duration.js';
import { MARKET_STATUSES, type MarketStatus } from '../../core/market.js';
import type { MarketFilter } from '../../store/reader.js';
import type { CommandContext } from '../context.js';
import { marketCells, marketLayout } from '../format/market.js';
import { formatHeader, formatRow } from '../format/table.js';
import {
  configFor,
  MarketJsonWriter,
  outputMode,
  parseLimit,
  terminalWidth,
  withOutputOptions,
  withReader,
  type OutputFlags,
} from './common.js';

interface ListArgs extends OutputFlags {
  env?: string;
  category?: string;
  status?: string[];
  'expiring-within'?: string;
  event?: string;
  series?: string;
  limit?: number;
  [flag: string]: unknown;
}

/** `--status active,closed` or `--status active --status closed`. */
export function parseStatuses(values: readonly string[] | undefined): MarketStatus[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  const out = new Set<MarketStatus>();
  for (const v of values.flatMap((s) => String(s).split(','))) {
    const s = v.trim().toLowerCase();
    if (!(MARKET_STATUSES as readonly string[]).includes(s)) {
      throw new UsageError(`--status must be ${MARKET_STATUSES.join(', ')} (or several, comma-separated), not "${v}"`);
    }
    out.add(s as MarketStatus);
  }
  return [...out];
}

export function parseWithin(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === null || ms <= 0) throw new UsageError(`--expiring-within must be a duration such as 30m, 24h or 7d, not "${value}"`);
  return ms;
}

export function listCommand(ctx: CommandContext): CommandModule<object, ListArgs> {
  return {
    command: 'list [env]',
    describe: 'list cached markets, soonest expiration first',
    builder: (y) =>
      withOutputOptions(
        y
          .positional('env', { type: 'string', describe: 'environment, e.g. kalshi-prod (default: SECMASTER_ENV)' })
          .option('category', { type: 'string', describe: 'category name or slug: Politics, science-and-technology' })
          .option('status', { type: 'string', array: true, describe: 'active, closed or settled (comma-separated for several)' })
          .option('expiring-within', { type: 'string', describe: 'unsettled markets expiring within 30m, 24h, 7d (and those past expiration, not yet settled)' })
          .option('event', { type: 'string', describe: 'markets of one event ticker' })
          .option('series', { type: 'string', describe: 'markets of one series ticker' })
          .option('limit', { type: 'number', describe: 'at most this many markets (default: all)' }),
      )
        .example('$0 list kalshi-prod --category politics', 'political markets, soonest expiration first')
        .example('$0 list kalshi-prod --expiring-within 24h --status active', 'what expires in the next day')
        .example('$0 list kalshi-prod --series KXBTCD --json | jq -r ".[].ticker"', 'tickers of a series, for a script')
        .example('SECMASTER_ENV=kalshi-demo $0 list --event KXFED-26DEC --ndjson', 'one Market JSON per line') as never,
    handler: async (argv) => {
      const config = configFor(argv, argv.env, ctx.io);
      const filter: MarketFilter = {};
      const statuses = parseStatuses(argv.status);
      if (statuses !== undefined) filter.status = statuses;
      const within = parseWithin(argv['expiring-within']);
      if (within !== undefined) filter.expiringWithinMs = within;
      if (argv.event !== undefined) filter.eventTicker = argv.event;
      if (argv.series !== undefined) filter.seriesTicker = argv.series;
      const limit = parseLimit(argv.limit, 0);
      const mode = outputMode(argv, ctx.io);
      await withReader(ctx, config, async ({ reader, out, logger }) => {
        if (argv.category !== undefined) {
          const category = await reader.resolveCategory(argv.category);
          if (category === null) {
            const known = (await reader.categories()).map((c) => c.name);
            throw new BadInputError(
              `unknown category "${argv.category}" in ${config.env}` + (known.length > 0 ? ` (known: ${known.join(', ')})` : ' (the ENV has no categories yet; has it been synced?)'),
            );
          }
          filter.category = category.slug;
        }
        const now = new Date();
        const tickers = await reader.select(filter, { limit, now });
        logger.debug({ env: config.env, filter, markets: tickers.length }, 'list');
        if (mode !== 'table') {
          const writer = new MarketJsonWriter(out, mode);
          await writer.start();
          for (let i = 0; i < tickers.length; i += 1000) {
            const jsons = await reader.getJsonMany(tickers.slice(i, i + 1000));
            await writer.add(jsons.filter((j): j is string => j !== null));
          }
          await writer.end();
          return 0;
        }
        if (tickers.length === 0) {
          await out.line('no markets match');
          return 0;
        }
        const categories = (await reader.categories()).map((c) => c.name);
        const layout = marketLayout(tickers, categories, terminalWidth(ctx.io));
        await out.line(formatHeader(layout));
        let shown = 0;
        for (let i = 0; i < tickers.length; i += 1000) {
          const heads = await reader.heads(tickers.slice(i, i + 1000));
          const lines = heads.filter((h) => h !== null).map((h) => formatRow(layout, marketCells(h, now.getTime())));
          shown += lines.length;
          if (lines.length > 0) await out.write(`${lines.join('\n')}\n`);
        }
        await out.line(`${shown.toLocaleString('en-US')} market${shown === 1 ? '' : 's'}`);
        return 0;
      });
    },
  };
}
