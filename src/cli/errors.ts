import { SecmasterError, type ErrorCode } from '../core/errors.js';

const ADVICE: Partial<Record<ErrorCode, string>> = {
  USAGE: 'see --help',
  CONFIG: 'fix the setting and run again',
  UPSTREAM: 'nothing was changed; check Kalshi (KALSHI_API_URL) and run again',
  UPSTREAM_BAD_RESPONSE: 'nothing was changed; Kalshi answered something that is not its API, check KALSHI_API_URL',
  STORE: 'check that Redis answers at REDIS_URL and run again',
  JOURNAL: 'check that NATS with JetStream answers at NATS_URL and run again; committed events stay in the outbox and are published by the next run',
  LOCK_LOST: 'run again; if it keeps happening, raise SECMASTER_LOCK_TTL',
  GUARD_REFUSED: 'nothing was changed',
  ABORTED: 'run again when ready',
};

/** The one plain sentence an operator reads on a non-zero exit. */
export function sentenceFor(err: unknown): { exitCode: number; sentence: string } {
  if (err instanceof SecmasterError) {
    const advice = ADVICE[err.code];
    const msg = err.message.replace(/\.$/, '');
    const sentence = advice && !msg.includes(advice) ? `${msg}; ${advice}.` : `${msg}.`;
    return { exitCode: err.exitCode, sentence: `secmaster: ${sentence}` };
  }
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return {
    exitCode: 1,
    sentence: `secmaster: unexpected internal error, please report it as a bug with this output: ${detail}`,
  };
}
