// The signal log: every published signal and decision, numbered per symbol, kept before it is sent; read back for recovery and history.
import type { DecisionUpdate, SeqRange, SignalUpdate } from '../protocol/messages.js';

/** What the log keeps: the publications clients may need to recover (prices and agent progress are not logged). */
export type Publication = SignalUpdate | DecisionUpdate;

/** A logged publication: its per-symbol seq, when it was appended (ms since the epoch), and the message as sent. */
export interface LogRecord {
  seq: number;
  time: number;
  /** The publication's JSON exactly as it was sent (seq and epoch included). */
  json: string;
}

export interface ReadOptions {
  /** Records with a seq above this (default 0: from the oldest retained). */
  afterSeq?: number;
  /** At most this many (default 1000). */
  limit?: number;
  /** Appended at or after / before this time (ms since the epoch). */
  fromTime?: number;
  toTime?: number;
}

/** Retention per symbol: records older than `maxAgeMs` or beyond the newest `maxCount` go, but never a symbol's newest. */
export interface Retention {
  maxCount: number;
  maxAgeMs: number;
}

export const DEFAULT_RETENTION: Retention = { maxCount: 10_000, maxAgeMs: 90 * 86_400_000 };

/**
 * When the embedded log's records reach the disk itself. Every policy writes each record to the
 * operating system before `append` returns, so a killed process (kill -9) loses nothing acknowledged;
 * the policy matters only for a power loss or an OS crash: `always` loses nothing, `interval`
 * (default, every 200 ms) at most the last interval, `never` whatever the OS had not yet written.
 */
export type FsyncPolicy = 'always' | 'interval' | 'never';
export const FSYNC_POLICIES: readonly FsyncPolicy[] = ['always', 'interval', 'never'];

/**
 * Implementations: the embedded segment log (default, durable on disk) and the memory log
 * (`watch --local`: nothing survives the process). Sequence numbers start at 1 per symbol and
 * continue across restarts on the same log; `epoch` names the log, so a cursor from another log
 * is never taken for this one's.
 */
export interface SignalLog {
  readonly epoch: string;
  /**
   * Epochs this log had before `epoch`, newest first (none when it never lost its end): it took a new one on
   * losing its newest records, and the records it kept have the same seqs under the new one.
   */
  readonly earlierEpochs?: readonly string[];
  /** Numbers the publication (sets `data.seq` and `data.epoch`), keeps it durably, and returns its seq. */
  append(symbol: string, publication: Publication): Promise<number>;
  /** Records of `symbol` in seq order, as the options select. */
  read(symbol: string, options?: ReadOptions): Promise<LogRecord[]>;
  /** The newest seq of `symbol` (0 when it has none). */
  head(symbol: string): number;
  /** The oldest retained seq of `symbol` (0 when it has none). */
  oldest(symbol: string): number;
  /**
   * Seqs of `symbol` the log lost between its oldest and its head, in order: what a removed or damaged
   * segment took. Seqs are handed out one after another, so any jump between kept records is one.
   */
  gaps(symbol: string): SeqRange[];
  /** The newest publication of `symbol`, as it was sent. */
  latest(symbol: string): Publication | undefined;
  close(): Promise<void>;
}
