#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { createCatalogue } from './catalogue.js';
import { generateCatalogue } from './generate.js';
import { seedFromCaptures } from './seed.js';
import { createKalshiSimulator } from './server.js';
import { createRng } from './rng.js';

/**
 * `node dist/sim/main.js --port 8787 --markets 5000 --seed 1 [--captures] [--rate 20] [--latency-ms 0]
 *   [--step-every-ms 1000 --step-n 20]`
 * Prints one JSON line `{"url": ...}` once listening; stops on SIGTERM/SIGINT.
 */
const USAGE =
  'usage: main.js [--host 127.0.0.1] [--port 0] [--markets 5000] [--seed 1] [--mve-share 0.03] [--captures] ' +
  '[--rate <requests/s>] [--latency-ms 0] [--step-every-ms <ms> --step-n 20]';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    markets: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '1' },
    'mve-share': { type: 'string', default: '0.03' },
    captures: { type: 'boolean', default: false },
    rate: { type: 'string' },
    'latency-ms': { type: 'string', default: '0' },
    'step-every-ms': { type: 'string' },
    'step-n': { type: 'string', default: '20' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});

function number(name: string, text: string | undefined, min: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isFinite(value) || value < min) {
    process.stderr.write(`--${name} must be a number >= ${min}\n${USAGE}\n`);
    process.exit(2);
  }
  return value;
}

if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}

const now = new Date();
const seed = number('seed', values.seed, 0);
const catalogue = createCatalogue();
if (values.captures) await seedFromCaptures(catalogue, { now });
const markets = number('markets', values.markets, 0);
if (markets > 0) generateCatalogue(catalogue, { markets, seed, now, mveShare: number('mve-share', values['mve-share'], 0) });

const perSecond = values.rate === undefined ? null : number('rate', values.rate, 0.001);
const simulator = await createKalshiSimulator({
  host: values.host,
  port: number('port', values.port, 0),
  catalogue,
  latencyMs: number('latency-ms', values['latency-ms'], 0),
  // Kalshi's Basic read bucket holds two seconds of budget.
  rate: perSecond === null ? null : { perSecond, burst: Math.max(1, Math.round(perSecond * 2)) },
  seed,
});

let timer: NodeJS.Timeout | undefined;
if (values['step-every-ms'] !== undefined) {
  const every = number('step-every-ms', values['step-every-ms'], 1);
  const n = number('step-n', values['step-n'], 1);
  const rng = createRng(seed + 1);
  timer = setInterval(() => catalogue.step(n, rng), every);
}

process.stdout.write(`${JSON.stringify({ url: simulator.url })}\n`);
process.stderr.write(`kalshi simulator: ${JSON.stringify(catalogue.counts())}\n`);

const stop = (): void => {
  if (timer !== undefined) clearInterval(timer);
  simulator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
