// The process logger's interface, for every layer: core/log.ts makes one; the signal log, the providers and the transport write to it.

/** Structured log lines: a message, and fields written beside it (as JSON, or readable on a terminal). */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}
