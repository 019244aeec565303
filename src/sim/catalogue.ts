import type { CursorPosition } from './cursor.js';
import { marketJson, marketOf, sortKeys, toEntry } from './entry.js';
import type { MarketEntry } from './entry.js';
import { SimError } from './errors.js';
import { LIFECYCLE_FIELDS, TRADING_FIELDS, dollars, fp } from './fields.js';
import { comparePositions } from './paging.js';
import { createRng } from './rng.js';
import type { Rng } from './rng.js';
import { stepCatalogue } from './step.js';
import type { SimMove } from './step.js';
import { IndexedSet, MarketTier } from './tier.js';
import {
  US_PER_DAY,
  US_PER_MS,
  US_PER_SECOND,
  dateToUs,
  floorToDay,
  floorToSecond,
  formatTime,
  parseTime,
} from './time.js';
import type { MarketResult, MarketStatus, SimEvent, SimMarket, SimSeries } from './types.js';

export interface CatalogueOptions {
  /** The catalogue's clock: lifecycle moves stamp `updated_time` with it. @defaultValue `() => new Date()` */
  now?: () => Date;
  /** Markets that settled before this instant live in the historical tier. @defaultValue midnight UTC 60 days before `now()` */
  cutoff?: Date;
}

export interface AddOptions {
  /** Store the market as JSON at once rather than on first serve. @defaultValue false */
  serialize?: boolean;
}

export interface EventEntry {
  readonly event: SimEvent;
  /** Live and historical markets of the event. */
  readonly tickers: Set<string>;
  /** Sort key of `GET /events`: the event's strike date, else its first market's close time. */
  readonly sortUs: number;
  /** Combo (MVE) events are not listed by `GET /events`. */
  readonly mve: boolean;
}

export interface CatalogueCounts {
  series: number;
  events: number;
  live: number;
  historical: number;
  byStatus: Partial<Record<MarketStatus, number>>;
  mve: number;
  cutoff: string;
}

const SETTLEMENT_TO_UPDATE_US = 25 * US_PER_MS;

/**
 * The simulated exchange's state: series, events, live and historical markets, and the
 * lifecycle moves Kalshi makes. Every non-trading change stamps `updated_time`; trading
 * (`tradeTick`) does not. A changed market is stored as a new entry, which drops its cached JSON.
 */
export class Catalogue {
  private readonly clock: () => Date;
  private readonly live = new MarketTier();
  private readonly historical = new MarketTier();
  private readonly byStatus = new Map<MarketStatus, IndexedSet>();
  private readonly seriesByTicker = new Map<string, SimSeries>();
  private readonly eventsBySeries = new Map<string, Set<string>>();
  private readonly events = new Map<string, EventEntry>();
  private eventOrder: EventEntry[] | null = null;
  private cutoff: number;
  private lastStampUs = 0;
  private readonly tradeRng = createRng(1);

  constructor(options: CatalogueOptions = {}) {
    this.clock = options.now ?? (() => new Date());
    this.cutoff = options.cutoff === undefined ? floorToDay(this.nowUs() - 60 * US_PER_DAY) : dateToUs(options.cutoff);
  }

  /**
   * The clock in microseconds. Successive calls within one millisecond still give increasing
   * values, so stamps look like Kalshi's (`…53.988247Z`) and a batch stays ordered.
   */
  nowUs(): number {
    const us = dateToUs(this.clock());
    const withinMs = (Math.imul(us / US_PER_MS, 0x9e3779b1) >>> 0) % 900;
    this.lastStampUs = us + withinMs > this.lastStampUs ? us + withinMs : this.lastStampUs + 1;
    return this.lastStampUs;
  }

  // ---- reading ----

  market(ticker: string): SimMarket | undefined {
    const entry = this.live.get(ticker);
    return entry === undefined ? undefined : marketOf(entry);
  }

  historicalMarket(ticker: string): SimMarket | undefined {
    const entry = this.historical.get(ticker);
    return entry === undefined ? undefined : marketOf(entry);
  }

  liveEntry(ticker: string): MarketEntry | undefined {
    return this.live.get(ticker);
  }

  historicalEntry(ticker: string): MarketEntry | undefined {
    return this.historical.get(ticker);
  }

  liveEntries(): readonly MarketEntry[] {
    return this.live.sortedEntries();
  }

  historicalEntries(): readonly MarketEntry[] {
    return this.historical.sortedEntries();
  }

