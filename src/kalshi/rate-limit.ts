import { sleep } from './abort.js';

/** A client-side limit on how fast requests leave, shared by every request of one client. */
export interface RateLimiter {
  /** Resolves when the caller may send one request; rejects with `AbortSignalError` on abort. */
  acquire(signal?: AbortSignal): Promise<void>;
  /** Kalshi answered 429: spend whatever burst is left so the next requests wait for a refill. */
  penalize(): void;
}

export interface TokenBucketOptions {
  /** Tokens (requests) added per second. */
  ratePerSecond: number;
  /** Bucket capacity in tokens: how many requests may leave back to back after a quiet spell. */
  capacity: number;
  /** Monotonic clock in milliseconds; injectable for tests. */
  now?: () => number;
}

/**
 * Token bucket with reservations: a caller takes its token up front (the balance may go negative)
 * and sleeps until the bucket would have refilled to it. Callers are therefore served in arrival
 * order without a queue, and a waiter that aborts hands its token back.
 */
export function createTokenBucket(options: TokenBucketOptions): RateLimiter {
  const { ratePerSecond, capacity } = options;
  if (!(ratePerSecond > 0)) throw new RangeError(`rate must be > 0 requests/second, got ${ratePerSecond}`);
  if (!(capacity >= 1)) throw new RangeError(`bucket capacity must be >= 1, got ${capacity}`);
  const now = options.now ?? (() => performance.now());
  let tokens = capacity;
  let updatedAt = now();

  const refill = (): void => {
    const t = now();
    tokens = Math.min(capacity, tokens + ((t - updatedAt) * ratePerSecond) / 1000);
    updatedAt = t;
  };

  return {
    async acquire(signal) {
      refill();
      tokens -= 1;
      if (tokens >= 0) return;
      const waitMs = (-tokens * 1000) / ratePerSecond;
      try {
        await sleep(waitMs, signal);
      } catch (err) {
        tokens += 1;
        throw err;
      }
    },
    penalize() {
      refill();
      if (tokens > 0) tokens = 0;
    },
  };
}
