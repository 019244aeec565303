import type {
  KalshiEventRecord,
  KalshiExchangeStatus,
  KalshiHistoricalCutoff,
  KalshiMarketRecord,
  KalshiSeriesRecord,
} from './kalshi.js';

/** Kalshi's `status` query filter: a different vocabulary from the status a market reports. */
export type MarketStatusFilter = 'unopened' | 'open' | 'paused' | 'closed' | 'settled';
export type MveFilter = 'exclude' | 'only';

export interface MarketQuery {
  status?: MarketStatusFilter;
  /** Unix seconds; Kalshi allows it only alone or with `mve_filter=exclude` (and `series_ticker`). */
  minUpdatedTs?: number;
  seriesTicker?: string;
  eventTicker?: string;
  /** `null` sends no mve_filter (combo markets included). */
  mveFilter?: MveFilter | null;
}

/** A market in a page that failed validation: counted, logged with its ticker, skipped. */
export interface InvalidMarket {
  index: number;
  ticker: string | null;
  reason: string;
}

export interface MarketPage {
  markets: KalshiMarketRecord[];
  invalid: InvalidMarket[];
  /** The cursor that fetches the next page; null after the last page. */
  cursor: string | null;
  /** 0-based page number within this walk. */
  page: number;
}

export interface SourceStats {
  requests: number;
  pages: number;
  retries: number;
  /** Responses with status 429. */
  rateLimited: number;
  bytes: number;
}

export interface CallOptions {
  signal?: AbortSignal;
}

/** What a sync needs from Kalshi. Implemented by src/kalshi; the core never sees HTTP. */
export interface MarketSource {
  /** Walks every page of `GET /markets` for the query, one page at a time. */
  markets(query: MarketQuery, options?: CallOptions): AsyncIterable<MarketPage>;
  /** `GET /markets?tickers=`, batched; unknown tickers are simply absent from the result. */
  marketsByTickers(tickers: readonly string[], options?: CallOptions): Promise<KalshiMarketRecord[]>;
  /** `GET /historical/markets?tickers=`, batched. */
  historicalMarketsByTickers(tickers: readonly string[], options?: CallOptions): Promise<KalshiMarketRecord[]>;
  historicalCutoff(options?: CallOptions): Promise<KalshiHistoricalCutoff>;
  /** `GET /events?tickers=`, batched; unknown (and combo) events are absent. */
  eventsByTickers(eventTickers: readonly string[], options?: CallOptions): Promise<KalshiEventRecord[]>;
  /** `GET /series` (not paginated by Kalshi). */
  allSeries(options?: CallOptions): Promise<KalshiSeriesRecord[]>;
  /** `GET /exchange/status`. */
  exchangeStatus(options?: CallOptions): Promise<KalshiExchangeStatus>;
  stats(): SourceStats;
  close(): Promise<void>;
}
