export type SimErrorCode = 'not_found' | 'invalid_transition' | 'invalid_argument';

/** Raised by catalogue operations; the admin API maps `code` to 404, 409 and 400. */
export class SimError extends Error {
  override name = 'SimError';
  readonly code: SimErrorCode;

  constructor(code: SimErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