  event(ticker: string): EventEntry | undefined {
    return this.events.get(ticker);
  }

  /** Events newest-first by their sort key, the order `GET /events` pages in. */
  sortedEvents(): readonly EventEntry[] {
    this.eventOrder ??= [...this.events.values()].sort((a, b) => comparePositions(eventPosition(a), eventPosition(b)));
    return this.eventOrder;
  }

  eventTickersOfSeries(seriesTicker: string): ReadonlySet<string> {
    return this.eventsBySeries.get(seriesTicker) ?? new Set();
  }

  series(ticker: string): SimSeries | undefined {
    return this.seriesByTicker.get(ticker);
  }

  allSeries(): SimSeries[] {
    return [...this.seriesByTicker.values()];
  }

  seriesTickerOf(eventTicker: string): string | undefined {
    return this.events.get(eventTicker)?.event.series_ticker;
  }

  /** `market_settled_ts` of `GET /historical/cutoff`, in microseconds. */
  cutoffUs(): number {
    return this.cutoff;
  }

  /** The live finalized market that settled first: the next one the cutoff will archive. */
  oldestSettled(): string | undefined {
    let oldest: MarketEntry | undefined;
    for (const ticker of this.tickersWithStatus('finalized')) {
      const entry = this.live.get(ticker);
      if (entry === undefined || entry.settledUs === null) continue;
      if (oldest === undefined || compareSettled(entry, oldest) < 0) oldest = entry;
    }
    return oldest?.ticker;
  }

  /** Live markets with this status, for random picks. */
  tickersWithStatus(status: MarketStatus): readonly string[] {
    return this.byStatus.get(status)?.values() ?? [];
  }

  counts(): CatalogueCounts {
    const byStatus: Partial<Record<MarketStatus, number>> = {};
    for (const [status, set] of this.byStatus) if (set.size > 0) byStatus[status] = set.size;
    let mve = 0;
    for (const entry of this.live.values()) if (entry.mve) mve += 1;
    return {
      series: this.seriesByTicker.size,
      events: this.events.size,
      live: this.live.size,
      historical: this.historical.size,
      byStatus,
      mve,
      cutoff: formatTime(this.cutoff),
    };
  }

  // ---- loading ----

  addSeries(series: SimSeries): void {
    this.seriesByTicker.set(series.ticker, sortKeys(series));
  }

  /**
   * Adds (or replaces) an event; its markets are added separately. `sortTime` places it in
   * `GET /events` when it has no strike date. @defaultValue now
   */
  addEvent(event: SimEvent, sortTime?: string): void {
    const previous = this.events.get(event.event_ticker);
    const strike = typeof event.strike_date === 'string' ? event.strike_date : undefined;
    const sortUs = previous?.sortUs ?? parseTime(strike ?? sortTime ?? formatTime(this.nowUs()));
    this.events.set(event.event_ticker, {
      event: sortKeys(withoutMarkets(event)),
      tickers: previous?.tickers ?? new Set(),
      sortUs,
      mve: event.event_ticker.startsWith('KXMVE'),
    });
    let seriesEvents = this.eventsBySeries.get(event.series_ticker);
    if (seriesEvents === undefined) {
      seriesEvents = new Set();
      this.eventsBySeries.set(event.series_ticker, seriesEvents);
    }
    seriesEvents.add(event.event_ticker);
    this.eventOrder = null;
  }

  /**
   * Adds a market as given (its times are not touched). A finalized market that settled before
   * the cutoff goes to the historical tier. Unknown events and series are created minimally.
   * `serialize` stores it as JSON straight away: bulk loads then never hold 100k objects at once.
   */
  add(market: SimMarket, options: AddOptions = {}): SimMarket {
    if (this.live.get(market.ticker) !== undefined || this.historical.get(market.ticker) !== undefined) {
      throw new SimError('invalid_argument', `market ${market.ticker} already exists`);
    }
    const entry = this.newEntry(market, options);
    this.ensureEvent(market);
    this.events.get(market.event_ticker)?.tickers.add(market.ticker);
    if (entry.settledUs !== null && market.status === 'finalized' && entry.settledUs < this.cutoff) {
      this.historical.add(entry);
    } else {
      this.live.add(entry);
      this.indexStatus(market.ticker, null, market.status);
    }
    return market;
  }

