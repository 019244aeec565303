import { constants, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MarketSource } from '../../src/core/ports.js';
import { createKalshiClient } from '../../src/kalshi/index.js';
import { createRequestSigner, signingPayload } from '../../src/kalshi/signing.js';
import {
  kalshiMarket,
  recordingLogger,
  sendJson,
  startServer,
  type Handler,
  type RecordedRequest,
  type TestServer,
} from '../helpers/http-server.js';

const KEY_ID = '3f0c6f0e-6a3c-4f39-9d8e-0c8a0b6c1d2e';
let publicKey: KeyObject;
let privateKeyPem: string;
let pkcs1Pem: string;
let server: TestServer | undefined;
let client: MarketSource | undefined;

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  publicKey = pair.publicKey;
  privateKeyPem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  pkcs1Pem = pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
});

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

afterAll(() => {
  privateKeyPem = '';
});

/** What Kalshi does: verify RSA-PSS SHA-256 (salt = digest length) over timestamp + METHOD + path. */
function verifyKalshiSignature(request: RecordedRequest): boolean {
  const timestamp = String(request.headers['kalshi-access-timestamp']);
  const signature = Buffer.from(String(request.headers['kalshi-access-signature']), 'base64');
  return verify('sha256', Buffer.from(`${timestamp}${request.method}${request.path}`), {
    key: publicKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }, signature);
}

/** A server that rejects requests whose signature does not verify, as Kalshi would. */
const verifying = (inner: Handler): Handler => (req, res, request) => {
  if (!verifyKalshiSignature(request)) return sendJson(res, 401, { error: { code: 'unauthorized', message: 'bad signature' } });
  return inner(req, res, request);
};

