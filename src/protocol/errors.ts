// Every error code a client or a script can see, with the CLI exit code it maps to.

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
  CONNECTION_FAILED: 'CONNECTION_FAILED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Process exit codes of the CLI, by error code. 0 is success; 1 is an unexpected failure. */
export const ExitCode: Record<ErrorCode, number> = {
  BAD_ARGUMENT: 2,
  INVALID_JSON: 2,
  INVALID_MESSAGE: 2,
  UNKNOWN_TYPE: 2,
  BINARY_NOT_SUPPORTED: 2,
  TOO_MANY_SUBSCRIPTIONS: 2,
  UNKNOWN_SYMBOL: 3,
  DATE_OUT_OF_RANGE: 4,
  DATA_ERROR: 5,
  CONNECTION_FAILED: 6,
  AUTH_FAILED: 7,
  RATE_LIMITED: 8,
  SERVER_BUSY: 9,
  ANALYSIS_FAILED: 10,
  STATE_LOCKED: 12,
  STATE_UNWRITABLE: 13,
  STATE_CORRUPT: 14,
  INTERNAL: 1,
};

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

/** An error that carries a stable code; the CLI prints its message and exits with ExitCode[code]. */
export class SignalsError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SignalsError';
  }
}
