import { setTimeout as sleep } from 'node:timers/promises';

export interface BackoffOptions {
  /** First wait after a failure. @defaultValue 100 */
  minMs?: number;
  /** Longest wait; waits double up to it. @defaultValue 5000 */
  maxMs?: number;
}

export const DEFAULT_BACKOFF_MIN_MS = 100;
export const DEFAULT_BACKOFF_MAX_MS = 5000;

/**
 * Runs `fn` until it succeeds, waiting longer after each failure and reporting every failure.
 * Only `signal` ends the loop (it rejects with the signal's reason).
 */
export async function retrying<T>(
  what: string,
  fn: () => Promise<T>,
  options: { signal: AbortSignal; backoff: BackoffOptions; onError: (error: unknown, context: string) => void },
): Promise<T> {
  const min = options.backoff.minMs ?? DEFAULT_BACKOFF_MIN_MS;
  const max = options.backoff.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  for (let attempt = 0; ; attempt++) {
    options.signal.throwIfAborted();
    try {
      return await fn();
    } catch (err) {
      options.signal.throwIfAborted();
      options.onError(err, `${what} failed (attempt ${attempt + 1}); retrying`);
      await sleep(Math.min(max, min * 2 ** attempt), undefined, { signal: options.signal });
    }
  }
}
