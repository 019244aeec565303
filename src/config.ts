/**
 * Configuration: environment variables, each overridable by a CLI flag (CONTRACT section 2).
 * `parseConfig` is pure: it returns a config or the list of `NAME: message` problems.
 */
import { z } from 'zod';
import { parseDuration } from './core/duration.js';
import { isValidEnv } from './core/keys.js';
import { defaultStreamName } from './core/keys.js';
import type { MveFilter } from './core/ports.js';

export const DEFAULT_PROD_API_URL = 'https://external-api.kalshi.com/trade-api/v2';
export const DEFAULT_DEMO_API_URL = 'https://external-api.demo.kalshi.co/trade-api/v2';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
export const DEFAULT_SIGNED_RATE = 20;
export const DEFAULT_UNSIGNED_RATE = 5;

export interface Config {
  env: string;
  kalshi: {
    apiUrl: string;
    keyId: string | null;
    privateKeyFile: string | null;
    readRate: number;
    maxRetries: number;
    retryBudgetMs: number;
    mveFilter: MveFilter | null;
  };
  redisUrl: string;
  nats: { servers: string[]; credsFile: string | null; token: string | null };
  stream: { name: string; maxAgeSeconds: number; duplicateWindowSeconds: number; replicas: number };
  pushgatewayUrl: string | null;
  logLevel: string;
  sync: {
    lockTtlMs: number;
    overlapSeconds: number;
    retentionSeconds: number;
    maxRemoveShare: number;
    removeAllowance: number;
    skipOutsideTradingHours: boolean;
  };
}

/** Every variable secmaster reads, with the CLI flag that overrides it. */
export const VARIABLES = {
  SECMASTER_ENV: 'env',
  KALSHI_API_URL: 'kalshi-api-url',
  KALSHI_API_KEY_ID: 'kalshi-api-key-id',
  KALSHI_PRIVATE_KEY_FILE: 'kalshi-private-key-file',
  KALSHI_READ_RATE: 'kalshi-read-rate',
  KALSHI_MVE_FILTER: 'mve-filter',
  KALSHI_MAX_RETRIES: 'kalshi-max-retries',
  KALSHI_RETRY_BUDGET: 'kalshi-retry-budget',
  REDIS_URL: 'redis-url',
  NATS_URL: 'nats-url',
  NATS_CREDS_FILE: 'nats-creds-file',
  NATS_TOKEN: 'nats-token',
  PUSHGATEWAY_URL: 'pushgateway-url',
  LOG_LEVEL: 'log-level',
  SECMASTER_STREAM: 'stream',
  SECMASTER_STREAM_MAX_AGE: 'stream-max-age',
  SECMASTER_DUPLICATE_WINDOW: 'duplicate-window',
  SECMASTER_STREAM_REPLICAS: 'stream-replicas',
  SECMASTER_LOCK_TTL: 'lock-ttl',
  SECMASTER_INCREMENTAL_OVERLAP: 'overlap',
  SECMASTER_SETTLED_RETENTION: 'settled-retention',
  SECMASTER_MAX_REMOVE_SHARE: 'max-remove-share',
  SECMASTER_REMOVE_ALLOWANCE: 'remove-allowance',
  SECMASTER_SKIP_OUTSIDE_TRADING_HOURS: 'skip-outside-trading-hours',
} as const;

export type VariableName = keyof typeof VARIABLES;
export type RawConfig = Partial<Record<VariableName, string | undefined>>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optional = z.string().trim().optional().transform((v) => (v === undefined || v === '' ? undefined : v));
const duration = (name: string) =>
  optional.refine((v) => v === undefined || parseDuration(v) !== null, { message: `${name} must be a duration such as 90s, 30m, 24h or 7d` });
