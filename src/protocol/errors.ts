// Every error code a client or a script can see (the CLI maps them to exit codes in src/cli/exit-codes.ts).

/** Stable machine-readable error codes: part of the public contract, never renamed. */
export const ErrorCode = {
  INVALID_JSON: 'INVALID_JSON',
  INVALID_MESSAGE: 'INVALID_MESSAGE',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  BINARY_NOT_SUPPORTED: 'BINARY_NOT_SUPPORTED',
  UNKNOWN_SYMBOL: 'UNKNOWN_SYMBOL',
  DATE_OUT_OF_RANGE: 'DATE_OUT_OF_RANGE',
  DATA_ERROR: 'DATA_ERROR',
  BAD_ARGUMENT: 'BAD_ARGUMENT',
  RATE_LIMITED: 'RATE_LIMITED',
  TOO_MANY_SUBSCRIPTIONS: 'TOO_MANY_SUBSCRIPTIONS',
  AUTH_FAILED: 'AUTH_FAILED',
  SERVER_BUSY: 'SERVER_BUSY',
  ANALYSIS_FAILED: 'ANALYSIS_FAILED',
  STATE_LOCKED: 'STATE_LOCKED',
  STATE_UNWRITABLE: 'STATE_UNWRITABLE',
  STATE_CORRUPT: 'STATE_CORRUPT',
  /** The state dir could be written by another user (its owner or mode), or holds a symlink where the server keeps a file. */
  STATE_UNSAFE: 'STATE_UNSAFE',
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** A market-data provider refused the API key. */
  PROVIDER_AUTH_FAILED: 'PROVIDER_AUTH_FAILED',
  /** A market-data provider could not be reached, or answered with an error, and nothing was cached. */
  PROVIDER_UNAVAILABLE: 'PROVIDER_UNAVAILABLE',
  /** A market-data provider's limit on symbols (or connections) is reached. */
  PROVIDER_LIMIT: 'PROVIDER_LIMIT',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes the server uses (1002 and 1007 are sent by ws itself for broken frames). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  TOO_BIG: 1009,
  TRY_AGAIN_LATER: 1013,
  TOKEN_EXPIRED: 4001,
  SLOW_CONSUMER: 4008,
} as const;

/** The reasons sent with close codes; a client tells them apart by code and, for 1008, by this text. */
export const CloseReason = {
  AUTH_FAILED: 'Authentication failed',
  RATE_LIMITED: 'rate limit exceeded',
  UNKNOWN_SYMBOL: 'unknown symbol',
  SHUTTING_DOWN: 'server shutting down',
  FULL: 'too many connections',
  TOKEN_EXPIRED: 'token expired',
  SLOW_CONSUMER: 'slow consumer',
} as const;

/** Marks SignalsError's prototype: the same symbol in every copy of the class (see `isSignalsError`). */
const BRAND = Symbol.for('signals-consensus.SignalsError');

/** An error that carries a stable code; the CLI prints its message and exits with the code's exit code. */
export class SignalsError extends Error {
  static {
    Object.defineProperty(this.prototype, BRAND, { value: true });
  }

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SignalsError';
  }
}

/**
 * Whether `error` is a SignalsError (or a subclass's), told by a mark every copy of the class carries rather than by
 * the class itself: the CLI's commands that run as ES modules (scripts/build.mjs) throw their own copy.
 */
export function isSignalsError(error: unknown): error is SignalsError {
  return error instanceof Error && (error as { [BRAND]?: boolean })[BRAND] === true;
}
