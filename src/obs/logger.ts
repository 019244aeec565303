import { pino, type Logger as PinoLogger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object; secrets never reach logs. */
export const REDACT_PATHS = [
  'privateKey',
  'privateKeyPem',
  '*.privateKey',
  '*.privateKeyPem',
  'token',
  '*.token',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'headers["kalshi-access-signature"]',
  '*.headers["kalshi-access-signature"]',
];

/** pino JSON logs on stderr (stdout is kept for the command's own output). */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): PinoLogger {
  return pino(
    {
      level,
      base: { service: 'secmaster' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** Removes user and password from a URL before it is logged or printed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.username ? '***' : '';
      u.password = u.password ? '***' : '';
    }
    return u.toString();
  } catch {
    return '[unparsable url]';
  }
}
