/** Time helpers for Kalshi's RFC 3339 strings (often with microseconds). */

/**
 * Normalises an RFC 3339 time to UTC with a `Z` suffix, keeping sub-second digits when the input
 * is already UTC (Kalshi sends microseconds, which `Date` would cut to milliseconds).
 * Returns null for null, empty, Go's zero time and unparsable strings.
 */
export function toUtc(value: string | null | undefined): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value.startsWith('0001-01-01')) return null;
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value)) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return null;
  return formatUtc(ms);
}

/** RFC 3339 UTC without fractional seconds when there are none. */
export function formatUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

export function epochSeconds(value: string | null): number | null {
  if (value === null) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}
