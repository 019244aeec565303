import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KalshiMarketRecord } from '../../src/core/kalshi.js';

const dir = fileURLToPath(new URL('../../fixtures/kalshi/', import.meta.url));

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(`${dir}${name}`, 'utf8')) as T;
}

export function fixtureMarkets(name: string): KalshiMarketRecord[] {
  const body = fixture<{ markets?: KalshiMarketRecord[]; market?: KalshiMarketRecord }>(name);
  return body.markets ?? (body.market ? [body.market] : []);
}
