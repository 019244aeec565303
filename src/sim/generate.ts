import { readFileSync } from 'node:fs';
import type { Catalogue } from './catalogue.js';
import { atHoursEt } from './dates.js';
import { buildFamilies } from './families/index.js';
import type { EventDraft, Family, MarketDraft, SeriesSpec, Timing } from './families/index.js';
import { dollars, fp } from './fields.js';
import { createRng } from './rng.js';
import type { Rng } from './rng.js';
import { DEFAULT_FIXTURES_DIR } from './seed.js';
import { makeEvent, makeSeries } from './shapes.js';
import { US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_MS, US_PER_SECOND, dateToUs, floorToSecond, formatTime } from './time.js';
import type { MarketResult, MarketStatus, MveLeg, PriceRange, SimMarket, SimSeries } from './types.js';
import { LEAGUE_DISCLAIMER } from './vocab.js';

export interface GenerateOptions {
  /** Live markets to create, combos included. @defaultValue 5000 */
  markets?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** The instant the catalogue is live at. @defaultValue `new Date()` */
  now?: Date;
  /** Share of live markets that are KXMVE combos. @defaultValue 0.03 */
  mveShare?: number;
  /** Finalized markets created in the historical tier, on top of `markets`. @defaultValue 5% of `markets` */
  historical?: number;
  /** Real series to build "listed" markets on. @defaultValue fixtures/kalshi/series_list.json */
  seriesList?: readonly SimSeries[];
}

export interface GenerateReport {
  live: number;
  historical: number;
  mve: number;
  events: number;
  series: number;
  ms: number;
}

type Phase = Exclude<MarketStatus, 'disputed' | 'amended'> | 'historical';

/** Mostly trading or waiting to open; a long tail of closed and settling markets (facts sheet §7). */
const PHASE_WEIGHTS: Readonly<Record<Exclude<Phase, 'historical'>, number>> = {
  active: 50,
  initialized: 30,
  closed: 9,
  finalized: 7,
  inactive: 2,
  determined: 2,
};

const PRICE_RANGES_CENT: readonly PriceRange[] = [{ end: '1.0000', start: '0.0000', step: '0.0100' }];
const PRICE_RANGES_DECI: readonly PriceRange[] = [{ end: '1.0000', start: '0.0000', step: '0.0010' }];
const MVE_SERIES = 'KXMVECROSSCATEGORY';
const MVE_COLLECTION = 'KXMVECROSSCATEGORY-SHARD1-R';

interface LegCandidate {
  eventTicker: string;
  ticker: string;
  label: string;
}

/**
 * Fills the catalogue with a large, realistic, deterministic catalogue: the same options give
 * the same markets, byte for byte.
 */
export function generateCatalogue(catalogue: Catalogue, options: GenerateOptions = {}): GenerateReport {
  const started = performance.now();
  const total = options.markets ?? 5000;
  const rng = createRng(options.seed ?? 1);
  const now = dateToUs(options.now ?? new Date());
  const families = buildFamilies(options.seriesList ?? loadSeriesList());
  for (const family of families) {
    for (const spec of family.specs) if (catalogue.series(spec.seed.ticker) === undefined) catalogue.addSeries(makeSeries(spec.seed));
  }
  const context: Context = { catalogue, rng, now, cutoff: catalogue.cutoffUs(), legs: [], events: 0 };
  const mveTarget = Math.round(total * (options.mveShare ?? 0.03));
  const historicalTarget = options.historical ?? Math.round(total * 0.05);
  const familyWeights = Object.fromEntries(families.map((family, i) => [String(i), family.weight]));

  // The phase is drawn first and kept until some series has room for it: busy series (an hourly
  // price series has ~24 open events) must not skew the status mix towards the past. A phase
  // with no room left at all (rare, narrow windows) gives way to a fresh draw.
  const fill = (target: number, phaseOf: () => Phase): number => {
    let made = 0;
    let failures = 0;
    while (made < target) {
      const phase = phaseOf();
      for (let tries = 0; tries < 100; tries += 1) {
        const family = families[Number(rng.weighted(familyWeights))] as Family;
        const added = addEvent(context, rng.pick(family.specs), phase, target - made);
        if (added > 0) {
          made += added;
          break;
        }
        failures += 1;
      }
      if (failures > 100 * target + 10_000) throw new Error(`generator found no room for ${target - made} more markets`);
    }
    return made;
  };
  const live = fill(total - mveTarget, () => rng.weighted(PHASE_WEIGHTS));
  const historical = fill(historicalTarget, () => 'historical');
  const mve = addCombos(context, mveTarget);

  return {
    live: live + mve,
    historical,
    mve,
    events: context.events,
    series: catalogue.counts().series,
    ms: Math.round(performance.now() - started),
  };
}

