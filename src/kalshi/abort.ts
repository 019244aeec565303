/**
 * Abort plumbing shared by the rate limiter, the retry loop and the HTTP attempt. These helpers
 * reject with a plain `AbortSignalError`; the HTTP layer turns it into an `AbortedError` that names
 * the endpoint.
 */

/** Raised when a wait is cut short by an AbortSignal; `cause` is the signal's reason. */
export class AbortSignalError extends Error {
  override name = 'AbortSignalError';
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortSignalError('aborted', { cause: signal.reason });
}

/** Waits `ms` milliseconds, or rejects with `AbortSignalError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new AbortSignalError('aborted', { cause: signal.reason }));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new AbortSignalError('aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
