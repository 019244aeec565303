import { jetstreamManager } from '@nats-io/jetstream';
import type { CommandModule } from 'yargs';
import type { Config } from '../../config.js';
import { changesSubject } from '../../core/keys.js';
import type { Logger } from '../../core/logger.js';
import { connectNats } from '../../journal/nats-journal.js';
import type { CommandContext } from '../context.js';
import { statusLines, type StreamFigures } from '../format/status.js';
import { configFor, terminalWidth, withReader } from './common.js';

interface StatusArgs {
  env?: string;
  json?: boolean;
  nats?: boolean;
  [flag: string]: unknown;
}

/** @defaultValue 3000 */
export const STREAM_INFO_TIMEOUT_MS = 3000;

/** What NATS says about the change stream; never throws (an unreachable NATS is a figure too). */
export async function streamFigures(config: Config, logger: Logger): Promise<StreamFigures> {
  const figures: StreamFigures = { name: config.stream.name, subject: changesSubject(config.env), last_seq: null, messages: null };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STREAM_INFO_TIMEOUT_MS} ms`)), STREAM_INFO_TIMEOUT_MS);
  });
  const ask = async () => {
    const nc = await connectNats({
      servers: config.nats.servers,
      logger,
      name: 'secmaster-status',
      ...(config.nats.token ? { token: config.nats.token } : {}),
      ...(config.nats.credsFile ? { credsFile: config.nats.credsFile } : {}),
    });
    try {
      const jsm = await jetstreamManager(nc, { timeout: STREAM_INFO_TIMEOUT_MS });
      const info = await jsm.streams.info(config.stream.name).catch((err: unknown) => {
        if (err instanceof Error && /not found/i.test(err.message)) return null;
        throw err;
      });
      if (info !== null) {
        figures.last_seq = info.state.last_seq;
        figures.messages = info.state.messages;
      }
    } finally {
      await nc.close().catch(() => undefined);
    }
  };
  try {
    await Promise.race([ask(), timeout]);
  } catch (err) {
    figures.error = err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
  return figures;
}

export function statusCommand(ctx: CommandContext): CommandModule<object, StatusArgs> {
  return {
    command: 'status [env]',
    describe: 'last syncs, cached markets by status and category, lock, outbox and stream',
    builder: (y) =>
      y
        .positional('env', { type: 'string', describe: 'environment, e.g. kalshi-prod (default: SECMASTER_ENV)' })
        .option('json', { type: 'boolean', default: false, describe: 'the same figures as one JSON object' })
        .option('nats', { type: 'boolean', default: true, describe: 'ask NATS about the stream (--no-nats: Redis only)' })
        .example('$0 status kalshi-prod', 'is the cache fresh, is a sync running, is anything unpublished')
        .example('$0 status kalshi-prod --json | jq .runs.full.last.status', 'for a script or a probe') as never,
    handler: async (argv) => {
      const config = configFor(argv, argv.env, ctx.io);
      await withReader(ctx, config, async ({ reader, out, logger }) => {
        const now = new Date();
        const [status, stream] = await Promise.all([reader.status(now), argv.nats === false ? Promise.resolve(null) : streamFigures(config, logger)]);
        if (argv.json) await out.line(JSON.stringify({ ...status, stream }));
        else await out.write(`${statusLines(status, stream, now.getTime(), terminalWidth(ctx.io)).join('\n')}\n`);
        return 0;
      });
    },
  };
}