  /** Adds a settled market straight to the historical tier (seeding from a historical capture). */
  addHistorical(market: SimMarket, options: AddOptions = {}): SimMarket {
    if (market.status !== 'finalized' || market.settlement_ts === undefined) {
      throw new SimError('invalid_argument', `historical market ${market.ticker} must be finalized with a settlement_ts`);
    }
    if (parseTime(market.settlement_ts) >= this.cutoff) {
      throw new SimError('invalid_argument', `historical market ${market.ticker} settled after the cutoff`);
    }
    if (this.live.get(market.ticker) !== undefined || this.historical.get(market.ticker) !== undefined) {
      throw new SimError('invalid_argument', `market ${market.ticker} already exists`);
    }
    const entry = this.newEntry(market, options);
    this.ensureEvent(market);
    this.events.get(market.event_ticker)?.tickers.add(market.ticker);
    this.historical.add(entry);
    return market;
  }

  /**
   * Sets the historical cutoff. Moving it forward archives every live finalized market that
   * settled before it (returned); moving it back is refused once an archived market would be
   * on the wrong side.
   */
  setCutoff(cutoff: Date | number): string[] {
    const us = typeof cutoff === 'number' ? cutoff : dateToUs(cutoff);
    if (us < this.cutoff) {
      for (const entry of this.historical.values()) {
        if (entry.settledUs !== null && entry.settledUs >= us) {
          throw new SimError('invalid_argument', `cutoff cannot move before ${entry.ticker} settled`);
        }
      }
      this.cutoff = us;
      return [];
    }
    return this.advanceCutoff(us);
  }

  /** Moves the cutoff forward (never back); see `setCutoff`. */
  advanceCutoff(cutoff: Date | number): string[] {
    const us = typeof cutoff === 'number' ? cutoff : dateToUs(cutoff);
    if (us <= this.cutoff) return [];
    this.cutoff = us;
    const archived: string[] = [];
    for (const ticker of [...this.tickersWithStatus('finalized')]) {
      const entry = this.live.get(ticker);
      if (entry !== undefined && entry.settledUs !== null && entry.settledUs < us) {
        this.moveToHistorical(entry);
        archived.push(ticker);
      }
    }
    return archived.sort();
  }

  // ---- lifecycle ----

  /** initialized -> active; an open_time still in the future becomes now. */
  open(ticker: string): SimMarket {
    return this.transition(ticker, 'open', ['initialized'], (market, now) => ({
      status: 'active',
      ...(parseTime(market.open_time) > now ? { open_time: formatTime(floorToSecond(now)) } : {}),
    }));
  }

  /** active -> inactive (Kalshi's `deactivated`). */
  pause(ticker: string): SimMarket {
    return this.transition(ticker, 'pause', ['active'], () => ({ status: 'inactive' }));
  }

  /** inactive -> active (Kalshi's `activated`). */
  resume(ticker: string): SimMarket {
    return this.transition(ticker, 'resume', ['inactive'], () => ({ status: 'active' }));
  }

  /** active|inactive -> closed; closing before close_time moves close_time to now. */
  close(ticker: string): SimMarket {
    return this.transition(ticker, 'close', ['active', 'inactive'], (market, now) => closeEarly(market, now));
  }

  /** closed -> active with a later close_time (closed is not terminal). @defaultValue one day from now */
  reopen(ticker: string, closeTime?: Date): SimMarket {
    return this.transition(ticker, 'reopen', ['closed'], (market, now) => {
      const closeUs = closeTime === undefined ? floorToSecond(now + US_PER_DAY) : dateToUs(closeTime);
      if (closeUs <= now) throw new SimError('invalid_argument', 'a reopened market must close in the future');
      const patch: Partial<SimMarket> = { status: 'active', close_time: formatTime(closeUs) };
      const latest = market.latest_expiration_time;
      if (typeof latest === 'string' && parseTime(latest) < closeUs) {
        const expiry = formatTime(closeUs + 7 * US_PER_DAY);
        Object.assign(patch, { latest_expiration_time: expiry, expiration_time: expiry });
      }
      return patch;
    });
  }

