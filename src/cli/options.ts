import type { Argv } from 'yargs';
import { VARIABLES } from '../config.js';

const DESCRIPTIONS: Record<string, string> = {
  'kalshi-api-url': 'Kalshi REST base URL incl. /trade-api/v2 [KALSHI_API_URL]',
  'kalshi-api-key-id': 'Kalshi API key id; with the key file every request is signed [KALSHI_API_KEY_ID]',
  'kalshi-private-key-file': 'PEM file of the Kalshi RSA private key [KALSHI_PRIVATE_KEY_FILE]',
  'kalshi-read-rate': 'requests per second to Kalshi (default 20 signed, 5 unsigned) [KALSHI_READ_RATE]',
  'kalshi-max-retries': 'retries of one failing Kalshi request (default 8) [KALSHI_MAX_RETRIES]',
  'kalshi-retry-budget': 'longest time one Kalshi request may spend retrying (default 120s) [KALSHI_RETRY_BUDGET]',
  'mve-filter': 'combo markets: exclude, only or include (default exclude) [KALSHI_MVE_FILTER]',
  'redis-url': 'Redis URL, rediss:// for TLS (default redis://127.0.0.1:6379) [REDIS_URL]',
  'nats-url': 'NATS server URL(s), comma-separated (default nats://127.0.0.1:4222) [NATS_URL]',
  'nats-creds-file': 'NATS credentials file [NATS_CREDS_FILE]',
  'nats-token': 'NATS token [NATS_TOKEN]',
  'pushgateway-url': 'Prometheus Pushgateway URL; unset: no metrics pushed [PUSHGATEWAY_URL]',
  'log-level': 'pino log level (default info) [LOG_LEVEL]',
  stream: 'JetStream stream name (default secmaster-ENV) [SECMASTER_STREAM]',
  'stream-max-age': 'how long the stream keeps events (default 7d) [SECMASTER_STREAM_MAX_AGE]',
  'duplicate-window': 'JetStream de-duplication window (default 26h) [SECMASTER_DUPLICATE_WINDOW]',
  'stream-replicas': 'stream replicas (default 1) [SECMASTER_STREAM_REPLICAS]',
  'lock-ttl': 'sync lock expiry, renewed while running (default 60s) [SECMASTER_LOCK_TTL]',
  overlap: 'incremental look-back before the watermark (default 120s) [SECMASTER_INCREMENTAL_OVERLAP]',
  'settled-retention': 'how long settled markets stay cached (default 3d) [SECMASTER_SETTLED_RETENTION]',
  'max-remove-share': 'largest share of the cache one full sync may remove (default 0.1) [SECMASTER_MAX_REMOVE_SHARE]',
  'remove-allowance': 'removals always allowed whatever the share (default 10) [SECMASTER_REMOVE_ALLOWANCE]',
  'skip-outside-trading-hours': 'incremental runs exit 0 when Kalshi trading is closed [SECMASTER_SKIP_OUTSIDE_TRADING_HOURS]',
};

/** The configuration flags every command accepts; each overrides its environment variable. */
export function withConfigOptions<T>(y: Argv<T>): Argv<T> {
  let out = y;
  for (const flag of Object.values(VARIABLES)) {
    if (flag === 'env') continue;
    out = out.option(flag, { type: 'string', describe: DESCRIPTIONS[flag] ?? flag, group: 'Configuration:', hidden: false });
  }
  return out;
}
