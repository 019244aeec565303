import type { Rng } from './rng.js';
import { US_PER_DAY, US_PER_MINUTE, US_PER_SECOND, floorToSecond, formatTime, parseTime } from './time.js';
import type { MarketResult, MarketStatus, SimMarket } from './types.js';

export type MoveType =
  | 'create'
  | 'open'
  | 'pause'
  | 'resume'
  | 'close'
  | 'reopen'
  | 'determine'
  | 'settle'
  | 'archive'
  | 'metadata'
  | 'trade'
  | 'delist';

/** One random move, as reported by `step` and `POST /_sim/step`. */
export interface SimMove {
  type: MoveType;
  ticker: string;
  from?: MarketStatus;
  to?: MarketStatus;
  result?: MarketResult;
  /** Metadata fields a `metadata` move changed. */
  fields?: string[];
}

/** What random moves need from the catalogue (kept structural so this module imports no catalogue). */
export interface Steppable {
  nowUs(): number;
  market(ticker: string): SimMarket | undefined;
  tickersWithStatus(status: MarketStatus): readonly string[];
  add(market: SimMarket): SimMarket;
  open(ticker: string): SimMarket;
  pause(ticker: string): SimMarket;
  resume(ticker: string): SimMarket;
  close(ticker: string): SimMarket;
  reopen(ticker: string): SimMarket;
  determine(ticker: string, result: MarketResult, settlementValue?: string): SimMarket;
  settle(ticker: string): SimMarket;
  archive(ticker: string): string[];
  oldestSettled(): string | undefined;
  delist(ticker: string): SimMarket;
  updateMetadata(ticker: string, patch: Record<string, unknown>): SimMarket;
  tradeTick(ticker: string, rng?: Rng): SimMarket;
}

/** Relative frequency of each move; trading dominates, as on the real exchange. */
const WEIGHTS: Readonly<Record<MoveType, number>> = {
  trade: 25,
  open: 12,
  close: 12,
  determine: 10,
  settle: 10,
  create: 8,
  metadata: 8,
  pause: 4,
  resume: 4,
  archive: 2,
  reopen: 1,
  delist: 1,
};

/** Which live statuses a move can start from. */
const SOURCES: Readonly<Record<MoveType, readonly MarketStatus[]>> = {
  trade: ['active'],
  open: ['initialized'],
  close: ['active', 'inactive'],
  determine: ['closed'],
  settle: ['determined'],
  create: ['active', 'initialized'],
  metadata: ['initialized', 'active', 'inactive'],
  pause: ['active'],
  resume: ['inactive'],
  archive: ['finalized'],
  reopen: ['closed'],
  delist: ['initialized'],
};

export function stepCatalogue(catalogue: Steppable, n: number, rng: Rng): SimMove[] {
  const moves: SimMove[] = [];
  for (let i = 0; i < n; i += 1) {
    const weights: Partial<Record<MoveType, number>> = {};
    for (const [type, weight] of Object.entries(WEIGHTS) as [MoveType, number][]) {
      if (countOf(catalogue, SOURCES[type]) > 0) weights[type] = weight;
    }
    if (Object.keys(weights).length === 0) break;
    const type = rng.weighted(weights as Record<MoveType, number>);
    const ticker = pickTicker(catalogue, SOURCES[type], rng);
    moves.push(...applyMove(catalogue, type, ticker, rng));
  }
  return moves;
}

function applyMove(catalogue: Steppable, type: MoveType, ticker: string, rng: Rng): SimMove[] {
  const from = catalogue.market(ticker)?.status;
  const moved = (market: SimMarket): SimMove[] => [{ type, ticker, ...(from ? { from } : {}), to: market.status }];
  switch (type) {
    case 'trade':
      catalogue.tradeTick(ticker, rng);
      return [{ type, ticker }];
    case 'open':
      return moved(catalogue.open(ticker));
    case 'close':
      return moved(catalogue.close(ticker));
    case 'pause':
      return moved(catalogue.pause(ticker));
    case 'resume':
      return moved(catalogue.resume(ticker));
    case 'reopen':
      return moved(catalogue.reopen(ticker));
    case 'settle':
      return moved(catalogue.settle(ticker));
    case 'delist':
      catalogue.delist(ticker);
      return [{ type, ticker, ...(from ? { from } : {}) }];
    case 'determine': {
      const result = rng.weighted({ yes: 30, no: 68, scalar: 2 });
      const value = result === 'scalar' ? `0.${String(rng.int(1, 9999)).padStart(4, '0')}` : undefined;
      return [{ ...(moved(catalogue.determine(ticker, result, value))[0] as SimMove), result }];
    }
    case 'archive':
      // The cutoff advances from the oldest settlement, as Kalshi's does.
      return catalogue.archive(catalogue.oldestSettled() ?? ticker).map((archived) => ({ type, ticker: archived }));
    case 'metadata': {
      const patch = metadataPatch(catalogue.market(ticker) as SimMarket, catalogue.nowUs(), rng);
      catalogue.updateMetadata(ticker, patch);
      return [{ type, ticker, fields: Object.keys(patch).sort() }];
    }
    case 'create': {
      const market = catalogue.add(sibling(catalogue, catalogue.market(ticker) as SimMarket, rng));
      return [{ type, ticker: market.ticker, to: market.status }];
    }
  }
}

