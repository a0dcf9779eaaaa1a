// Which days a universe backtest analyses: every n-th trading day of the window, each stock on the days it was a member.
import { BAR_WINDOW, BENCHMARK } from '../market/snapshot.js';
import type { HistorySource } from '../market/history.js';
import { upperBound, type Bar, type Rows } from '../market/types.js';
import type { Universe } from '../market/universe.js';
import { SignalsError } from '../protocol/errors.js';
import type { Window } from './plan.js';
import type { Coverage } from './schema.js';

/** One symbol's steps: bar indices and dates, and where a run of consecutive step days begins (a gap in membership ends one). */
export interface Plan {
  symbol: string;
  bars: Rows<Bar>;
  steps: number[];
  dates: string[];
  /** Indices into `steps` where a run of consecutive step days starts; the first is 0. */
  runs: number[];
}

/**
 * The step days: every `every`-th trading day of SPY from `from` (default: SPY's first day with 300 days of history)
 * to `to` (default: its last day with a next open). Throws DATE_OUT_OF_RANGE outside SPY's data or when empty.
 */
export function stepDays(source: HistorySource, window: Window): string[] {
  if (!source.has(BENCHMARK)) throw new SignalsError('DATA_ERROR', `a universe backtest needs ${BENCHMARK}'s bars for its calendar`);
  const spy = source.barRows(BENCHMARK);
  const first = spy.at(0)!.date;
  const last = spy.at(-1)!.date;
  for (const [flag, date] of [
    ['--from', window.from],
    ['--to', window.to],
  ] as const) {
    if (date !== undefined && (date < first || date > last)) {
      throw new SignalsError('DATE_OUT_OF_RANGE', `${flag} ${date} is outside the data (${first} to ${last}); pick a date in that range`);
    }
  }
  const dates = spy.slice().map((b) => b.date);
  const start = window.from === undefined ? Math.min(BAR_WINDOW - 1, spy.length - 1) : lowerBound(dates, window.from);
  const end = Math.min(window.to === undefined ? spy.length - 1 : upperBound(spy, window.to, (b) => b.date) - 1, spy.length - 2);
  const days: string[] = [];
  for (let i = start; i <= end; i += window.every) days.push(spy.at(i)!.date);
  if (days.length === 0)
    throw new SignalsError(
      'DATE_OUT_OF_RANGE',
      `no trading day with a next open from ${window.from ?? first} to ${window.to ?? last}; widen the window`,
    );
  return days;
}

/** Index of the first of the sorted `keys` at or after `key`. */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the bar dated `date`, or -1. */
function barOn(bars: Rows<Bar>, date: string): number {
  const i = upperBound(bars, date, (b) => b.date) - 1;
  return i >= 0 && bars.at(i)!.date === date ? i : -1;
}

/**
 * Each member's steps over the step days on which it was a member (point in time: `universe.memberships()`), and what
 * could not be counted: member steps without a bar that day, or on the member's last bar (no next open to trade at).
 */
export function universePlans(source: HistorySource, universe: Universe, days: readonly string[]): { plans: Plan[]; coverage: Coverage } {
  const stretches = new Map<string, { start: string; end: string | undefined }[]>();
  for (const m of universe.memberships()) {
    if (m.symbol === BENCHMARK) continue;
    stretches.set(m.symbol, [...(stretches.get(m.symbol) ?? []), m]);
  }
  const coverage: Coverage = {
    name: universe.name,
    member_steps: 0,
    counted: 0,
    without_prices: 0,
    without_next_open: 0,
    symbols_without_prices: [],
  };
  const plans: Plan[] = [];
  for (const symbol of [...stretches.keys()].sort()) {
    const member: number[] = [];
    for (const m of stretches.get(symbol)!) {
      const to = m.end === undefined ? days.length : lowerBound(days, m.end);
      for (let g = lowerBound(days, m.start); g < to; g++) member.push(g);
    }
    if (member.length === 0) continue;
    member.sort((a, b) => a - b);
    coverage.member_steps += member.length;
    const bars = source.has(symbol) ? source.barRows(symbol) : undefined;
    const plan: Plan = { symbol, bars: bars ?? [], steps: [], dates: [], runs: [] };
    let previous = -2;
    let unpriced = 0;
    for (const g of member) {
      const i = bars === undefined ? -1 : barOn(bars, days[g]!);
      if (i < 0 || i + 1 >= bars!.length) {
        if (i < 0) unpriced += 1;
        else coverage.without_next_open += 1;
        continue;
      }
      if (g !== previous + 1) plan.runs.push(plan.steps.length);
      plan.steps.push(i);
      plan.dates.push(days[g]!);
      previous = g;
    }
    coverage.without_prices += unpriced;
    coverage.counted += plan.steps.length;
    if (plan.steps.length > 0) plans.push(plan);
    else if (unpriced > 0) coverage.symbols_without_prices.push(symbol);
  }
  return { plans, coverage };
}