function loadSeriesList(): SimSeries[] {
  const text = readFileSync(new URL('series_list.json', DEFAULT_FIXTURES_DIR), 'utf8');
  return (JSON.parse(text) as { series: SimSeries[] }).series;
}

interface Context {
  catalogue: Catalogue;
  rng: Rng;
  now: number;
  cutoff: number;
  legs: LegCandidate[];
  events: number;
}

interface EventTimes {
  occurrence: number;
  created: number;
  open: number;
  close: number;
  scheduledClose: number;
  expected: number;
  latest: number;
  updated: number;
  settled: number | null;
}

/** Adds one event with up to `room` markets; returns how many markets it added. */
function addEvent(context: Context, spec: SeriesSpec, phase: Phase, room: number): number {
  const { catalogue, rng } = context;
  const times = schedule(spec.timing, phase, rng, context.now, context.cutoff);
  if (times === null) return 0;
  const draft = spec.makeEvent(rng, times.occurrence);
  const eventTicker = `${spec.seed.ticker}-${draft.suffix}`;
  if (catalogue.event(eventTicker) !== undefined) return 0;
  const exchangeIndex = rng.chance(0.1) ? 3 : 0;
  catalogue.addEvent(eventRecord(spec, draft, eventTicker, exchangeIndex), formatTime(times.occurrence));
  context.events += 1;

  const status: MarketStatus = phase === 'historical' ? 'finalized' : phase;
  const suffixes = new Set<string>();
  const markets = draft.markets.filter((market) => !suffixes.has(market.suffix) && suffixes.add(market.suffix)).slice(0, room);
  for (const [i, market] of markets.entries()) {
    const record = marketRecord(context, spec.timing, eventTicker, market, status, times, exchangeIndex, i);
    if (phase === 'historical') catalogue.addHistorical(record, { serialize: true });
    else catalogue.add(record, { serialize: true });
    if (status === 'active' && spec.seed.category === 'Sports' && context.legs.length < 4000) {
      context.legs.push({ eventTicker, ticker: record.ticker, label: market.yesSubTitle });
    }
  }
  return markets.length;
}

function eventRecord(spec: SeriesSpec, draft: EventDraft, eventTicker: string, exchangeIndex: number) {
  return makeEvent({
    eventTicker,
    seriesTicker: spec.seed.ticker,
    title: draft.title,
    subTitle: draft.subTitle,
    category: spec.seed.category,
    mutuallyExclusive: draft.mutuallyExclusive,
    ...(spec.seed.settlementSources === undefined ? {} : { settlementSources: spec.seed.settlementSources }),
    exchangeIndex,
  });
}

/**
 * Times consistent with the phase (an `active` market opened in the past and closes in the
 * future, a finalized one settled after the cutoff…). Draws until consistent; null if it can't.
 */
function schedule(timing: Timing, phase: Phase, rng: Rng, now: number, cutoff: number): EventTimes | null {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const times = drawTimes(timing, phase, rng, now, cutoff);
    if (consistent(times, phase, now, cutoff)) return times;
  }
  return null;
}

