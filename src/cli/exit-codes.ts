// The CLI's process exit codes: part of its public contract (README "Exit codes"), stable like the error codes they map.
import type { ErrorCode } from '../protocol/errors.js';

/** Exit code by error code. 0 is success; 1 is an unexpected failure. */
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
  CONFIG_INVALID: 15,
  PROVIDER_AUTH_FAILED: 16,
  PROVIDER_UNAVAILABLE: 17,
  PROVIDER_LIMIT: 18,
  STATE_UNSAFE: 19,
  INTERNAL: 1,
};

/** `analyze` with several symbols: some were analysed, some failed (each failure is in the output). */
export const PARTIAL_FAILURE_EXIT = 11;
