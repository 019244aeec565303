import { readFile } from 'node:fs/promises';
import type { Catalogue } from './catalogue.js';
import { makeEvent, makeSeries } from './shapes.js';
import { US_PER_HOUR, US_PER_SECOND, dateToUs, floorToDay, floorToSecond, formatTime, parseTime, shiftTime } from './time.js';
import type { SimEvent, SimMarket, SimSeries } from './types.js';

/** The copied real captures (see fixtures/kalshi/SOURCES.md); same relative path from src/ and dist/. */
export const DEFAULT_FIXTURES_DIR = new URL('../../fixtures/kalshi/', import.meta.url);

export interface SeedOptions {
  /** The instant the catalogue should look live at. @defaultValue `new Date()` */
  now?: Date;
  /** @defaultValue DEFAULT_FIXTURES_DIR */
  fixturesDir?: URL;
}

export interface SeedReport {
  series: number;
  events: number;
  live: number;
  historical: number;
  cutoff: string;
}

/** The MINLEGO probe (open page, event, series) ran at this instant. */
const PROBE_INSTANT = '2026-08-24T17:15:11Z';

const TIME_FIELDS = [
  'created_time',
  'updated_time',
  'open_time',
  'close_time',
  'expected_expiration_time',
  'expiration_time',
  'latest_expiration_time',
  'occurrence_datetime',
  'settlement_ts',
  'fee_waiver_expiration_time',
] as const;

/**
 * Loads the real captures into the catalogue with every time shifted so the data looks live at
 * `now`. Each capture set is shifted by its own whole-second delta, which keeps it internally
 * consistent (an `active` market still closes in the future); the historical page is placed
 * just before the shifted cutoff, since the capture's own cutoff is older than its settlements.
 */
export async function seedFromCaptures(catalogue: Catalogue, options: SeedOptions = {}): Promise<SeedReport> {
  const dir = options.fixturesDir ?? DEFAULT_FIXTURES_DIR;
  const load = async <T>(name: string): Promise<T> => JSON.parse(await readFile(new URL(name, dir), 'utf8')) as T;
  const nowUs = dateToUs(options.now ?? new Date());

  const openPage = await load<{ markets: SimMarket[] }>('markets_open_1000.json');
  const probeEvent = await load<{ event: SimEvent; markets: SimMarket[] }>('event_with_markets.json');
  const probeSeries = await load<{ series: SimSeries }>('series_team_total.json');
  const mantaPages = await Promise.all(
    ['markets_open.json', 'markets_page1.json', 'markets_page2.json', 'markets_settled_window.json'].map((name) =>
      load<{ markets: SimMarket[] }>(name),
    ),
  );
  const mantaMarket = await load<{ market: SimMarket }>('market.json');
  const mantaEvent = await load<{ event: SimEvent & { markets?: SimMarket[] } }>('event.json');
  const eventPages = await Promise.all(['events_page1.json', 'events_page2.json'].map((name) => load<{ events: SimEvent[] }>(name)));
  const seriesList = await load<{ series: SimSeries[] }>('series_list.json');
  const fedSeries = await load<{ series: SimSeries }>('series.json');
  const historicalPage = await load<{ markets: SimMarket[] }>('historical_markets_page.json');
  const capturedCutoff = await load<{ market_settled_ts: string }>('historical_cutoff.json');

  const probeDelta = floorToSecond(nowUs - parseTime(PROBE_INSTANT));
  // The /markets page first: where both hold a market, its row is the /markets shape.
  const probeMarkets = [...openPage.markets, ...probeEvent.markets];
  const mantaMarkets = [...mantaPages.flatMap((page) => page.markets), mantaMarket.market, ...(mantaEvent.event.markets ?? [])];
  const mantaAnchor = latestPastTime(mantaMarkets);
  const mantaDelta = floorToSecond(nowUs - mantaAnchor) - US_PER_SECOND;

  // Kalshi's cutoff sat this far behind the capture; keep the lag, on a midnight like the real one.
  const cutoffUs = floorToDay(parseTime(capturedCutoff.market_settled_ts) + mantaDelta);
  const historicalDelta = floorToSecond(cutoffUs - US_PER_HOUR - latestPastTime(historicalPage.markets));
  catalogue.setCutoff(cutoffUs);

  for (const series of [...seriesList.series, fedSeries.series]) catalogue.addSeries(shiftSeries(series, mantaDelta));
  catalogue.addSeries(shiftSeries(probeSeries.series, probeDelta));

  const events: { event: SimEvent; delta: number }[] = [
    { event: probeEvent.event, delta: probeDelta },
    { event: mantaEvent.event, delta: mantaDelta },
    ...eventPages.flatMap((page) => page.events.map((event) => ({ event, delta: mantaDelta }))),
  ];
  // `GET /events` pages by a time per event; use the close of one of its captured markets.
  const closeByEvent = new Map<string, string>();
  for (const [markets, delta] of [[probeMarkets, probeDelta], [mantaMarkets, mantaDelta]] as const) {
    for (const market of markets) {
      if (!closeByEvent.has(market.event_ticker)) closeByEvent.set(market.event_ticker, shiftTime(market.close_time, delta));
    }
  }
  for (const { event, delta } of events) {
    if (catalogue.event(event.event_ticker) !== undefined) continue;
    ensureSeries(catalogue, event.series_ticker, event.title);
    catalogue.addEvent(shiftEvent(event, delta), closeByEvent.get(event.event_ticker) ?? formatTime(nowUs));
  }

  const addAll = (markets: SimMarket[], delta: number, historical: boolean): void => {
    for (const raw of markets) {
      if (catalogue.market(raw.ticker) !== undefined || catalogue.historicalMarket(raw.ticker) !== undefined) continue;
      const market = shiftMarket(raw, delta);
      ensureEventFor(catalogue, market);
      if (historical) catalogue.addHistorical(market);
      else catalogue.add(market);
    }
  };
  addAll(probeMarkets, probeDelta, false);
  addAll(mantaMarkets, mantaDelta, false);
  addAll(historicalPage.markets, historicalDelta, true);

  const counts = catalogue.counts();
  return { series: counts.series, events: counts.events, live: counts.live, historical: counts.historical, cutoff: counts.cutoff };
}

