/** Small HTTP helpers for `serve`: JSON replies, errors as data, bearer tokens. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error the server answers with its status and a JSON body `{"error":{"code","message"}}`. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ error: { code, message, ...extra } });
}

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
  res.end(`${body}`);
}

export function sendError(res: ServerResponse, err: HttpError): void {
  sendJson(res, err.status, errorBody(err.code, err.message, err.extra), err.headers);
}

/** The token of an `Authorization: Bearer <token>` header; null when there is none. */
export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (header === undefined) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? null : m[1]!;
}

/** Constant-time comparison (hashes first, so lengths do not leak either). */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Throws 401 unless the request carries the token. */
export function requireToken(req: IncomingMessage, expected: string): void {
  const given = bearerToken(req);
  const challenge = { 'www-authenticate': 'Bearer realm="secmaster"' };
  if (given === null) throw new HttpError(401, 'unauthorized', 'send the token as Authorization: Bearer <token>', {}, challenge);
  if (!tokensMatch(given, expected)) throw new HttpError(401, 'unauthorized', 'the bearer token is not valid', {}, challenge);
}