function drawTimes(timing: Timing, phase: Phase, rng: Rng, now: number, cutoff: number): EventTimes {
  const lead = rng.between(timing.leadUs[0], timing.leadUs[1]);
  // Markets decided early (a game ends, a threshold is hit) close before their scheduled close.
  const closesEarly = timing.closeAfterUs >= US_PER_DAY;
  const closeOffset = closesEarly ? timing.expectedAfterUs + 30 * US_PER_MINUTE : timing.closeAfterUs;
  const settleLag = timing.settlementTimerSeconds * US_PER_SECOND + 8 * US_PER_MINUTE;
  let target: number;
  switch (phase) {
    case 'initialized':
      target = now + rng.between(15 * US_PER_MINUTE, Math.max(lead, 30 * US_PER_MINUTE));
      break;
    case 'active':
    case 'inactive':
      target = now + rng.between(-0.9 * timing.closeAfterUs + US_PER_MINUTE, 0.9 * lead);
      break;
    case 'closed': {
      // Most closed markets settle within hours; a long tail waits for months (facts sheet §5).
      const age = rng.chance(0.7) ? rng.between(US_PER_MINUTE, 2 * US_PER_DAY) : rng.between(2 * US_PER_DAY, 365 * US_PER_DAY);
      target = now - age - closeOffset;
      break;
    }
    case 'determined':
      // Most settle within hours of the result; some wait days (disputes, long timers).
      target = now - (rng.chance(0.7) ? rng.between(20 * US_PER_MINUTE, 6 * US_PER_HOUR) : rng.between(6 * US_PER_HOUR, 5 * US_PER_DAY)) - closeOffset;
      break;
    case 'finalized':
      target = now - (now - cutoff) * rng.next() ** 2 - settleLag - closeOffset;
      break;
    case 'historical':
      target = cutoff - rng.between(US_PER_HOUR, 30 * US_PER_DAY) - settleLag - closeOffset;
      break;
  }
  const placed = timing.hoursEt === undefined ? target : atHoursEt(target, timing.hoursEt[0], timing.hoursEt[1], rng.next());
  const occurrence = Math.round(placed / timing.slotUs) * timing.slotUs;
  const scheduledClose = occurrence + timing.closeAfterUs;
  const past = phase !== 'initialized' && phase !== 'active' && phase !== 'inactive';
  const close = past && closesEarly
    ? floorToSecond(occurrence + timing.expectedAfterUs + rng.between(0, US_PER_HOUR))
    : scheduledClose;
  let created: number;
  let open: number;
  if (phase === 'initialized') {
    open = floorToSecond(now + rng.between(5 * US_PER_MINUTE, Math.max(occurrence - now, 6 * US_PER_MINUTE) * 0.8));
    created = now - rng.between(US_PER_SECOND, Math.min(2 * US_PER_DAY, lead));
  } else {
    created = occurrence - lead;
    open = floorToSecond(created + rng.between(5 * US_PER_SECOND, 10 * US_PER_MINUTE));
  }
  created = Math.floor(created) + rng.int(0, 999);
  const determined = close + rng.between(5 * US_PER_SECOND, 15 * US_PER_MINUTE);
  const settled = past && phase !== 'closed' && phase !== 'determined'
    ? Math.floor(determined + timing.settlementTimerSeconds * US_PER_SECOND + rng.between(0, US_PER_MINUTE))
    : null;
  const updated = {
    initialized: () => created + rng.between(50 * US_PER_MS, US_PER_SECOND),
    active: () => open + rng.between(950 * US_PER_MS, 990 * US_PER_MS),
    inactive: () => open + rng.between(US_PER_SECOND, Math.max(now - open, 2 * US_PER_SECOND)),
    closed: () => close + rng.between(500 * US_PER_MS, 2 * US_PER_SECOND),
    determined: () => determined,
    finalized: () => (settled ?? determined) + 25 * US_PER_MS,
    historical: () => (settled ?? determined) + 25 * US_PER_MS,
  }[phase]();
  return {
    occurrence,
    created,
    open,
    close,
    scheduledClose,
    expected: occurrence + timing.expectedAfterUs,
    latest: scheduledClose + timing.latestAfterCloseUs,
    updated: Math.floor(updated),
    settled,
  };
}

