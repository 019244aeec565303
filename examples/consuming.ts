/**
 * The snippet of docs/consuming.md, kept here so the type checker (tsconfig.json includes
 * examples/) proves it compiles. The runnable connector is src/examples/connector.ts.
 */
import { Redis } from 'ioredis';
import { connect } from '@nats-io/transport-node';
import { createConnectorGuard, createMarketCache, isMarketNotActive, type MarketCache } from '../src/client/index.js';

/** What a connector needs from its exchange websocket. */
export interface Websocket {
  subscribe(ticker: string): void;
  unsubscribe(ticker: string): void;
}

export async function startConnector(websocket: Websocket, tickers: readonly string[]): Promise<MarketCache> {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const nats = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222', maxReconnectAttempts: -1 });
  const cache = createMarketCache({ redis, nats, env: 'kalshi-prod' });
  await cache.start(); // resolves when warm and caught up

  const guard = createConnectorGuard(cache, {
    onSettled: (m) => websocket.unsubscribe(m.ticker), // seed: unsubscribe from settled markets
    onRemoved: (ticker) => websocket.unsubscribe(ticker),
  });
  // Typed listeners: the event is narrowed to its type.
  cache.on('market_settled', (event) => console.info(`${event.ticker} settled: ${event.result ?? 'no result'}`));
  for (const ticker of tickers) {
    try {
      websocket.subscribe(guard.subscribe(ticker).ticker);
    } catch (err) {
      // MarketNotFoundError (MARKET_NOT_FOUND) or MarketNotActiveError (MARKET_NOT_ACTIVE, with .status)
      if (isMarketNotActive(err)) console.warn(`${ticker} is ${err.status}; not subscribing`);
      else throw err;
    }
  }
  return cache;
}
