import { clock, longDate, monthYear, shortDate, tickerDay, tickerHour, tickerMonth } from '../dates.js';
import { US_PER_DAY, US_PER_HOUR } from '../time.js';
import type { SettlementSource } from '../types.js';
import { ASSETS, CITIES } from '../vocab.js';
import type { Asset, City } from '../vocab.js';
import { capitalise, niceStep, round } from './numbers.js';
import type { MarketDraft, SeriesSpec } from './types.js';

function priceFamily(asset: Asset, hourly: boolean): SeriesSpec {
  const ticker = `KX${asset.code}${hourly ? 'H' : 'D'}`;
  return {
    seed: {
      ticker,
      title: `${capitalise(asset.name)} price ${hourly ? '(hourly)' : '(daily)'}`,
      category: asset.category,
      frequency: hourly ? 'hourly' : 'daily',
      tags: [asset.category === 'Crypto' ? asset.name : 'Commodities'],
      settlementSources: [asset.source],
    },
    timing: {
      leadUs: hourly ? [2 * US_PER_HOUR, 26 * US_PER_HOUR] : [1 * US_PER_DAY, 3 * US_PER_DAY],
      closeAfterUs: 0,
      expectedAfterUs: 0,
      latestAfterCloseUs: 7 * US_PER_DAY,
      slotUs: hourly ? US_PER_HOUR : US_PER_DAY,
      settlementTimerSeconds: 3600,
    },
    makeEvent(rng, occurrenceUs) {
      const center = asset.base * rng.between(0.97, 1.03);
      const step = niceStep(asset.base * 0.0025);
      const count = rng.int(10, 24);
      const first = Math.round(center / step - count / 2) * step;
      const at = `${longDate(occurrenceUs)} at ${clock(occurrenceUs)} ET`;
      const realized = center + rng.between(-step * 3, step * 3);
      const markets: MarketDraft[] = [];
      for (let i = 0; i < count; i += 1) {
        const strike = round(first + i * step - 10 ** -asset.decimals, asset.decimals);
        const shown = strike.toFixed(asset.decimals);
        markets.push({
          suffix: `T${shown}`,
          title: `Will the ${asset.name} close price be above ${shown} ${asset.unit} on ${at}?`,
          yesSubTitle: `Above $${shown}`,
          noSubTitle: `Above $${shown}`,
          rulesPrimary: `If the close price of the 1-minute candlestick for ${asset.name} on ${at} is above ${shown} ${asset.unit}, then the market resolves to Yes.`,
          rulesSecondary: `The settlement value is rounded to the nearest ${asset.decimals} decimal places. When confirming the settlement value, note the close price for the 1-minute candlestick at a given time is the price at the end of the immediately preceding one-minute interval. If no data is published by ${asset.source.name} for the specified time, then the most recently available published data will be used to resolve the market.`,
          strikeType: 'greater',
          floorStrike: strike,
          ...(asset.category === 'Financials' ? { customStrike: { front_month_contract: 'NA' } } : {}),
          outcome: realized > strike ? 'yes' : 'no',
        });
      }
      return {
        suffix: hourly ? tickerHour(occurrenceUs) : tickerDay(occurrenceUs),
        title: `${capitalise(asset.name)} price on ${shortDate(occurrenceUs)}${hourly ? ` at ${clock(occurrenceUs)} EDT` : ''}?`,
        subTitle: `On ${shortDate(occurrenceUs)}`,
        mutuallyExclusive: false,
        markets,
      };
    },
  };
}

