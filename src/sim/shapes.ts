import type { SettlementSource, SimEvent, SimSeries } from './types.js';

/** Builders for series and events with the full field set the captures show. */
export interface SeriesSeed {
  ticker: string;
  title: string;
  category: string;
  frequency?: string;
  tags?: string[] | null;
  settlementSources?: SettlementSource[];
  prohibitions?: readonly string[];
  lastUpdated?: string;
  feeType?: string;
}

export const STANDARD_PROHIBITIONS: readonly string[] = [
  'Persons who are employed by any of the Source Agencies are not permitted to trade on the Contract.',
  'Persons who hold any material, non-public information on the Underlying are not permitted to trade on the Contract.',
];

export function makeSeries(seed: SeriesSeed): SimSeries {
  return {
    additional_prohibitions: [...(seed.prohibitions ?? STANDARD_PROHIBITIONS)],
    category: seed.category,
    contract_terms_url: `https://assets.kalshi.com/contract_terms/${stripKx(seed.ticker)}.pdf`,
    contract_url: `https://assets.kalshi.com/regulatory/product-certifications/${stripKx(seed.ticker)}.pdf`,
    exchange_index: 0,
    fee_multiplier: 1,
    fee_type: seed.feeType ?? 'quadratic',
    frequency: seed.frequency ?? 'custom',
    last_updated_ts: seed.lastUpdated ?? '2026-03-05T16:03:18.554558Z',
    settlement_sources: seed.settlementSources ?? [],
    tags: seed.tags === undefined ? null : seed.tags,
    ticker: seed.ticker,
    title: seed.title,
  };
}

export interface EventSeed {
  eventTicker: string;
  seriesTicker: string;
  title: string;
  subTitle?: string;
  category: string;
  mutuallyExclusive?: boolean;
  settlementSources?: SettlementSource[];
  strikeDate?: string;
  exchangeIndex?: number;
}

export function makeEvent(seed: EventSeed): SimEvent {
  return {
    available_on_brokers: true,
    category: seed.category,
    collateral_return_type: seed.mutuallyExclusive ? 'MECNET' : '',
    event_ticker: seed.eventTicker,
    exchange_index: seed.exchangeIndex ?? 0,
    // Kalshi sends Go's zero time for events never edited since creation.
    last_updated_ts: '0001-01-01T00:00:00Z',
    mutually_exclusive: seed.mutuallyExclusive ?? false,
    series_ticker: seed.seriesTicker,
    settlement_sources: seed.settlementSources ?? [],
    ...(seed.strikeDate === undefined ? {} : { strike_date: seed.strikeDate }),
    strike_period: '',
    sub_title: seed.subTitle ?? '',
    title: seed.title,
  };
}

function stripKx(ticker: string): string {
  return ticker.startsWith('KX') ? ticker.slice(2) : ticker;
}
