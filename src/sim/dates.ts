import { US_PER_DAY, US_PER_HOUR } from './time.js';
import { MONTHS, MONTH_NAMES } from './vocab.js';

/**
 * Kalshi writes tickers and titles in US Eastern time. The generator approximates it as
 * UTC-4 (EDT) all year: a simulator needs plausible text, not a time-zone database.
 */
const ET_OFFSET_US = 4 * US_PER_HOUR;

export interface EtParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export function et(us: number): EtParts {
  const date = new Date((us - ET_OFFSET_US) / 1000);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth(),
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
  };
}

const pad = (value: number): string => String(value).padStart(2, '0');

/** `26AUG24`, as in `KXMLBGAME-26AUG241940TEXCWS`. */
export function tickerDay(us: number): string {
  const p = et(us);
  return `${pad(p.year % 100)}${MONTHS[p.month]}${pad(p.day)}`;
}

/** `26AUG2415`: day and hour. */
export function tickerHour(us: number): string {
  return `${tickerDay(us)}${pad(et(us).hour)}`;
}

/** `26AUG241940`: day, hour and minute. */
export function tickerMinute(us: number): string {
  return `${tickerHour(us)}${pad(et(us).minute)}`;
}

/** `26SEP`. */
export function tickerMonth(us: number): string {
  const p = et(us);
  return `${pad(p.year % 100)}${MONTHS[p.month]}`;
}

/** `Aug 24, 2026`. */
export function shortDate(us: number): string {
  const p = et(us);
  return `${MONTH_NAMES[p.month]?.slice(0, 3)} ${p.day}, ${p.year}`;
}

/** `August 24, 2026`. */
export function longDate(us: number): string {
  const p = et(us);
  return `${MONTH_NAMES[p.month]} ${p.day}, ${p.year}`;
}

/** `September 2026`. */
export function monthYear(us: number): string {
  const p = et(us);
  return `${MONTH_NAMES[p.month]} ${p.year}`;
}

/** `3:00 PM`. */
export function clock(us: number): string {
  const p = et(us);
  const hour12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  return `${hour12}:${pad(p.minute)} ${p.hour < 12 ? 'AM' : 'PM'}`;
}

/** The same ET day as `us`, at `from` o'clock plus `fraction` of the hours up to `to`. */
export function atHoursEt(us: number, from: number, to: number, fraction: number): number {
  const dayStart = Math.floor((us - ET_OFFSET_US) / US_PER_DAY) * US_PER_DAY + ET_OFFSET_US;
  return dayStart + (from + fraction * (to - from)) * US_PER_HOUR;
}