function consistent(times: EventTimes, phase: Phase, now: number, cutoff: number): boolean {
  if (times.created > now || times.created > times.open || times.updated > now || times.open > times.scheduledClose) return false;
  switch (phase) {
    case 'initialized':
      return times.open > now && times.updated < times.open;
    case 'active':
    case 'inactive':
      return times.open <= now && times.close > now + US_PER_MINUTE;
    case 'closed':
    case 'determined':
      return times.close <= now && times.open < times.close;
    case 'finalized':
      return times.settled !== null && times.settled >= cutoff && times.settled < now - US_PER_SECOND && times.open < times.close;
    case 'historical':
      return times.settled !== null && times.settled < cutoff && times.open < times.close;
  }
}

function marketRecord(
  context: Context,
  timing: Timing,
  eventTicker: string,
  draft: MarketDraft,
  status: MarketStatus,
  times: EventTimes,
  exchangeIndex: number,
  index: number,
): SimMarket {
  const { rng } = context;
  const decided = status === 'determined' || status === 'finalized';
  const result: MarketResult | '' = decided ? ((draft.outcome as MarketResult | undefined) ?? (rng.chance(0.35) ? 'yes' : 'no')) : '';
  const trading = tradingFields(rng, status, result);
  // Kalshi stamps a batch of markets within microseconds of each other.
  const jitter = index * rng.int(1, 40);
  return {
    can_close_early: true,
    ...(draft.capStrike === undefined ? {} : { cap_strike: draft.capStrike }),
    close_time: formatTime(times.close),
    created_time: formatTime(times.created),
    ...(draft.customStrike === undefined ? {} : { custom_strike: draft.customStrike }),
    ...(draft.earlyClose === undefined ? {} : { early_close_condition: draft.earlyClose }),
    event_ticker: eventTicker,
    exchange_index: exchangeIndex,
    expected_expiration_time: formatTime(times.expected),
    expiration_time: formatTime(times.latest),
    expiration_value: decided ? (result === 'yes' ? draft.yesSubTitle : '') : '',
    ...(draft.floorStrike === undefined ? {} : { floor_strike: draft.floorStrike }),
    last_price_dollars: trading.last,
    latest_expiration_time: formatTime(times.latest),
    liquidity_dollars: '0.0000',
    market_type: 'binary',
    no_ask_dollars: trading.noAsk,
    no_bid_dollars: trading.noBid,
    no_sub_title: draft.noSubTitle,
    notional_value_dollars: '1.0000',
    occurrence_datetime: formatTime(times.occurrence),
    open_interest_fp: trading.openInterest,
    open_time: formatTime(times.open),
    previous_price_dollars: trading.previous,
    previous_yes_ask_dollars: trading.previousAsk,
    previous_yes_bid_dollars: trading.previousBid,
    price_level_structure: 'linear_cent',
    price_ranges: PRICE_RANGES_CENT,
    result,
    rules_primary: draft.rulesPrimary,
    rules_secondary: draft.rulesSecondary,
    settlement_timer_seconds: timing.settlementTimerSeconds,
    ...(times.settled === null ? {} : { settlement_ts: formatTime(times.settled) }),
    ...(decided ? { settlement_value_dollars: result === 'yes' ? '1.0000' : '0.0000' } : {}),
    status,
    ...(draft.strikeType === undefined ? {} : { strike_type: draft.strikeType }),
    ticker: `${eventTicker}-${draft.suffix}`,
    title: draft.title,
    updated_time: formatTime(times.updated + jitter),
    volume_24h_fp: trading.volume24h,
    volume_fp: trading.volume,
    yes_ask_dollars: trading.yesAsk,
    yes_ask_size_fp: trading.yesAskSize,
    yes_bid_dollars: trading.yesBid,
    yes_bid_size_fp: trading.yesBidSize,
    yes_sub_title: draft.yesSubTitle,
  };
}

interface Trading {
  last: string;
  previous: string;
  previousAsk: string;
  previousBid: string;
  yesBid: string;
  yesAsk: string;
  noBid: string;
  noAsk: string;
  yesBidSize: string;
  yesAskSize: string;
  volume: string;
  volume24h: string;
  openInterest: string;
}

