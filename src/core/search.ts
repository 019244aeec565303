import type { Market } from './market.js';

/** Words shorter than this are not indexed (and ignored in queries). */
export const MIN_TOKEN_LENGTH = 2;

/** Lower-cased words of a text: runs of letters and digits. */
export function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= MIN_TOKEN_LENGTH);
}

/**
 * The search terms of a market: the distinct words of its ticker (also whole), title, yes/no
 * subtitles, event ticker, series ticker and category. Each term has a SET of tickers in Redis, and all terms
 * sit in one lexicographic ZSET, so a query word is expanded to the terms it prefixes.
 */
export function searchTerms(market: Market | null): string[] {
  if (market === null) return [];
  const raw = market.raw_metadata;
  const texts = [
    market.ticker,
    market.title,
    typeof raw.yes_sub_title === 'string' ? raw.yes_sub_title : '',
    typeof raw.no_sub_title === 'string' ? raw.no_sub_title : '',
    market.event_ticker ?? '',
    market.series_ticker ?? '',
    market.category ?? '',
  ];
  const terms = new Set<string>([market.ticker.toLowerCase()]);
  for (const text of texts) for (const word of words(text)) terms.add(word);
  return [...terms].sort();
}
