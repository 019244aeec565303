/**
 * Injected trouble: failure rules matched per request, and Kalshi's token-bucket rate limit.
 */
export type FailureKind =
  /** Answer with this HTTP status and a Kalshi-style error body. */
  | number
  /** Destroy the socket without answering. */
  | 'drop'
  /** Never answer (until the simulator closes). */
  | 'hang'
  /** 200 with a JSON body that is not the expected shape. */
  | 'garbage';

export interface FailureRule {
  /**
   * Path below `/trade-api/v2` (`/markets`), exact; a trailing `*` matches a prefix
   * (`/markets/*`). @defaultValue every path
   */
  path?: string;
  status: FailureKind;
  /** How many requests fail. @defaultValue Infinity */
  times?: number;
  /** Let this many matching requests through first. @defaultValue 0 */
  afterRequests?: number;
  /** Further narrowing on the full request URL (query included). */
  match?: (url: URL) => boolean;
}

export interface FailureMatcher {
  /** The failure to inject for this request, if any; counts the request against the rules. */
  take(path: string, url: URL): FailureKind | null;
  rules(): readonly FailureRule[];
}

export function createFailureMatcher(rules: readonly FailureRule[]): FailureMatcher {
  const state = rules.map((rule) => ({ rule, seen: 0, fired: 0 }));
  return {
    take(path, url) {
      for (const item of state) {
        const { rule } = item;
        if (!pathMatches(rule.path, path)) continue;
        if (rule.match !== undefined && !rule.match(url)) continue;
        item.seen += 1;
        if (item.seen <= (rule.afterRequests ?? 0)) continue;
        if (item.fired >= (rule.times ?? Infinity)) continue;
        item.fired += 1;
        return rule.status;
      }
      return null;
    },
    rules: () => rules,
  };
}

function pathMatches(pattern: string | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  const normalised = pattern.startsWith('/trade-api/v2/') ? pattern.slice('/trade-api/v2'.length) : pattern;
  return normalised.endsWith('*') ? path.startsWith(normalised.slice(0, -1)) : path === normalised;
}

export interface RateOptions {
  /** Tokens (requests) added per second. */
  perSecond: number;
  /** Bucket capacity: how many requests may arrive at once. */
  burst: number;
}

export interface TokenBucket {
  /** Takes one token; false when the bucket is empty (answer 429). */
  take(): boolean;
}

/** `clockMs` is monotonic milliseconds (real time, independent of the catalogue's clock). */
export function createTokenBucket(options: RateOptions, clockMs: () => number): TokenBucket {
  let tokens = options.burst;
  let last = clockMs();
  return {
    take() {
      const now = clockMs();
      tokens = Math.min(options.burst, tokens + ((now - last) / 1000) * options.perSecond);
      last = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