function countOf(catalogue: Steppable, statuses: readonly MarketStatus[]): number {
  return statuses.reduce((sum, status) => sum + catalogue.tickersWithStatus(status).length, 0);
}

function pickTicker(catalogue: Steppable, statuses: readonly MarketStatus[], rng: Rng): string {
  let roll = rng.int(0, countOf(catalogue, statuses) - 1);
  for (const status of statuses) {
    const tickers = catalogue.tickersWithStatus(status);
    if (roll < tickers.length) return tickers[roll] as string;
    roll -= tickers.length;
  }
  throw new RangeError('no market to move');
}

function metadataPatch(market: SimMarket, now: number, rng: Rng): Record<string, unknown> {
  const options: (() => Record<string, unknown>)[] = [
    () => {
      const close = Math.max(parseTime(market.close_time), now) + US_PER_DAY;
      const patch: Record<string, unknown> = { close_time: formatTime(floorToSecond(close)) };
      const latest = market.latest_expiration_time;
      if (typeof latest === 'string' && parseTime(latest) < close) {
        const expiry = formatTime(floorToSecond(close + 7 * US_PER_DAY));
        Object.assign(patch, { expiration_time: expiry, latest_expiration_time: expiry });
      }
      return patch;
    },
    () => ({
      rules_secondary: `${String(market.rules_secondary ?? '')}\n\nIf the underlying event is rescheduled, this market refers to the rescheduled event.`.trim(),
    }),
    () => ({ expected_expiration_time: formatTime(floorToSecond(now + rng.int(1, 48) * 60 * US_PER_MINUTE)) }),
  ];
  if (typeof market.early_close_condition === 'string') {
    options.push(() => ({
      early_close_condition: market.early_close_condition === EARLY_CLOSE_EVENT ? EARLY_CLOSE_WINNER : EARLY_CLOSE_EVENT,
    }));
  }
  return rng.pick(options)();
}

const EARLY_CLOSE_EVENT = 'This market will close and expire early if the event occurs.';
const EARLY_CLOSE_WINNER = 'This market will close and expire after a winner is declared.';

/** A new strike in the same event, cloned from an existing market (Kalshi adds ladder rungs live). */
function sibling(catalogue: Steppable, template: SimMarket, rng: Rng): SimMarket {
  const now = catalogue.nowUs();
  const opensNow = rng.chance(0.5);
  const openUs = opensNow ? floorToSecond(now) : floorToSecond(now + rng.int(5, 60) * US_PER_MINUTE);
  const closeUs = Math.max(parseTime(template.close_time), openUs + US_PER_DAY);
  const strike = typeof template.floor_strike === 'number' ? template.floor_strike : null;
  const nextStrike = strike === null ? null : strike + rng.int(1, 5) * (Number.isInteger(strike) ? 1 : 0.5);
  const rename = (text: unknown): unknown =>
    typeof text === 'string' && strike !== null && nextStrike !== null ? text.split(String(strike)).join(String(nextStrike)) : text;
  let ticker = `${template.event_ticker}-${nextStrike === null ? `N${rng.hex(4).toUpperCase()}` : `T${nextStrike}`}`;
  while (catalogue.market(ticker) !== undefined) ticker = `${template.event_ticker}-N${rng.hex(5).toUpperCase()}`;
  const {
    settlement_ts: _settled,
    settlement_value_dollars: _value,
    ...rest
  } = template;
  return {
    ...rest,
    ticker,
    status: opensNow ? 'active' : 'initialized',
    result: '',
    expiration_value: '',
    created_time: formatTime(now - US_PER_SECOND),
    updated_time: formatTime(now),
    open_time: formatTime(openUs),
    close_time: formatTime(closeUs),
    title: rename(template.title),
    yes_sub_title: rename(template.yes_sub_title),
    no_sub_title: rename(template.no_sub_title),
    rules_primary: rename(template.rules_primary),
    ...(nextStrike === null ? {} : { floor_strike: nextStrike }),
    last_price_dollars: '0.0000',
    previous_price_dollars: '0.0000',
    previous_yes_ask_dollars: '0.0000',
    previous_yes_bid_dollars: '0.0000',
    volume_fp: '0.00',
    volume_24h_fp: '0.00',
    open_interest_fp: '0.00',
  };
}
