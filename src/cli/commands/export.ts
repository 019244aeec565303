import type { CommandModule } from 'yargs';
import type { CommandContext } from '../context.js';
import { configFor, MarketJsonWriter, withReader } from './common.js';

interface ExportArgs {
  env?: string;
  ndjson?: boolean;
  [flag: string]: unknown;
}

export function exportCommand(ctx: CommandContext): CommandModule<object, ExportArgs> {
  return {
    command: 'export [env]',
    describe: 'every cached Market as one JSON array on stdout, in ticker order (streamed)',
    builder: (y) =>
      y
        .positional('env', { type: 'string', describe: 'environment, e.g. kalshi-prod (default: SECMASTER_ENV)' })
        .option('ndjson', { type: 'boolean', default: false, describe: 'one Market JSON per line instead of an array' })
        .example('$0 export kalshi-prod > markets.json', 'a backup, restored with secmaster import')
        .example('$0 export kalshi-prod --ndjson | gzip > markets.ndjson.gz', 'line-oriented, for big catalogues')
        .example('$0 export kalshi-prod | jq "map(select(.status == \\"active\\")) | length"', 'analysis with jq') as never,
    handler: async (argv) => {
      const config = configFor(argv, argv.env, ctx.io);
      await withReader(ctx, config, async ({ reader, redis, out, logger }) => {
        // A sync that commits meanwhile makes the export a mix of before and after; say so.
        // Every commit (sync or import) writes its report into the runs HASH.
        const before = JSON.stringify(await redis.hgetall(reader.keys.runs));
        const writer = new MarketJsonWriter(out, argv.ndjson ? 'ndjson' : 'json');
        await writer.start();
        for await (const page of reader.scanJson()) await writer.add(page.map((r) => r.json));
        const count = await writer.end();
        const after = JSON.stringify(await redis.hgetall(reader.keys.runs));
        if (before !== after) {
          logger.warn({ env: config.env }, 'a sync or import committed while the export ran: markets read before and after it are mixed; export again for a snapshot of one sync');
        }
        logger.info({ env: config.env, markets: count }, 'exported');
        return 0;
      });
    },
  };
}