  /**
   * Sets the result: closed -> determined. A market still trading is closed at the same moment
   * (what `can_close_early` markets do when the outcome happens).
   */
  determine(ticker: string, result: MarketResult, settlementValue?: string): SimMarket {
    const value = result === 'yes' ? '1.0000' : result === 'no' ? '0.0000' : (settlementValue ?? '0.5000');
    if (!/^(0\.\d{4}|1\.0000)$/.test(value)) throw new SimError('invalid_argument', `bad settlement value ${value}`);
    return this.transition(ticker, 'determine', ['active', 'inactive', 'closed'], (market, now) => ({
      ...(market.status === 'closed' ? {} : closeEarly(market, now)),
      status: 'determined',
      result,
      settlement_value_dollars: value,
      yes_bid_dollars: '0.0000',
      yes_bid_size_fp: '0.00',
      yes_ask_dollars: '1.0000',
      yes_ask_size_fp: '0.00',
      no_bid_dollars: '0.0000',
      no_ask_dollars: '1.0000',
    }));
  }

  /** determined|amended -> finalized, with `settlement_ts` just before the stamp (as observed). */
  settle(ticker: string): SimMarket {
    return this.transition(ticker, 'settle', ['determined', 'amended'], (_market, now) => ({
      status: 'finalized',
      settlement_ts: formatTime(now - SETTLEMENT_TO_UPDATE_US),
    }));
  }

  /**
   * Moves a finalized market to the historical tier. The cutoff moves to just after its
   * settlement, which archives every live market that settled earlier too. Returns all
   * archived tickers.
   */
  archive(ticker: string): string[] {
    const entry = this.requireLive(ticker);
    if (entry.status !== 'finalized' || entry.settledUs === null) {
      throw new SimError('invalid_transition', `cannot archive ${ticker}: it is ${entry.status}, not finalized`);
    }
    return this.advanceCutoff(floorToSecond(entry.settledUs) + US_PER_SECOND);
  }

  /** Removes a market from every tier (Kalshi drops provisional markets, for one). */
  delist(ticker: string): SimMarket {
    const live = this.live.remove(ticker);
    const entry = live ?? this.historical.remove(ticker);
    if (entry === undefined) throw new SimError('not_found', `no market ${ticker}`);
    if (live !== undefined) this.indexStatus(ticker, live.status, null);
    this.events.get(entry.eventTicker)?.tickers.delete(ticker);
    return marketOf(entry);
  }

  /** A non-trading change (title, rules, strikes, close time…): stamps `updated_time`. */
  updateMetadata(ticker: string, patch: Record<string, unknown>): SimMarket {
    const forbidden = Object.keys(patch).filter((key) => TRADING_FIELDS.has(key) || LIFECYCLE_FIELDS.has(key));
    if (forbidden.length > 0) {
      throw new SimError('invalid_argument', `not metadata fields: ${forbidden.join(', ')}`);
    }
    const entry = this.requireLive(ticker);
    return marketOf(this.store(entry, { ...patch }, this.nowUs()));
  }

  /** Prices, sizes and volume move; `updated_time` does not (it tracks non-trading changes only). */
  tradeTick(ticker: string, rng: Rng = this.tradeRng): SimMarket {
    const entry = this.requireLive(ticker);
    if (entry.status !== 'active') {
      throw new SimError('invalid_transition', `cannot trade ${ticker}: it is ${entry.status}`);
    }
    return marketOf(this.store(entry, tradePatch(marketOf(entry), rng), null));
  }

  /** `n` random plausible lifecycle moves; the same seed on the same catalogue gives the same moves. */
  step(n: number, rng: Rng): SimMove[] {
    return stepCatalogue(this, n, rng);
  }

  // ---- internals ----

  /** A serialised market keeps no reference to the caller's object; a kept one is a copy. */
  private newEntry(market: SimMarket, options: AddOptions): MarketEntry {
    if (options.serialize !== true) return toEntry(sortKeys({ ...market }));
    const entry = toEntry(sortKeys(market));
    marketJson(entry);
    return entry;
  }

  private transition(
    ticker: string,
    action: string,
    from: readonly MarketStatus[],
    patch: (market: SimMarket, nowUs: number) => Partial<SimMarket>,
  ): SimMarket {
    const entry = this.requireLive(ticker);
    if (!from.includes(entry.status)) {
      throw new SimError('invalid_transition', `cannot ${action} ${ticker}: it is ${entry.status}`);
    }
    const now = this.nowUs();
    return marketOf(this.store(entry, patch(marketOf(entry), now), now));
  }