const url = (schemes: string[]) =>
  optional.refine(
    (v) => v === undefined || v.split(',').every((u) => { try { return schemes.includes(new URL(u.trim()).protocol); } catch { return false; } }),
    { message: `must be a URL with scheme ${schemes.map((s) => s.replace(':', '')).join(' or ')}` },
  );

const schema = z.object({
  SECMASTER_ENV: optional.refine((v) => v !== undefined, { message: 'ENV is required: pass it as an argument or set SECMASTER_ENV' })
    .refine((v) => v === undefined || isValidEnv(v), { message: 'ENV must match ^[a-z0-9][a-z0-9-]{0,62}$ (lower-case letters, digits, dashes)' }),
  KALSHI_API_URL: url(['http:', 'https:']),
  KALSHI_API_KEY_ID: optional,
  KALSHI_PRIVATE_KEY_FILE: optional,
  KALSHI_READ_RATE: optional.refine((v) => v === undefined || (Number(v) > 0 && Number(v) <= 1000), { message: 'must be a number of requests per second between 0 and 1000' }),
  KALSHI_MVE_FILTER: optional.refine((v) => v === undefined || ['exclude', 'only', 'include'].includes(v), { message: 'must be exclude, only or include' }),
  KALSHI_MAX_RETRIES: optional.refine((v) => v === undefined || /^\d{1,2}$/.test(v), { message: 'must be a whole number of retries (0-99)' }),
  KALSHI_RETRY_BUDGET: duration('KALSHI_RETRY_BUDGET'),
  REDIS_URL: url(['redis:', 'rediss:']),
  NATS_URL: url(['nats:', 'tls:', 'ws:', 'wss:']),
  NATS_CREDS_FILE: optional,
  NATS_TOKEN: optional,
  PUSHGATEWAY_URL: url(['http:', 'https:']),
  LOG_LEVEL: optional.refine((v) => v === undefined || (LOG_LEVELS as readonly string[]).includes(v), { message: `must be one of ${LOG_LEVELS.join(', ')}` }),
  SECMASTER_STREAM: optional.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,64}$/.test(v), { message: 'must be a JetStream stream name (letters, digits, _ and -)' }),
  SECMASTER_STREAM_MAX_AGE: duration('SECMASTER_STREAM_MAX_AGE'),
  SECMASTER_DUPLICATE_WINDOW: duration('SECMASTER_DUPLICATE_WINDOW'),
  SECMASTER_STREAM_REPLICAS: optional.refine((v) => v === undefined || /^[1-5]$/.test(v), { message: 'must be 1 to 5' }),
  SECMASTER_LOCK_TTL: duration('SECMASTER_LOCK_TTL'),
  SECMASTER_INCREMENTAL_OVERLAP: duration('SECMASTER_INCREMENTAL_OVERLAP'),
  SECMASTER_SETTLED_RETENTION: duration('SECMASTER_SETTLED_RETENTION'),
  SECMASTER_MAX_REMOVE_SHARE: optional.refine((v) => v === undefined || (Number(v) >= 0 && Number(v) <= 1), { message: 'must be a share between 0 and 1' }),
  SECMASTER_REMOVE_ALLOWANCE: optional.refine((v) => v === undefined || /^\d+$/.test(v), { message: 'must be a whole number' }),
  SECMASTER_SKIP_OUTSIDE_TRADING_HOURS: optional.refine((v) => v === undefined || ['true', 'false', '1', '0'].includes(v), { message: 'must be true or false' }),
});

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Pure: variables (environment merged with flags) -> Config or `NAME (--flag): message` errors. */
export function parseConfig(raw: RawConfig): ConfigResult {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => {
        const name = String(i.path[0] ?? '');
        const flag = VARIABLES[name as VariableName];
        return name === 'SECMASTER_ENV' ? i.message : `${name} (--${flag}): ${i.message}`;
      }),
    };
  }
  const v = parsed.data;
  const errors: string[] = [];
  if ((v.KALSHI_API_KEY_ID === undefined) !== (v.KALSHI_PRIVATE_KEY_FILE === undefined)) {
    errors.push('KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_FILE go together: set both to sign requests, or neither');
  }
  if (v.NATS_CREDS_FILE !== undefined && v.NATS_TOKEN !== undefined) {
    errors.push('NATS_CREDS_FILE and NATS_TOKEN are alternatives: set one of them');
  }
  const ms = (text: string | undefined, fallback: number) => (text === undefined ? fallback : parseDuration(text)!);
  const maxAge = ms(v.SECMASTER_STREAM_MAX_AGE, 7 * 86_400_000) / 1000;
  const dupWindow = ms(v.SECMASTER_DUPLICATE_WINDOW, 26 * 3_600_000) / 1000;
  if (dupWindow > maxAge) errors.push('SECMASTER_DUPLICATE_WINDOW must not be longer than SECMASTER_STREAM_MAX_AGE');
  if (errors.length > 0) return { ok: false, errors };

  const env = v.SECMASTER_ENV!;
  const signed = v.KALSHI_API_KEY_ID !== undefined;
  const mve = v.KALSHI_MVE_FILTER ?? 'exclude';
  return {
    ok: true,
    config: {
      env,
      kalshi: {
        apiUrl: (v.KALSHI_API_URL ?? (env.endsWith('-demo') ? DEFAULT_DEMO_API_URL : DEFAULT_PROD_API_URL)).replace(/\/+$/, ''),
        keyId: v.KALSHI_API_KEY_ID ?? null,
        privateKeyFile: v.KALSHI_PRIVATE_KEY_FILE ?? null,
        readRate: v.KALSHI_READ_RATE !== undefined ? Number(v.KALSHI_READ_RATE) : signed ? DEFAULT_SIGNED_RATE : DEFAULT_UNSIGNED_RATE,
        maxRetries: v.KALSHI_MAX_RETRIES !== undefined ? Number(v.KALSHI_MAX_RETRIES) : 8,
        retryBudgetMs: ms(v.KALSHI_RETRY_BUDGET, 120_000),
        mveFilter: mve === 'include' ? null : (mve as MveFilter),
      },
      redisUrl: v.REDIS_URL ?? DEFAULT_REDIS_URL,
      nats: {
        servers: (v.NATS_URL ?? DEFAULT_NATS_URL).split(',').map((s) => s.trim()).filter(Boolean),
        credsFile: v.NATS_CREDS_FILE ?? null,
        token: v.NATS_TOKEN ?? null,
      },
      stream: {
        name: v.SECMASTER_STREAM ?? defaultStreamName(env),
        maxAgeSeconds: maxAge,
        duplicateWindowSeconds: dupWindow,
        replicas: v.SECMASTER_STREAM_REPLICAS !== undefined ? Number(v.SECMASTER_STREAM_REPLICAS) : 1,
      },
      pushgatewayUrl: v.PUSHGATEWAY_URL ?? null,
      logLevel: v.LOG_LEVEL ?? 'info',
      sync: {
        lockTtlMs: ms(v.SECMASTER_LOCK_TTL, 60_000),
        overlapSeconds: ms(v.SECMASTER_INCREMENTAL_OVERLAP, 120_000) / 1000,
        retentionSeconds: ms(v.SECMASTER_SETTLED_RETENTION, 3 * 86_400_000) / 1000,
        maxRemoveShare: v.SECMASTER_MAX_REMOVE_SHARE !== undefined ? Number(v.SECMASTER_MAX_REMOVE_SHARE) : 0.1,
        removeAllowance: v.SECMASTER_REMOVE_ALLOWANCE !== undefined ? Number(v.SECMASTER_REMOVE_ALLOWANCE) : 10,
        skipOutsideTradingHours: ['true', '1'].includes(v.SECMASTER_SKIP_OUTSIDE_TRADING_HOURS ?? 'false'),
      },
    },
  };
}
