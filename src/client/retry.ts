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
 * Only `signal` ends the loop: it rejects with the signal's reason at once, even while `fn` is
 * still waiting for a server that does not answer.
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
      return await untilAborted(fn(), options.signal);
    } catch (err) {
      options.signal.throwIfAborted();
      options.onError(err, `${what} failed (attempt ${attempt + 1}); retrying`);
      await sleep(Math.min(max, min * 2 ** attempt), undefined, { signal: options.signal });
    }
  }
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts (the work itself is left to finish unobserved). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason as Error);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err as Error);
      },
    );
  });
}