const ZERO = '0.0000';
const ZERO_FP = '0.00';

function tradingFields(rng: Rng, status: MarketStatus, result: MarketResult | ''): Trading {
  if (status === 'initialized') {
    return { last: ZERO, previous: ZERO, previousAsk: ZERO, previousBid: ZERO, yesBid: ZERO, yesAsk: ZERO, noBid: ZERO, noAsk: ZERO, yesBidSize: ZERO_FP, yesAskSize: ZERO_FP, volume: ZERO_FP, volume24h: ZERO_FP, openInterest: ZERO_FP };
  }
  // Three quarters of markets never trade (facts sheet §7).
  const traded = rng.chance(0.35);
  const volume = traded ? Math.round(10 ** rng.between(0, 5) * 100) / 100 : 0;
  const price = rng.int(1, 99) / 100;
  if (result !== '' || status === 'closed') {
    const last = result === 'yes' ? 0.99 : result === 'no' ? 0.01 : price;
    return {
      last: traded ? dollars(last) : ZERO,
      previous: traded ? dollars(price) : ZERO,
      previousAsk: dollars(Math.min(1, price + 0.02)),
      previousBid: dollars(Math.max(0, price - 0.02)),
      yesBid: ZERO,
      yesAsk: '1.0000',
      noBid: ZERO,
      noAsk: '1.0000',
      yesBidSize: ZERO_FP,
      yesAskSize: ZERO_FP,
      volume: fp(volume),
      volume24h: fp(traded && rng.chance(0.5) ? volume : 0),
      openInterest: fp(traded ? Math.round(volume * rng.next() * 100) / 100 : 0),
    };
  }
  const spread = rng.int(1, 4) / 100;
  const bid = Math.max(0, price - spread);
  const ask = Math.min(1, price + spread);
  return {
    last: traded ? dollars(price) : ZERO,
    previous: traded ? dollars(Math.min(0.99, Math.max(0.01, price + rng.int(-5, 5) / 100))) : ZERO,
    previousAsk: traded ? dollars(ask) : ZERO,
    previousBid: traded ? dollars(bid) : ZERO,
    yesBid: dollars(bid),
    yesAsk: dollars(ask),
    noBid: dollars(1 - ask),
    noAsk: dollars(1 - bid),
    yesBidSize: fp(bid > 0 ? rng.int(1, 6000) : 0),
    yesAskSize: fp(rng.int(1, 6000)),
    volume: fp(volume),
    volume24h: fp(traded ? Math.round(volume * rng.next() * 100) / 100 : 0),
    openInterest: fp(traded ? Math.round(volume * rng.next() * 100) / 100 : 0),
  };
}

/** User-built parlays over live sports legs: mostly active and minutes old, as on the real feed. */
function addCombos(context: Context, target: number): number {
  const { catalogue, rng, now } = context;
  if (target === 0 || context.legs.length < 2) return 0;
  if (catalogue.series(MVE_SERIES) === undefined) {
    catalogue.addSeries(makeSeries({ ticker: MVE_SERIES, title: 'Cross-category combos', category: 'Sports', frequency: 'custom', tags: ['Combos'] }));
  }
  let made = 0;
  while (made < target) {
    const eventTicker = `${MVE_SERIES}-SHARD1-S2026${rng.hex(11).toUpperCase()}`;
    const created = now - (rng.chance(0.7) ? rng.between(US_PER_MINUTE, 6 * US_PER_HOUR) : rng.between(6 * US_PER_HOUR, 3 * US_PER_DAY));
    catalogue.addEvent(
      makeEvent({ eventTicker, seriesTicker: MVE_SERIES, title: 'Cross-category combo', category: 'Sports', exchangeIndex: 1 }),
      formatTime(created),
    );
    context.events += 1;
    const count = Math.min(rng.int(1, 3), target - made);
    for (let i = 0; i < count; i += 1) {
      catalogue.add(comboRecord(context, eventTicker, created + i * rng.int(1000, 90_000)), { serialize: true });
      made += 1;
    }
  }
  return made;
}

