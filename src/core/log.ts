// Structured logs: JSON lines on stderr, or readable lines when stderr is a terminal; repeated warnings are counted, not flooded.
import type { Logger } from '../logger.js';

/** Defined in src/logger.ts, where every layer can see it; named here too beside createLogger, which makes one. */
export type { Logger };

export const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type Level = (typeof LEVELS)[number];

export interface LoggerOptions {
  /** How long repeats of one warning or error are counted before a line says how many there were. Default 60 s. */
  repeatWindowMs?: number;
}

/**
 * A logger at `level`. A warning or error whose message was written less than `repeatWindowMs` ago is not written
 * again: a webhook retrying an unreachable host forever would otherwise write a line per attempt. The first is
 * written at once; at the end of each window in which it came back, one line says how many times (with the fields
 * of the latest repeat). The message alone is the key, so that fields that change on every attempt do not defeat it.
 * @example
 * const logger = createLogger('info');
 * for (let i = 0; i < 100; i++) logger.warn('webhook delivery failed; retrying', { attempt: i + 1 });
 * // one line now; a minute later: "webhook delivery failed; retrying: repeated 99 times in the last 60 s"
 */
export function createLogger(level: Level, stream: NodeJS.WriteStream = process.stderr, options: LoggerOptions = {}): Logger {
  const threshold = LEVELS.indexOf(level);
  const readable = stream.isTTY === true;
  const windowMs = options.repeatWindowMs ?? 60_000;
  const write = (lvl: Level, msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS.indexOf(lvl) < threshold) return;
    const time = new Date().toISOString();
    if (readable) {
      const extra = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      stream.write(`${time.slice(11, 19)} ${lvl.toUpperCase().padEnd(5)} ${msg}${extra ? `  ${extra}` : ''}\n`);
    } else {
      stream.write(`${JSON.stringify({ time, level: lvl, msg, ...fields })}\n`);
    }
  };

  const repeats = new Map<string, { count: number; fields: Record<string, unknown> | undefined }>();
  const limited = (lvl: 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS.indexOf(lvl) < threshold) return;
    const key = `${lvl} ${msg}`;
    const seen = repeats.get(key);
    if (seen) {
      seen.count += 1;
      seen.fields = fields;
      return;
    }
    write(lvl, msg, fields);
    const entry = { count: 0, fields };
    repeats.set(key, entry);
    const endOfWindow = () => {
      if (entry.count === 0) return void repeats.delete(key);
      const seconds = Number((windowMs / 1000).toFixed(1));
      write(lvl, `${msg}: repeated ${entry.count} times in the last ${seconds} s`, { ...entry.fields, repeated: entry.count });
      entry.count = 0;
      // A flood that goes on gets one line per window; the window after a quiet one forgets the message.
      setTimeout(endOfWindow, windowMs).unref();
    };
    // unref: a pending count never keeps a finished process alive.
    setTimeout(endOfWindow, windowMs).unref();
  };

  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => limited('warn', m, f),
    error: (m, f) => limited('error', m, f),
  };
}
