import type { Rng } from '../rng.js';

/** `count` x.5 lines centred on `center`, `step` apart. */
export function ladder(center: number, count: number, step: number): number[] {
  const first = Math.floor(center) - Math.floor(count / 2) * step;
  const lines: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const line = first + i * step + 0.5;
    if (line > 0) lines.push(line);
  }
  return lines;
}

export function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / magnitude;
  return (scaled < 2 ? 1 : scaled < 5 ? 2.5 : 5) * magnitude;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function pickSome<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(pool.splice(rng.int(0, pool.length - 1), 1)[0] as T);
  return out;
}

export function hashString(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i += 1) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) >>> 0;
  return hash;
}