describe('Kalshi client: request signing', () => {
  it('signs every request, paginated walks and look-ups included, in a way the server can verify', async () => {
    server = await startServer(verifying((_req, res, request) => {
      if (request.path.endsWith('/markets')) {
        const cursor = request.query.get('cursor');
        return sendJson(res, 200, { markets: [kalshiMarket(cursor ?? 'FIRST')], cursor: cursor === null ? 'NEXT==' : '' });
      }
      return sendJson(res, 200, { market_settled_ts: '2026-06-25T00:00:00Z' });
    }));
    client = createKalshiClient({ baseUrl: server.baseUrl, signer: { keyId: KEY_ID, privateKeyPem }, rate: 1000 });
    const before = Date.now();
    const tickers: string[] = [];
    for await (const page of client.markets({ status: 'open' })) tickers.push(...page.markets.map((m) => m.ticker));
    await client.historicalCutoff();
    expect(tickers).toEqual(['FIRST', 'NEXT==']);
    expect(server.requests).toHaveLength(3);
    for (const request of server.requests) {
      expect(request.headers['kalshi-access-key']).toBe(KEY_ID);
      const ts = Number(request.headers['kalshi-access-timestamp']);
      expect(Number.isInteger(ts)).toBe(true);
      expect(ts).toBeGreaterThanOrEqual(before);
      expect(ts).toBeLessThanOrEqual(Date.now());
      expect(verifyKalshiSignature(request)).toBe(true);
    }
    // The signed path carries the API prefix and no query string.
    expect(server.requests[1]?.path).toBe('/trade-api/v2/markets');
    expect(server.requests[1]?.rawQuery).toContain('cursor=NEXT%3D%3D');
  });

  it('re-signs each retry with a fresh timestamp', async () => {
    let n = 0;
    server = await startServer(verifying((_req, res) => {
      n += 1;
      if (n < 3) return sendJson(res, 503, { error: { code: 'unavailable', message: 'unavailable' } });
      return sendJson(res, 200, { exchange_active: true, trading_active: false });
    }));
    client = createKalshiClient({ baseUrl: server.baseUrl, signer: { keyId: KEY_ID, privateKeyPem: pkcs1Pem }, rate: 1000, retryBaseMs: 20, retryMaxMs: 20 });
    await expect(client.exchangeStatus()).resolves.toMatchObject({ exchange_active: true, trading_active: false });
    const signatures = new Set(server.requests.map((r) => r.headers['kalshi-access-signature']));
    expect(signatures.size).toBe(3);
  });

  it('is not retried when Kalshi rejects the signature, and says what to check', async () => {
    server = await startServer(verifying((_req, res) => sendJson(res, 200, { exchange_active: true, trading_active: true })));
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    client = createKalshiClient({ baseUrl: server.baseUrl, signer: { keyId: KEY_ID, privateKeyPem: otherKey }, rate: 1000 });
    await expect(client.exchangeStatus()).rejects.toMatchObject({
      code: 'UPSTREAM',
      status: 401,
      message: expect.stringMatching(/HTTP 401: unauthorized: bad signature\. Check KALSHI_API_KEY_ID/),
    });
    expect(server.requests).toHaveLength(1);
  });

  it('sends no Kalshi headers without a signer', async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { exchange_active: true, trading_active: true }));
    client = createKalshiClient({ baseUrl: server.baseUrl });
    await client.exchangeStatus();
    expect(Object.keys(server.requests[0]!.headers).filter((h) => h.startsWith('kalshi-'))).toEqual([]);
    expect(server.requests[0]?.headers['user-agent']).toMatch(/secmaster/);
  });

  it('matches the documented string to sign', () => {
    expect(signingPayload('1703123456789', 'get', '/trade-api/v2/portfolio/orders')).toBe('1703123456789GET/trade-api/v2/portfolio/orders');
    const signer = createRequestSigner({ keyId: KEY_ID, privateKeyPem });
    const headers = signer.headers('GET', '/trade-api/v2/markets', 1703123456789);
    expect(headers['KALSHI-ACCESS-TIMESTAMP']).toBe('1703123456789');
    expect(verify('sha256', Buffer.from('1703123456789GET/trade-api/v2/markets'), {
      key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    }, Buffer.from(headers['KALSHI-ACCESS-SIGNATURE'], 'base64'))).toBe(true);
  });

  it('never lets the private key reach logs or errors', async () => {
    const { logger, entries } = recordingLogger();
    server = await startServer((_req, res, request) => {
      if (request.path.endsWith('/exchange/status')) return sendJson(res, 503, { error: 'unavailable' });
      if (request.path.endsWith('/historical/cutoff')) { res.socket?.destroy(); return; }
      return sendJson(res, 400, { error: { code: 'bad_request', message: 'bad request', details: 'nope' } });
    });
    client = createKalshiClient({
      baseUrl: server.baseUrl, signer: { keyId: KEY_ID, privateKeyPem }, rate: 1000, logger,
      maxRetries: 2, retryBaseMs: 1, retryMaxMs: 2,
    });
    const errors = await Promise.all([
      client.exchangeStatus().catch((e: unknown) => e),
      client.historicalCutoff().catch((e: unknown) => e),
      client.allSeries().catch((e: unknown) => e),
    ]);
    const badKey = (() => {
      try {
        createKalshiClient({ signer: { keyId: KEY_ID, privateKeyPem: privateKeyPem.replace(/[A-Za-z]/g, 'A') } });
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(badKey).toMatchObject({ name: 'ConfigError', code: 'CONFIG' });
    errors.push(badKey);

    const dump = [
      ...errors.map((e) => inspect(e, { depth: 10, showHidden: true })),
      ...entries.map((e) => inspect(e, { depth: 10 })),
      inspect(client, { depth: 10, showHidden: true }),
    ].join('\n');
    expect(entries.some((e) => e.level === 'warn')).toBe(true);
    const secretLines = privateKeyPem.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'));
    expect(secretLines.length).toBeGreaterThan(5);
    for (const line of secretLines) expect(dump).not.toContain(line.slice(0, 24));
    expect(dump).not.toContain('PRIVATE KEY');
  });

  it('refuses an unusable key with a ConfigError', () => {
    expect(() => createKalshiClient({ signer: { keyId: KEY_ID, privateKeyPem: 'not a key' } })).toThrow(/private key could not be read/);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createKalshiClient({ signer: { keyId: KEY_ID, privateKeyPem: ec } })).toThrow('is an ec key, not RSA');
    expect(() => createKalshiClient({ signer: { keyId: ' ', privateKeyPem } })).toThrow(/key id is empty/);
  });
});
