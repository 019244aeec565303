import type { CommandModule } from 'yargs';
import { UsageError } from '../../core/errors.js';
import { queryWords } from '../../store/reader.js';
import type { CommandContext } from '../context.js';
import { marketCells, marketLayout } from '../format/market.js';
import { formatHeader, formatRow } from '../format/table.js';
import {
  configFor,
  envAndArg,
  MarketJsonWriter,
  outputMode,
  parseLimit,
  terminalWidth,
  withOutputOptions,
  withReader,
  type OutputFlags,
} from './common.js';

interface SearchArgs extends OutputFlags {
  env?: string;
  query?: string;
  limit?: number;
  [flag: string]: unknown;
}

/** @defaultValue 20 */
export const DEFAULT_SEARCH_LIMIT = 20;

export function searchCommand(ctx: CommandContext): CommandModule<object, SearchArgs> {
  return {
    command: 'search [env] [query]',
    describe: 'find markets by words of their ticker, title, subtitles, event or category',
    builder: (y) =>
      withOutputOptions(
        y
          .positional('env', { type: 'string', describe: 'environment, e.g. kalshi-prod (default: SECMASTER_ENV; with one argument it is the QUERY)' })
          .positional('query', { type: 'string', describe: 'words to find (quote several: "fed rate")' })
          .option('limit', { type: 'number', describe: `at most this many results, best first (default ${DEFAULT_SEARCH_LIMIT}; 0 for every ranked match)` }),
      )
        .example('$0 search kalshi-prod bitcoin', 'markets about bitcoin, exact and prefix ticker hits first')
        .example('$0 search kalshi-prod "fed rate" --limit 5', 'every word must match (as a word prefix)')
        .example('$0 search kalshi-prod KXBTCD-25DEC --json | jq -r ".[].ticker"', 'by ticker prefix, for a script') as never,
    handler: async (argv) => {
      const { env, arg: query } = envAndArg(argv.env, argv.query);
      if (query === undefined || queryWords(query).length === 0) {
        throw new UsageError(`the query needs a word of at least 2 letters or digits, not "${query ?? ''}"`);
      }
      const config = configFor(argv, env, ctx.io);
      const limit = parseLimit(argv.limit, DEFAULT_SEARCH_LIMIT);
      const mode = outputMode(argv, ctx.io);
      await withReader(ctx, config, async ({ reader, out, logger }) => {
        const started = performance.now();
        const result = await reader.search(query, { limit });
        logger.debug({ env: config.env, query, words: result.words, total: result.total, ms: Math.round(performance.now() - started) }, 'search');
        const tickers = result.hits.map((h) => h.market.ticker);
        if (mode !== 'table') {
          const writer = new MarketJsonWriter(out, mode);
          await writer.start();
          await writer.add((await reader.getJsonMany(tickers)).filter((j): j is string => j !== null));
          await writer.end();
          return 0;
        }
        if (result.hits.length === 0) {
          await out.line(`no market matches ${result.words.map((w) => `"${w}"`).join(' and ')} in ${config.env}`);
          return 0;
        }
        const now = Date.now();
        const layout = marketLayout(tickers, result.hits.map((h) => h.market.category ?? '-'), terminalWidth(ctx.io));
        const lines = [formatHeader(layout), ...result.hits.map((h) => formatRow(layout, marketCells(h.market, now)))];
        const of = result.total.toLocaleString('en-US');
        const ranked = result.ranked < result.total ? ` (the best of ${result.ranked.toLocaleString('en-US')} ranked; add words to narrow)` : '';
        lines.push(`${result.hits.length} of ${of} match${result.total === 1 ? '' : 'es'}${ranked}`);
        await out.write(`${lines.join('\n')}\n`);
        return 0;
      });
    },
  };
}
