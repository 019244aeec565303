/**
 * A minimal ssmd connector on top of the secmaster consumer library: it keeps a market cache,
 * checks each market before subscribing (the seed's Connector Integration) and unsubscribes when a
 * market it follows settles or leaves secmaster (Expiration Handling). It only logs what it would
 * send to the exchange's websocket.
 *
 *   node dist/examples/connector.js ENV [TICKER ...] [--category NAME] [--max N] [--seconds S]
 *
 * With --category it follows up to --max active markets of that category (default 10), and new
 * ones as they are listed. REDIS_URL and NATS_URL as for secmaster (defaults: local servers).
 */
import { Redis } from 'ioredis';
import { connect } from '@nats-io/transport-node';
import {
  createConnectorGuard,
  createMarketCache,
  isSecmasterClientError,
  type Market,
} from '../client/index.js';

interface Args {
  env: string;
  tickers: string[];
  category: string | null;
  max: number;
  seconds: number | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { env: process.env.SECMASTER_ENV ?? '', tickers: [], category: null, max: 10, seconds: null };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--category') args.category = value();
    else if (a === '--max') args.max = Number(value());
    else if (a === '--seconds') args.seconds = Number(value());
    else positional.push(a);
  }
  if (positional.length > 0) args.env = positional.shift()!;
  args.tickers = positional;
  if (args.env === '') throw new Error('usage: connector ENV [TICKER ...] [--category NAME] [--max N] [--seconds S]');
  return args;
}

const log = (what: string, detail = ''): void => {
  process.stdout.write(`${new Date().toISOString()} ${what}${detail ? ` ${detail}` : ''}\n`);
};

const describe = (m: Market): string => `${m.ticker} (${m.status}) ${JSON.stringify(m.title)}`;

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  // The cache survives NATS restarts only if the connection never gives up reconnecting.
  const nats = await connect({ servers: (process.env.NATS_URL ?? 'nats://127.0.0.1:4222').split(','), maxReconnectAttempts: -1, name: 'example-connector' });
  const cache = createMarketCache({ redis, nats, env: args.env });
  cache.onError((err, context) => process.stderr.write(`secmaster cache: ${context}: ${err instanceof Error ? err.message : String(err)}\n`));
  cache.onRewarm((r) => log('cache re-warmed', `${r.scope} (${r.reason}): ${r.changes.length} changed`));

  const guard = createConnectorGuard(cache, {
    onClosed: (m) => log('market closed (still followed)', describe(m)),
    onReopened: (m) => log('market reopened', describe(m)),
    onSettled: (m) => log('UNSUBSCRIBE', `${m.ticker}: settled, result ${m.result ?? 'unknown'}`),
    onRemoved: (ticker, t) => log('UNSUBSCRIBE', `${ticker}: no longer in secmaster (${t.cause.type === 'event' && t.cause.event.type === 'market_removed' ? t.cause.event.reason : t.cause.type})`),
  });

  const subscribe = (ticker: string): void => {
    try {
      const market = guard.subscribe(ticker);
      log('SUBSCRIBE', describe(market));
    } catch (err) {
      // MARKET_NOT_FOUND / MARKET_NOT_ACTIVE: the seed's two refusals; anything else is a bug.
      if (!isSecmasterClientError(err)) throw err;
      log(`refused (${err.code})`, err.message);
    }
  };

  const started = Date.now();
  await cache.start();
  log('cache ready', `${cache.size} markets of ${args.env} in ${Date.now() - started} ms`);

  for (const ticker of args.tickers) subscribe(ticker);
  const inCategory = (m: Market | undefined): boolean => m !== undefined && args.category !== null && m.category?.toLowerCase() === args.category.toLowerCase();
  if (args.category !== null) {
    const picks = [...cache.values()].filter((m) => m.status === 'active' && inCategory(m)).slice(0, args.max);
    if (picks.length === 0) log('no active markets in category', args.category);
    for (const m of picks) subscribe(m.ticker);
    // Newly listed (or reopened) markets of the category, while there is room.
    cache.onTransition((t) => {
      if (t.to === 'active' && inCategory(t.market) && !guard.isFollowing(t.ticker) && guard.following().length < args.max) subscribe(t.ticker);
    });
  }

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    const m = cache.metrics();
    log('stopping', `following ${guard.following().length}; applied ${m.eventsApplied} events, dropped ${m.eventsDroppedStale} stale, ${m.rewarmsFull} full re-warms`);
    guard.close();
    await cache.close();
    await nats.drain().catch(() => undefined);
    redis.disconnect();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  if (args.seconds !== null) setTimeout(() => void stop(), args.seconds * 1000).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`connector: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
