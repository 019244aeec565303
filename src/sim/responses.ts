import { eventPosition } from './catalogue.js';
import type { Catalogue, EventEntry } from './catalogue.js';
import { encodeCursor } from './cursor.js';
import { entryPosition, marketJson, sortKeys } from './entry.js';
import type { MarketEntry } from './entry.js';
import { comparePositions, takePage } from './paging.js';
import type { EventsQuery, HistoricalMarketsQuery, MarketsQuery, SecondsRange } from './query.js';
import { US_PER_SECOND, formatTime } from './time.js';
import type { SimEvent } from './types.js';

/**
 * Response bodies, built as strings around each market's cached JSON so that a 1000-market
 * page costs one join rather than 1000 serialisations.
 */
export function marketsPageBody(catalogue: Catalogue, query: MarketsQuery): string {
  const candidates = marketCandidates(catalogue, query);
  const keep = marketFilter(catalogue, query);
  const page = takePage(candidates, entryPosition, query.cursor, query.limit, keep);
  return marketsBody(page.items.map(marketJson), page.next === null ? '' : encodeCursor(page.next));
}

export function historicalMarketsPageBody(catalogue: Catalogue, query: HistoricalMarketsQuery): string {
  let candidates: readonly MarketEntry[];
  if (query.tickers !== null) {
    candidates = sortedEntries(query.tickers.map((ticker) => catalogue.historicalEntry(ticker)));
  } else if (query.eventTicker !== null) {
    candidates = sortedEntries([...(catalogue.event(query.eventTicker)?.tickers ?? [])].map((t) => catalogue.historicalEntry(t)));
  } else if (query.seriesTicker !== null) {
    candidates = seriesEntries(catalogue, query.seriesTicker, (t) => catalogue.historicalEntry(t));
  } else {
    candidates = catalogue.historicalEntries();
  }
  const keep = (entry: MarketEntry): boolean => !(query.excludeMve && entry.mve);
  const page = takePage(candidates, entryPosition, query.cursor, query.limit, keep);
  return marketsBody(page.items.map(marketJson), page.next === null ? '' : encodeCursor(page.next));
}

export function eventsPageBody(catalogue: Catalogue, query: EventsQuery): string {
  let candidates: readonly EventEntry[];
  if (query.tickers !== null) {
    const found = query.tickers.map((ticker) => catalogue.event(ticker)).filter((entry) => entry !== undefined);
    candidates = [...new Set(found)].sort((a, b) => comparePositions(eventPosition(a), eventPosition(b)));
  } else {
    candidates = catalogue.sortedEvents();
  }
  const statuses = query.statuses;
  const minCloseUs = query.minCloseTs === null ? null : query.minCloseTs * US_PER_SECOND;
  const keep = (entry: EventEntry): boolean => {
    if (entry.mve) return false;
    if (query.seriesTicker !== null && entry.event.series_ticker !== query.seriesTicker) return false;
    if (statuses === null && minCloseUs === null) return true;
    const markets = liveMarketsOf(catalogue, entry);
    if (statuses !== null && !markets.some((market) => statuses.includes(market.status))) return false;
    return minCloseUs === null || markets.some((market) => market.closeUs >= minCloseUs);
  };
  const page = takePage(candidates, eventPosition, query.cursor, query.limit, keep);
  const events = page.items.map((entry) => eventJson(entry.event, query.withNestedMarkets ? liveMarketsOf(catalogue, entry) : null));
  const cursor = page.next === null ? '' : encodeCursor(page.next);
  return `{"cursor":${JSON.stringify(cursor)},"events":[${events.join(',')}],"milestones":[]}`;
}

/** `GET /events/{ticker}`: top-level `markets` is deprecated and empty when they are nested. */
export function eventBody(catalogue: Catalogue, entry: EventEntry, nested: boolean): string {
  const markets = liveMarketsOf(catalogue, entry);
  const event = eventJson(entry.event, nested ? markets : null);
  return `{"event":${event},"markets":[${nested ? '' : markets.map(marketJson).join(',')}]}`;
}