  /** Stores a patched copy; `stampUs` null means a trading change, which keeps `updated_time`. */
  private store(entry: MarketEntry, patch: Partial<SimMarket>, stampUs: number | null): MarketEntry {
    const stamp = stampUs === null ? {} : { updated_time: formatTime(stampUs) };
    const next = toEntry(sortKeys({ ...marketOf(entry), ...patch, ...stamp }));
    this.live.replace(entry, next);
    if (next.status !== entry.status) this.indexStatus(next.ticker, entry.status, next.status);
    return next;
  }

  private requireLive(ticker: string): MarketEntry {
    const entry = this.live.get(ticker);
    if (entry !== undefined) return entry;
    if (this.historical.get(ticker) !== undefined) {
      throw new SimError('invalid_transition', `market ${ticker} is in the historical tier`);
    }
    throw new SimError('not_found', `no market ${ticker}`);
  }

  private moveToHistorical(entry: MarketEntry): void {
    this.live.remove(entry.ticker);
    this.indexStatus(entry.ticker, entry.status, null);
    this.historical.add(entry);
  }

  private indexStatus(ticker: string, from: MarketStatus | null, to: MarketStatus | null): void {
    if (from !== null) this.byStatus.get(from)?.delete(ticker);
    if (to === null) return;
    let set = this.byStatus.get(to);
    if (set === undefined) {
      set = new IndexedSet();
      this.byStatus.set(to, set);
    }
    set.add(ticker);
  }

  private ensureEvent(market: SimMarket): void {
    if (this.events.has(market.event_ticker)) return;
    const seriesTicker = market.event_ticker.split('-')[0] ?? market.event_ticker;
    const series = this.seriesByTicker.get(seriesTicker);
    this.addEvent(
      {
        available_on_brokers: true,
        category: series?.category ?? 'World',
        collateral_return_type: '',
        event_ticker: market.event_ticker,
        exchange_index: typeof market.exchange_index === 'number' ? market.exchange_index : 0,
        last_updated_ts: '0001-01-01T00:00:00Z',
        mutually_exclusive: false,
        series_ticker: seriesTicker,
        settlement_sources: [],
        strike_period: '',
        sub_title: '',
        title: typeof market.title === 'string' ? market.title : market.event_ticker,
      },
      market.close_time,
    );
  }
}

export function createCatalogue(options: CatalogueOptions = {}): Catalogue {
  return new Catalogue(options);
}

export function eventPosition(entry: EventEntry): CursorPosition {
  return { us: entry.sortUs, key: entry.event.event_ticker };
}

function withoutMarkets(event: SimEvent): SimEvent {
  const { markets: _markets, ...rest } = event;
  return rest as SimEvent;
}

function closeEarly(market: SimMarket, now: number): Partial<SimMarket> {
  return {
    status: 'closed',
    ...(parseTime(market.close_time) > now ? { close_time: formatTime(floorToSecond(now)) } : {}),
  };
}

function tradePatch(market: SimMarket, rng: Rng): Partial<SimMarket> {
  const previous = Number(market.last_price_dollars ?? '0.5');
  const price = Math.min(0.99, Math.max(0.01, Math.round((previous + rng.between(-0.05, 0.05)) * 100) / 100));
  const spread = rng.int(1, 3) / 100;
  const contracts = rng.int(1, 500);
  const volume = Number(market.volume_fp ?? '0') + contracts;
  const volume24h = Number(market.volume_24h_fp ?? '0') + contracts;
  const openInterest = Math.max(0, Number(market.open_interest_fp ?? '0') + rng.int(-contracts, contracts));
  const bid = Math.max(0, price - spread);
  const ask = Math.min(1, price + spread);
  return {
    last_price_dollars: dollars(price),
    yes_bid_dollars: dollars(bid),
    yes_ask_dollars: dollars(ask),
    no_bid_dollars: dollars(1 - ask),
    no_ask_dollars: dollars(1 - bid),
    yes_bid_size_fp: fp(rng.int(1, 5000)),
    yes_ask_size_fp: fp(rng.int(1, 5000)),
    volume_fp: fp(volume),
    volume_24h_fp: fp(volume24h),
    open_interest_fp: fp(openInterest),
  };
}

function compareSettled(a: MarketEntry, b: MarketEntry): number {
  const bySettlement = (a.settledUs ?? 0) - (b.settledUs ?? 0);
  return bySettlement !== 0 ? bySettlement : a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0;
}
