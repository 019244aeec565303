import { constants, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { ConfigError } from '../core/errors.js';

/** Kalshi API credentials. The private key stays inside the signer; nothing here logs or echoes it. */
export interface KalshiSignerConfig {
  /** The API key id (a UUID) sent as `KALSHI-ACCESS-KEY`. */
  keyId: string;
  /** PEM of the RSA private key (PKCS#1 or PKCS#8). */
  privateKeyPem: string;
}

export type SignedHeaders = Record<'KALSHI-ACCESS-KEY' | 'KALSHI-ACCESS-TIMESTAMP' | 'KALSHI-ACCESS-SIGNATURE', string>;

export interface RequestSigner {
  /**
   * Headers for one request. `path` is the URL path from the host on, including `/trade-api/v2`
   * and without the query string, exactly as Kalshi verifies it.
   */
  headers(method: string, path: string, nowMs?: number): SignedHeaders;
}

/** The string Kalshi signs: `timestamp + METHOD + path`, no separators. */
export function signingPayload(timestampMs: string, method: string, path: string): string {
  return `${timestampMs}${method.toUpperCase()}${path}`;
}

/** RSA-PSS with SHA-256, MGF1(SHA-256), salt length = digest length; standard base64. */
export function signPayload(key: KeyObject, payload: string): string {
  return sign('sha256', Buffer.from(payload, 'utf8'), {
    key,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }).toString('base64');
}

export function createRequestSigner(config: KalshiSignerConfig): RequestSigner {
  const keyId = config.keyId.trim();
  if (keyId === '') throw new ConfigError('Kalshi API key id is empty; set KALSHI_API_KEY_ID to the key id shown by Kalshi.');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: config.privateKeyPem, format: 'pem' });
  } catch (err) {
    // Deliberately no `cause` and no echo of the input: the error must not carry key material.
    const reason = typeof err === 'object' && err !== null && 'code' in err ? ` (${String((err as { code: unknown }).code)})` : '';
    throw new ConfigError(`Kalshi private key could not be read${reason}; KALSHI_PRIVATE_KEY_FILE must hold an RSA private key in PEM form.`);
  }
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
    throw new ConfigError(`Kalshi private key is an ${key.asymmetricKeyType ?? 'unknown'} key, not RSA; Kalshi signs with RSA-PSS, so KALSHI_PRIVATE_KEY_FILE must hold an RSA private key.`);
  }
  return {
    headers(method, path, nowMs = Date.now()) {
      const timestamp = String(Math.trunc(nowMs));
      return {
        'KALSHI-ACCESS-KEY': keyId,
        'KALSHI-ACCESS-TIMESTAMP': timestamp,
        'KALSHI-ACCESS-SIGNATURE': signPayload(key, signingPayload(timestamp, method, path)),
      };
    },
  };
}