/** The latest instant a capture shows as already past: creation, last update or settlement. */
function latestPastTime(markets: readonly SimMarket[]): number {
  let latest = 0;
  for (const market of markets) {
    for (const text of [market.created_time, market.updated_time, market.settlement_ts]) {
      if (text !== undefined) latest = Math.max(latest, parseTime(text));
    }
  }
  return latest;
}

function shiftMarket(market: SimMarket, delta: number): SimMarket {
  const shifted: Record<string, unknown> = { ...market };
  for (const field of TIME_FIELDS) {
    const value = shifted[field];
    if (typeof value === 'string' && value !== '') shifted[field] = shiftTime(value, delta);
  }
  return shifted as SimMarket;
}

function shiftEvent(event: SimEvent, delta: number): SimEvent {
  const { markets: _nested, ...rest } = event;
  const shifted: SimEvent = { ...rest, last_updated_ts: shiftTime(event.last_updated_ts, delta) } as SimEvent;
  if (typeof event.strike_date === 'string' && event.strike_date !== '') shifted.strike_date = shiftTime(event.strike_date, delta);
  return shifted;
}

function shiftSeries(series: SimSeries, delta: number): SimSeries {
  const updated = series.last_updated_ts;
  return typeof updated === 'string' ? { ...series, last_updated_ts: shiftTime(updated, delta) } : series;
}

/** Captures hold markets whose event or series was not captured: complete them plausibly. */
function ensureEventFor(catalogue: Catalogue, market: SimMarket): void {
  if (catalogue.event(market.event_ticker) !== undefined) return;
  const mve = typeof market.mve_collection_ticker === 'string';
  const seriesTicker = mve ? 'KXMVECROSSCATEGORY' : (market.event_ticker.split('-')[0] ?? market.event_ticker);
  const title = typeof market.title === 'string' ? market.title : market.event_ticker;
  const series = ensureSeries(catalogue, seriesTicker, mve ? 'Cross-category combos' : title);
  catalogue.addEvent(
    makeEvent({
      eventTicker: market.event_ticker,
      seriesTicker,
      title,
      subTitle: typeof market.yes_sub_title === 'string' && !mve ? market.yes_sub_title : '',
      category: series.category,
      exchangeIndex: typeof market.exchange_index === 'number' ? market.exchange_index : 0,
    }),
    market.close_time,
  );
}

function ensureSeries(catalogue: Catalogue, ticker: string, title: string): SimSeries {
  const existing = catalogue.series(ticker);
  if (existing !== undefined) return existing;
  const series = makeSeries({ ticker, title, category: guessCategory(ticker), lastUpdated: formatTime(0) });
  catalogue.addSeries(series);
  return series;
}

const CATEGORY_PATTERNS: readonly [RegExp, string][] = [
  [/MVE|NFL|MLB|NBA|NHL|ATP|WTA|ITF|UCL|UECL|EPL|LALIGA|SERIEA|BUNDESLIGA|LIGUE|MLS|SAUDIPL|CS2|LOL|TACA|CLUBF|BRASILEIRO|DFB|WC|GOLF|PGA|UFC|F1|NASCAR/, 'Sports'],
  [/BTC|ETH|SOL|XRP|DOGE|HYPE|BNB|NEAR|ZEC/, 'Crypto'],
  [/GOLD|SILVER|WTI|PLATINUM|PALLADIUM|NASDAQ|INX|USD|EUR/, 'Financials'],
  [/TEMP|HIGH|RAIN|SNOW|WARMING|ERUPT/, 'Climate and Weather'],
  [/FED|CPI|GDP|JOBS|PAYROLL/, 'Economics'],
  [/POLITICS|PRES|SENATE|HOUSE/, 'Politics'],
];

function guessCategory(seriesTicker: string): string {
  for (const [pattern, category] of CATEGORY_PATTERNS) if (pattern.test(seriesTicker)) return category;
  return 'World';
}
