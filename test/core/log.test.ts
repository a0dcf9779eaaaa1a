// The logger counts repeats of a warning instead of writing each one (fake timers: the windows are what is under test).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../src/core/log.js';

/** A non-terminal stream (JSON lines) that keeps what was written. */
function capture() {
  const lines: { level: string; msg: string; [field: string]: unknown }[] = [];
  const stream = { isTTY: false, write: (s: string) => lines.push(JSON.parse(s) as (typeof lines)[number]) };
  return { lines, stream: stream as unknown as NodeJS.WriteStream };
}

describe('createLogger: repeated warnings', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes the first of a flood at once, then one line per window with the count and the latest fields', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream, { repeatWindowMs: 30_000 });
    for (let attempt = 1; attempt <= 50; attempt++) {
      logger.warn('webhook delivery failed; retrying', { attempt });
      vi.advanceTimersByTime(100);
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', msg: 'webhook delivery failed; retrying', attempt: 1 });

    vi.advanceTimersByTime(30_000 - 5_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({
      level: 'warn',
      msg: 'webhook delivery failed; retrying: repeated 49 times in the last 30 s',
      attempt: 50,
      repeated: 49,
    });

    // The flood goes on into the next window: one more line for it.
    logger.warn('webhook delivery failed; retrying', { attempt: 51 });
    logger.warn('webhook delivery failed; retrying', { attempt: 52 });
    vi.advanceTimersByTime(30_000);
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ msg: 'webhook delivery failed; retrying: repeated 2 times in the last 30 s', attempt: 52 });
  });

  it('writes a single warning once, with no count, and writes it again at once after a quiet window', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream, { repeatWindowMs: 30_000 });
    logger.warn('feed reconnecting');
    vi.advanceTimersByTime(60_000);
    expect(lines.map((l) => l.msg)).toEqual(['feed reconnecting']);
    logger.warn('feed reconnecting');
    expect(lines.map((l) => l.msg)).toEqual(['feed reconnecting', 'feed reconnecting']);
  });

  it('keys by level and message: other messages, errors and info lines are written as they come', () => {
    const { lines, stream } = capture();
    const logger = createLogger('info', stream);
    logger.warn('a');
    logger.warn('b');
    logger.error('a');
    logger.warn('a');
    logger.info('listening');
    logger.info('listening');
    expect(lines.map((l) => `${l.level} ${l.msg}`)).toEqual(['warn a', 'warn b', 'error a', 'info listening', 'info listening']);
  });

  it('counts nothing below the level: a silent logger starts no timer', () => {
    const { lines, stream } = capture();
    const logger = createLogger('silent', stream);
    logger.warn('a');
    logger.error('a');
    expect(vi.getTimerCount()).toBe(0);
    expect(lines).toEqual([]);
  });
});