function comboRecord(context: Context, eventTicker: string, createdUs: number): SimMarket {
  const { rng, now } = context;
  const legs: (MveLeg & { label: string })[] = [];
  const size = rng.int(2, 8);
  while (legs.length < size) {
    const leg = rng.pick(context.legs);
    if (legs.some((chosen) => chosen.event_ticker === leg.eventTicker)) {
      if (legs.length >= 2) break;
      continue;
    }
    legs.push({ event_ticker: leg.eventTicker, market_ticker: leg.ticker, side: rng.chance(0.8) ? 'yes' : 'no', label: leg.label });
  }
  const title = legs.map((leg) => `${leg.side} ${leg.label}`).join(',');
  const status = rng.weighted({ active: 85, finalized: 10, determined: 3, closed: 2 }) as MarketStatus;
  const close = Math.max(createdUs + rng.between(US_PER_DAY, 4 * US_PER_DAY), now + US_PER_HOUR);
  const settledAt = Math.floor(createdUs + (now - createdUs) * rng.between(0.5, 0.95));
  const decided = status === 'finalized' || status === 'determined';
  const result: MarketResult | '' = decided ? (rng.chance(0.1) ? 'yes' : 'no') : '';
  const closeTime = status === 'active' ? close : Math.min(close, settledAt - 10 * US_PER_SECOND);
  const updated = status === 'active' ? createdUs + 120_000 : status === 'finalized' ? settledAt + 25_000 : settledAt - 5 * US_PER_SECOND;
  const trading = tradingFields(rng, status, result);
  return {
    can_close_early: true,
    close_time: formatTime(floorToSecond(closeTime)),
    created_time: formatTime(Math.floor(createdUs)),
    custom_strike: {
      'Associated Events': legs.map((leg) => leg.event_ticker).join(','),
      'Associated Market Sides': legs.map((leg) => leg.side).join(','),
      'Associated Markets': legs.map((leg) => leg.market_ticker).join(','),
      'Multivariate Event Ticker': eventTicker,
    },
    event_ticker: eventTicker,
    exchange_index: 1,
    expected_expiration_time: formatTime(floorToSecond(close - 18 * US_PER_HOUR)),
    expiration_time: formatTime(floorToSecond(close)),
    expiration_value: '',
    is_provisional: true,
    last_price_dollars: trading.last,
    latest_expiration_time: formatTime(floorToSecond(close)),
    liquidity_dollars: '0.0000',
    market_type: 'binary',
    mve_collection_ticker: MVE_COLLECTION,
    mve_selected_legs: legs.map(({ label: _label, ...leg }) => leg),
    no_ask_dollars: trading.noAsk,
    no_bid_dollars: trading.noBid,
    no_sub_title: title,
    notional_value_dollars: '1.0000',
    open_interest_fp: trading.openInterest,
    open_time: formatTime(floorToSecond(createdUs)),
    previous_price_dollars: trading.previous,
    previous_yes_ask_dollars: trading.previousAsk,
    previous_yes_bid_dollars: trading.previousBid,
    price_level_structure: 'deci_cent',
    price_ranges: PRICE_RANGES_DECI,
    result,
    rules_primary: '',
    rules_secondary: LEAGUE_DISCLAIMER,
    settlement_timer_seconds: 5,
    ...(status === 'finalized' ? { settlement_ts: formatTime(settledAt), settlement_value_dollars: result === 'yes' ? '1.0000' : '0.0000' } : {}),
    ...(status === 'determined' ? { settlement_value_dollars: result === 'yes' ? '1.0000' : '0.0000' } : {}),
    status,
    strike_type: 'custom',
    ticker: `${eventTicker}-${rng.hex(11).toUpperCase()}`,
    title,
    updated_time: formatTime(Math.floor(Math.min(updated, now))),
    volume_24h_fp: trading.volume24h,
    volume_fp: trading.volume,
    yes_ask_dollars: trading.yesAsk,
    yes_ask_size_fp: trading.yesAskSize,
    yes_bid_dollars: trading.yesBid,
    yes_bid_size_fp: trading.yesBidSize,
    yes_sub_title: title,
  };
}
