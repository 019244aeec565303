/** When and how long to retry a failed request: exponential backoff with full jitter, bounded in count and time. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Cap of the first backoff; doubles with every retry. */
  baseMs: number;
  /** Largest single backoff. */
  maxMs: number;
  /** Total time one request may spend, attempts and sleeps included, before it gives up. */
  budgetMs: number;
}

/**
 * Full jitter (a uniform draw between 0 and the exponential cap), so that many clients that failed
 * together do not come back together. `retry` is 0 for the first retry.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(retry, 30));
  return Math.floor(random() * cap);
}

/** HTTP statuses worth another attempt: Kalshi's 429 (no Retry-After), request timeout, every 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/**
 * Transport failures are retried (resets, drops, refused connections, DNS hiccups, timeouts), except
 * the ones that repeat identically because the request itself is wrong.
 */
export function isRetryableTransportError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? (err as { code: unknown }).code : undefined;
  if (typeof code !== 'string') return true;
  return !['UND_ERR_INVALID_ARG', 'ERR_INVALID_URL', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'UND_ERR_NOT_SUPPORTED',
    'UND_ERR_DESTROYED', 'UND_ERR_CLOSED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'].includes(code);
}
