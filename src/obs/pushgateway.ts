/**
 * The few Pushgateway calls secmaster makes, over fetch() so that one deadline covers the whole
 * request (prom-client's own Pushgateway only has a socket idle timeout).
 */

export interface PushGroupRequest {
  /** Base URL, with an optional path prefix: `http://host:9091` or `http://host/pushgateway`. */
  url: string;
  /** PUT replaces the whole group, POST replaces same-named metrics, DELETE drops the group. */
  method: 'PUT' | 'POST' | 'DELETE';
  /** `job` first, then the other grouping labels, in order. */
  grouping: { job: string } & Record<string, string>;
  body?: string;
  contentType?: string;
  timeoutMs: number;
}

export class PushgatewayError extends Error {
  override name = 'PushgatewayError';
  readonly status: number | null;
  constructor(message: string, options?: ErrorOptions & { status?: number | null }) {
    super(message, options);
    this.status = options?.status ?? null;
  }
}

/**
 * One path segment pair of the grouping key. A value that is empty or contains `/` cannot be a
 * plain path segment, so it goes in the Pushgateway's `label@base64/<base64url>` form.
 */
function labelSegment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (value.includes('/')) return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
  return `${name}/${encodeURIComponent(value)}`;
}

/** The URL of a group: `<base>/metrics/job/<job>/<label>/<value>...`. */
export function groupUrl(base: string, grouping: PushGroupRequest['grouping']): string {
  const { job, ...labels } = grouping;
  const parsed = new URL(base);
  const prefix = parsed.pathname.replace(/\/+$/, '');
  const segments = [labelSegment('job', job), ...Object.entries(labels).map(([k, v]) => labelSegment(k, v))];
  parsed.pathname = `${prefix}/metrics/${segments.join('/')}`;
  parsed.search = '';
  parsed.hash = '';
  return parsed.toString();
}

/** The URL without user info, for logs: a Pushgateway behind basic auth has its password in it. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = 'redacted';
      parsed.password = '';
    }
    return parsed.toString();
  } catch {
    return '<invalid url>';
  }
}

/** Sends one request to the Pushgateway; rejects on a network error, a timeout or a status >= 400. */
export async function pushGroup(request: PushGroupRequest): Promise<void> {
  const target = new URL(groupUrl(request.url, request.grouping));
  const headers: Record<string, string> = {};
  // fetch() refuses URLs with credentials: send them as a basic auth header instead.
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  if (request.contentType) headers['content-type'] = request.contentType;

  let response: Response;
  try {
    response = await fetch(target, {
      method: request.method,
      headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
    throw new PushgatewayError(
      timedOut ? `Pushgateway did not answer within ${request.timeoutMs} ms` : 'Pushgateway could not be reached',
      { cause: err },
    );
  }
  const text = await response.text().catch(() => '');
  if (response.status >= 400) {
    throw new PushgatewayError(`Pushgateway answered ${response.status}: ${text.trim().slice(0, 300)}`, {
      status: response.status,
    });
  }
}
