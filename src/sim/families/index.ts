import type { SimSeries } from '../types.js';
import { indicatorSeries, priceSeries, weatherSeries } from './markets.js';
import { listedSeries, questionSeries } from './questions.js';
import { leagueSeries, matchSeries } from './sports.js';
import type { Family } from './types.js';

export type { EventDraft, Family, MarketDraft, SeriesSpec, Timing } from './types.js';

/**
 * Every family the generator draws from, with its share of the non-combo markets. Sports
 * dominate, as on the real exchange; `seriesList` is the real series_list.json capture.
 */
export function buildFamilies(seriesList: readonly SimSeries[]): Family[] {
  return [
    { name: 'team sports', weight: 0.48, specs: leagueSeries() },
    { name: 'matches', weight: 0.07, specs: matchSeries() },
    { name: 'prices', weight: 0.2, specs: priceSeries() },
    { name: 'weather', weight: 0.08, specs: weatherSeries() },
    { name: 'indicators', weight: 0.05, specs: indicatorSeries() },
    { name: 'listed series', weight: 0.06, specs: listedSeries(seriesList) },
    { name: 'questions', weight: 0.06, specs: questionSeries() },
  ].filter((family) => family.specs.length > 0);
}