export function cutoffBody(catalogue: Catalogue): string {
  const cutoff = formatTime(catalogue.cutoffUs());
  return JSON.stringify({
    market_positions_last_updated_ts: cutoff,
    market_settled_ts: cutoff,
    orders_updated_ts: cutoff,
    trades_created_ts: cutoff,
  });
}

function marketsBody(rows: readonly string[], cursor: string): string {
  return `{"cursor":${JSON.stringify(cursor)},"markets":[${rows.join(',')}]}`;
}

const NESTED = '__sim_nested_markets__';

function eventJson(event: SimEvent, markets: readonly MarketEntry[] | null): string {
  if (markets === null) return JSON.stringify(event);
  const json = JSON.stringify(sortKeys({ ...event, markets: NESTED }));
  return json.replace(`"${NESTED}"`, `[${markets.map(marketJson).join(',')}]`);
}

function liveMarketsOf(catalogue: Catalogue, entry: EventEntry): MarketEntry[] {
  return sortedEntries([...entry.tickers].map((ticker) => catalogue.liveEntry(ticker)));
}

function sortedEntries(entries: readonly (MarketEntry | undefined)[]): MarketEntry[] {
  const unique = new Set(entries.filter((entry) => entry !== undefined));
  return [...unique].sort((a, b) => comparePositions(entryPosition(a), entryPosition(b)));
}

function seriesEntries(
  catalogue: Catalogue,
  seriesTicker: string,
  lookup: (ticker: string) => MarketEntry | undefined,
): MarketEntry[] {
  const found: (MarketEntry | undefined)[] = [];
  for (const eventTicker of catalogue.eventTickersOfSeries(seriesTicker)) {
    for (const ticker of catalogue.event(eventTicker)?.tickers ?? []) found.push(lookup(ticker));
  }
  return sortedEntries(found);
}

/** The narrowest sorted list that can hold every match, so filtered walks stay cheap. */
function marketCandidates(catalogue: Catalogue, query: MarketsQuery): readonly MarketEntry[] {
  const lookup = (ticker: string): MarketEntry | undefined => catalogue.liveEntry(ticker);
  if (query.tickers !== null) return sortedEntries(query.tickers.map(lookup));
  if (query.eventTicker !== null) return sortedEntries([...(catalogue.event(query.eventTicker)?.tickers ?? [])].map(lookup));
  if (query.seriesTicker !== null) return seriesEntries(catalogue, query.seriesTicker, lookup);
  return catalogue.liveEntries();
}

function marketFilter(catalogue: Catalogue, query: MarketsQuery): (entry: MarketEntry) => boolean {
  const { statuses, mve, created, closed, settled, updatedAfter, eventTicker, seriesTicker } = query;
  const updatedAfterUs = updatedAfter === null ? null : updatedAfter * US_PER_SECOND;
  return (entry) => {
    if (statuses !== null && !statuses.includes(entry.status)) return false;
    if (mve === 'exclude' && entry.mve) return false;
    if (mve === 'only' && !entry.mve) return false;
    if (eventTicker !== null && entry.eventTicker !== eventTicker) return false;
    if (seriesTicker !== null && catalogue.seriesTickerOf(entry.eventTicker) !== seriesTicker) return false;
    if (updatedAfterUs !== null && entry.updatedUs <= updatedAfterUs) return false;
    if (created !== null && !inRange(entry.createdUs, created)) return false;
    if (closed !== null && !inRange(entry.closeUs, closed)) return false;
    if (settled !== null && (entry.settledUs === null || !inRange(entry.settledUs, settled))) return false;
    return true;
  };
}

function inRange(us: number, range: SecondsRange): boolean {
  const seconds = Math.floor(us / US_PER_SECOND);
  return (range.min === null || seconds >= range.min) && (range.max === null || seconds <= range.max);
}
