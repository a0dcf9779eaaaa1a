// Structured logs: JSON lines on stderr, or readable lines when stderr is a terminal.

export const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type Level = (typeof LEVELS)[number];

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export function createLogger(level: Level, stream: NodeJS.WriteStream = process.stderr): Logger {
  const threshold = LEVELS.indexOf(level);
  const readable = stream.isTTY === true;
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
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}
