// Synthetic daily bars written as a --data-dir, for backtests whose right answers are known by construction.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bar } from '../../src/market/types.js';

/** The first `count` weekdays from `start` (YYYY-MM-DD). */
export function weekdays(start: string, count: number): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${start}T00:00:00Z`); days.length < count; t += 86_400_000) {
    const d = new Date(t);
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) days.push(d.toISOString().slice(0, 10));
  }
  return days;
}

/**
 * A steady climb of `drift` a day with small wiggles (so volatility is not zero), opens a little off the previous
 * close: every momentum horizon is up on every day.
 */
export function ramp(count: number, drift = 0.003, start = '2015-01-05'): Bar[] {
  return weekdays(start, count).map((date, t) => {
    const close = 100 * Math.exp(drift * t) * (1 + 0.01 * Math.sin(t));
    const previous = t === 0 ? close : 100 * Math.exp(drift * (t - 1)) * (1 + 0.01 * Math.sin(t - 1));
    const open = previous * (1 + 0.002 * Math.cos(3 * t));
    return { date, open, high: Math.max(open, close) * 1.004, low: Math.min(open, close) * 0.996, close, volume: 1_000_000 + 1000 * (t % 7) };
  });
}

/** A folder with one SYMBOL.csv per entry, in the common download format. */
export function dataDir(files: Record<string, Bar[]>): string {
  const dir = mkdtempSync(join(tmpdir(), 'signals-backtest-'));
  for (const [symbol, bars] of Object.entries(files)) {
    const rows = bars.map((b) => [b.date, b.open, b.high, b.low, b.close, b.volume].join(','));
    writeFileSync(join(dir, `${symbol}.csv`), ['Date,Open,High,Low,Close,Volume', ...rows, ''].join('\n'));
  }
  return dir;
}