function highTempFamily(city: City): SeriesSpec {
  return {
    seed: {
      ticker: `KXHIGH${city.code}`,
      title: `Highest temperature in ${city.name}`,
      category: 'Climate and Weather',
      frequency: 'daily',
      tags: ['Daily temperature'],
      settlementSources: [{ name: 'National Weather Service', url: 'https://www.weather.gov' }],
    },
    timing: {
      leadUs: [1 * US_PER_DAY, 2 * US_PER_DAY],
      closeAfterUs: 14 * US_PER_HOUR,
      expectedAfterUs: 10 * US_PER_HOUR,
      latestAfterCloseUs: 7 * US_PER_DAY,
      slotUs: US_PER_DAY,
      settlementTimerSeconds: 3600,
    },
    makeEvent(rng, occurrenceUs) {
      const low = city.normalHigh + rng.int(-6, 2);
      const date = shortDate(occurrenceUs);
      const realized = low + rng.int(-2, 11);
      const report = `as reported by the National Weather Service's Climatological Report (Daily) for ${city.station}`;
      const markets: MarketDraft[] = [
        {
          suffix: `T${low}`,
          title: `Will the high temp in ${city.name} be <${low}° on ${date}?`,
          yesSubTitle: `${low - 1}° or below`,
          noSubTitle: `${low - 1}° or below`,
          rulesPrimary: `If the highest temperature recorded in ${city.name} for ${date} is less than ${low}°, ${report}, then the market resolves to Yes.`,
          rulesSecondary: WEATHER_RULES,
          strikeType: 'less',
          capStrike: low,
          outcome: realized < low ? 'yes' : 'no',
        },
      ];
      for (let from = low; from < low + 8; from += 2) {
        markets.push({
          suffix: `B${from + 0.5}`,
          title: `Will the high temp in ${city.name} be ${from}-${from + 1}° on ${date}?`,
          yesSubTitle: `${from}° to ${from + 1}°`,
          noSubTitle: `${from}° to ${from + 1}°`,
          rulesPrimary: `If the highest temperature recorded in ${city.name} for ${date} is between ${from}° and ${from + 1}°, ${report}, then the market resolves to Yes.`,
          rulesSecondary: WEATHER_RULES,
          strikeType: 'between',
          floorStrike: from,
          capStrike: from + 1,
          outcome: realized >= from && realized <= from + 1 ? 'yes' : 'no',
        });
      }
      markets.push({
        suffix: `T${low + 7}`,
        title: `Will the high temp in ${city.name} be >${low + 7}° on ${date}?`,
        yesSubTitle: `${low + 8}° or above`,
        noSubTitle: `${low + 8}° or above`,
        rulesPrimary: `If the highest temperature recorded in ${city.name} for ${date} is greater than ${low + 7}°, ${report}, then the market resolves to Yes.`,
        rulesSecondary: WEATHER_RULES,
        strikeType: 'greater',
        floorStrike: low + 7,
        outcome: realized > low + 7 ? 'yes' : 'no',
      });
      return {
        suffix: tickerDay(occurrenceUs),
        title: `Highest temperature in ${city.name} on ${date}?`,
        subTitle: `On ${date}`,
        mutuallyExclusive: true,
        markets,
      };
    },
  };
}

const WEATHER_RULES =
  'Not all weather data is the same. While checking a source like Google or your phone weather app can help guide your decision, the last (final) report issued by the National Weather Service is the source of truth for this market. If the final report is not published within 2 days, the market resolves to the preliminary report.';

interface Indicator {
  ticker: string;
  title: string;
  category: string;
  question: (value: string, period: string) => string;
  subTitle: (value: string) => string;
  unit: string;
  center: number;
  step: number;
  decimals: number;
  source: SettlementSource;
  monthly: boolean;
}

