import type { CommandModule } from 'yargs';
import { NotFoundError, UsageError } from '../../core/errors.js';
import type { Market } from '../../core/market.js';
import type { CommandContext } from '../context.js';
import { marketCard } from '../format/market.js';
import { configFor, envAndArg, terminalWidth, withReader } from './common.js';

interface ShowArgs {
  env?: string;
  ticker?: string;
  json?: boolean;
  [flag: string]: unknown;
}

export function showCommand(ctx: CommandContext): CommandModule<object, ShowArgs> {
  return {
    command: 'show [env] [ticker]',
    describe: 'one market: a readable card, or the stored JSON with --json',
    builder: (y) =>
      y
        .positional('env', { type: 'string', describe: 'environment, e.g. kalshi-prod (default: SECMASTER_ENV; with one argument it is the TICKER)' })
        .positional('ticker', { type: 'string', describe: 'market ticker, e.g. INXD-25-B4000' })
        .option('json', { type: 'boolean', default: false, describe: 'the stored Market JSON, exactly' })
        .example('$0 show kalshi-prod INXD-25-B4000', 'every field, times also relative to now')
        .example('$0 show kalshi-prod INXD-25-B4000 --json | jq .raw_metadata', 'the stored JSON')
        .example('SECMASTER_ENV=kalshi-prod $0 show INXD-25-B4000', 'ENV from the environment') as never,
    handler: async (argv) => {
      const { env, arg: ticker } = envAndArg(argv.env, argv.ticker);
      if (ticker === undefined || ticker.trim() === '') throw new UsageError('name the market: secmaster show ENV TICKER');
      const config = configFor(argv, env, ctx.io);
      await withReader(ctx, config, async ({ reader, out }) => {
        const json = await reader.getJson(ticker);
        if (json === null) {
          const closest = await reader.nearestTickers(ticker);
          const hint = closest.length > 0 ? `; closest: ${closest.join(', ')}` : '; try secmaster search';
          throw new NotFoundError(`market not found: ${ticker} in ${config.env}${hint}`);
        }
        if (argv.json) await out.line(json);
        else await out.write(`${marketCard(JSON.parse(json) as Market, Date.now(), Math.min(terminalWidth(ctx.io), 120)).join('\n')}\n`);
        return 0;
      });
    },
  };
}
