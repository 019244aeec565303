/** Times inside the simulator are integer microseconds since the epoch (Kalshi's precision). */
export const US_PER_MS = 1_000;
export const US_PER_SECOND = 1_000_000;
export const US_PER_MINUTE = 60 * US_PER_SECOND;
export const US_PER_HOUR = 60 * US_PER_MINUTE;
export const US_PER_DAY = 24 * US_PER_HOUR;

export function dateToUs(date: Date): number {
  return date.getTime() * US_PER_MS;
}

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/;

/** Parses Kalshi's RFC 3339 UTC times; throws on anything else. */
export function parseTime(text: string): number {
  const match = RFC3339.exec(text);
  const base = match?.[1];
  if (match === null || base === undefined) throw new RangeError(`not an RFC 3339 UTC time: ${text}`);
  const fraction = (match[2] ?? '').padEnd(6, '0').slice(0, 6);
  return Date.parse(`${base}Z`) * US_PER_MS + Number(fraction);
}

/**
 * Formats like Go's RFC3339Nano (what Kalshi's servers emit): microseconds with trailing
 * zeros trimmed, and no fraction at all on a whole second.
 */
export function formatTime(us: number): string {
  const whole = Math.floor(us / US_PER_SECOND);
  // Bulk generation formats the same second many times in a row.
  if (whole !== lastWhole) {
    lastWhole = whole;
    lastBase = new Date(whole * 1000).toISOString().slice(0, 19);
  }
  let micros = Math.floor(us) - whole * US_PER_SECOND;
  if (micros === 0) return `${lastBase}Z`;
  let digits = 6;
  while (micros % 10 === 0) {
    micros /= 10;
    digits -= 1;
  }
  return `${lastBase}.${String(micros).padStart(digits, '0')}Z`;
}

let lastWhole = Number.NaN;
let lastBase = '';

export function floorToSecond(us: number): number {
  return Math.floor(us / US_PER_SECOND) * US_PER_SECOND;
}

export function floorToDay(us: number): number {
  return Math.floor(us / US_PER_DAY) * US_PER_DAY;
}

/** Shifts an RFC 3339 string by `deltaUs`, keeping Go's zero time (Kalshi's "never") as is. */
export function shiftTime(text: string, deltaUs: number): string {
  if (text.startsWith('0001-01-01')) return text;
  return formatTime(parseTime(text) + deltaUs);
}
