/**
 * The closed set of errors secmaster raises. The CLI maps `exitCode` to the process exit code
 * and prints `message` as the one sentence an operator reads; match on `code`, never on text.
 */
export type ErrorCode =
  | 'USAGE'
  | 'CONFIG'
  | 'BAD_INPUT'
  | 'UPSTREAM'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'STORE'
  | 'JOURNAL'
  | 'LOCK_LOST'
  | 'GUARD_REFUSED'
  | 'ABORTED'
  | 'NOT_FOUND';

const EXIT_CODES: Record<ErrorCode, 1 | 2 | 3> = {
  USAGE: 2,
  CONFIG: 2,
  BAD_INPUT: 2,
  UPSTREAM: 1,
  UPSTREAM_BAD_RESPONSE: 1,
  STORE: 1,
  JOURNAL: 1,
  LOCK_LOST: 1,
  GUARD_REFUSED: 3,
  ABORTED: 1,
  NOT_FOUND: 1,
};

export class SecmasterError extends Error {
  override name = 'SecmasterError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }

  get exitCode(): 1 | 2 | 3 {
    return EXIT_CODES[this.code];
  }
}

export class UsageError extends SecmasterError {
  override name = 'UsageError';
  constructor(message: string, options?: ErrorOptions) {
    super('USAGE', message, options);
  }
}

export class ConfigError extends SecmasterError {
  override name = 'ConfigError';
  constructor(message: string, options?: ErrorOptions) {
    super('CONFIG', message, options);
  }
}

export class BadInputError extends SecmasterError {
  override name = 'BadInputError';
  constructor(message: string, options?: ErrorOptions) {
    super('BAD_INPUT', message, options);
  }
}

/** Kalshi could not be reached or kept failing after retries. */
export class UpstreamError extends SecmasterError {
  override name = 'UpstreamError';
  readonly status: number | null;
  constructor(message: string, options?: ErrorOptions & { status?: number | null; code?: 'UPSTREAM' | 'UPSTREAM_BAD_RESPONSE' }) {
    super(options?.code ?? 'UPSTREAM', message, options);
    this.status = options?.status ?? null;
  }
}

export class StoreError extends SecmasterError {
  override name = 'StoreError';
  constructor(message: string, options?: ErrorOptions) {
    super('STORE', message, options);
  }
}

export class JournalError extends SecmasterError {
  override name = 'JournalError';
  constructor(message: string, options?: ErrorOptions) {
    super('JOURNAL', message, options);
  }
}

export class LockLostError extends SecmasterError {
  override name = 'LockLostError';
  constructor(message: string, options?: ErrorOptions) {
    super('LOCK_LOST', message, options);
  }
}

export class GuardRefusedError extends SecmasterError {
  override name = 'GuardRefusedError';
  constructor(message: string, options?: ErrorOptions) {
    super('GUARD_REFUSED', message, options);
  }
}

export class AbortedError extends SecmasterError {
  override name = 'AbortedError';
  constructor(message: string, options?: ErrorOptions) {
    super('ABORTED', message, options);
  }
}

export class NotFoundError extends SecmasterError {
  override name = 'NotFoundError';
  constructor(message: string, options?: ErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}

export function isSecmasterError(err: unknown): err is SecmasterError {
  return err instanceof SecmasterError;
}
