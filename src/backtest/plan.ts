// Which days a backtest analyses for a symbol: every n-th trading day of the window that has a next open to trade at.
import { BAR_WINDOW } from '../market/snapshot.js';
import type { Bar, Rows } from '../market/types.js';
import { upperBound } from '../market/types.js';
import { SignalsError } from '../protocol/errors.js';

export interface Window {
  from?: string | undefined;
  to?: string | undefined;
  every: number;
}

/**
 * The bar indices of a symbol's steps. Without `from`, the first day with a full snapshot of history
 * (300 bars); without `to`, the last bar. A step needs the next bar's open, so the last bar is never one.
 * Throws DATE_OUT_OF_RANGE when `from` or `to` lies outside the symbol's data or the window has no step.
 * @example stepIndices(bars, { from: '2024-01-02', to: '2024-01-31', every: 5 }) // [i, i + 5, ...]
 */
export function stepIndices(symbol: string, bars: Rows<Bar>, window: Window): number[] {
  const first = bars.at(0)!.date;
  const last = bars.at(-1)!.date;
  const outside = (flag: string, date: string) =>
    new SignalsError('DATE_OUT_OF_RANGE', `${flag} ${date} is outside ${symbol}'s data (${first} to ${last}); pick a date in that range`);
  if (window.from !== undefined && (window.from < first || window.from > last)) throw outside('--from', window.from);
  if (window.to !== undefined && (window.to < first || window.to > last)) throw outside('--to', window.to);
  const start = window.from === undefined ? Math.min(BAR_WINDOW - 1, bars.length - 1) : firstOnOrAfter(bars, window.from);
  const end = Math.min(window.to === undefined ? bars.length - 1 : upperBound(bars, window.to, (b) => b.date) - 1, bars.length - 2);
  const steps: number[] = [];
  for (let i = start; i <= end; i += window.every) steps.push(i);
  if (steps.length === 0) {
    const span = `${window.from ?? bars.at(start)!.date} to ${window.to ?? last}`;
    throw new SignalsError('DATE_OUT_OF_RANGE', `${symbol} has no trading day with a next open from ${span}; widen the window`);
  }
  return steps;
}

/** Index of the first bar dated on or after `date`. */
function firstOnOrAfter(bars: Rows<Bar>, date: string): number {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (bars.at(mid)!.date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