const INDICATORS: readonly Indicator[] = [
  {
    ticker: 'KXFED', title: 'Fed funds rate', category: 'Economics', unit: '%', center: 4.0, step: 0.25, decimals: 2, monthly: true,
    question: (value, period) => `Will the upper bound of the federal funds rate be above ${value}% following the Fed's ${period} meeting?`,
    subTitle: (value) => `Above ${value}%`,
    source: { name: 'Federal Reserve Board of Governors', url: 'https://www.federalreserve.gov/monetarypolicy/fomccalendars.htm' },
  },
  {
    ticker: 'KXCPI', title: 'CPI', category: 'Economics', unit: '%', center: 0.3, step: 0.1, decimals: 1, monthly: true,
    question: (value, period) => `Will CPI rise more than ${value}% in ${period}?`,
    subTitle: (value) => `Above ${value}%`,
    source: { name: 'Bureau of Labor Statistics', url: 'https://www.bls.gov/cpi/' },
  },
  {
    ticker: 'KXPAYROLLS', title: 'Jobs numbers', category: 'Economics', unit: 'k', center: 120, step: 25, decimals: 0, monthly: true,
    question: (value, period) => `Will the economy add more than ${value}k jobs in ${period}?`,
    subTitle: (value) => `Above ${value}k`,
    source: { name: 'Bureau of Labor Statistics', url: 'https://www.bls.gov/ces/' },
  },
  {
    ticker: 'KXGASPRICE', title: 'US gas prices', category: 'Economics', unit: '$', center: 3.15, step: 0.05, decimals: 2, monthly: false,
    question: (value, period) => `Will the average US gas price be above $${value} on ${period}?`,
    subTitle: (value) => `Above $${value}`,
    source: { name: 'AAA', url: 'https://gasprices.aaa.com' },
  },
];

function indicatorFamily(indicator: Indicator): SeriesSpec {
  return {
    seed: {
      ticker: indicator.ticker,
      title: indicator.title,
      category: indicator.category,
      frequency: indicator.monthly ? 'monthly' : 'weekly',
      tags: [indicator.monthly ? 'Macro' : 'Gas prices'],
      settlementSources: [indicator.source],
    },
    timing: {
      leadUs: indicator.monthly ? [20 * US_PER_DAY, 60 * US_PER_DAY] : [5 * US_PER_DAY, 9 * US_PER_DAY],
      closeAfterUs: 0,
      expectedAfterUs: 2 * US_PER_HOUR,
      latestAfterCloseUs: 7 * US_PER_DAY,
      slotUs: indicator.monthly ? 31 * US_PER_DAY : 7 * US_PER_DAY,
      settlementTimerSeconds: 1800,
    },
    makeEvent(rng, occurrenceUs) {
      const period = indicator.monthly ? monthYear(occurrenceUs) : longDate(occurrenceUs);
      const count = rng.int(4, 9);
      const realized = indicator.center + rng.between(-2, 2) * indicator.step;
      const markets: MarketDraft[] = [];
      for (let i = 0; i < count; i += 1) {
        const value = round(indicator.center + (i - Math.floor(count / 2)) * indicator.step, indicator.decimals);
        const shown = value.toFixed(indicator.decimals);
        markets.push({
          suffix: `T${shown}`,
          title: indicator.question(shown, period),
          yesSubTitle: indicator.subTitle(shown),
          noSubTitle: indicator.subTitle(shown),
          rulesPrimary: `If ${indicator.title.toLowerCase()} for ${period}, as first reported by ${indicator.source.name}, is above ${shown}${indicator.unit === '$' ? '' : indicator.unit}, then the market resolves to Yes.`,
          rulesSecondary: `Revisions after the first release are not considered. If the release is delayed, the market will remain open until the data is published.`,
          strikeType: 'greater',
          floorStrike: value,
          outcome: realized > value ? 'yes' : 'no',
        });
      }
      return {
        suffix: indicator.monthly ? tickerMonth(occurrenceUs) : tickerDay(occurrenceUs),
        title: `${indicator.title} in ${period}`,
        subTitle: period,
        mutuallyExclusive: false,
        markets,
      };
    },
  };
}

/** The real series of series_list.json (Health, Science and Technology), with generic threshold markets. */

/** Hourly and daily price ladders for commodities, indices and crypto. */
export function priceSeries(): SeriesSpec[] {
  return ASSETS.flatMap((asset) => [priceFamily(asset, true), priceFamily(asset, false)]);
}

/** Daily high-temperature brackets per city. */
export function weatherSeries(): SeriesSpec[] {
  return CITIES.map(highTempFamily);
}

/** Monthly and weekly economic indicator ladders. */
export function indicatorSeries(): SeriesSpec[] {
  return INDICATORS.map(indicatorFamily);
}
