// Trades the decisions at the next open: positions, costs, the strategy's and buy-and-hold's daily paths, forward returns.
import type { Bar, Rows } from '../market/types.js';
import type { Path } from './metrics.js';

export type ConsensusAction = 'BUY' | 'SELL' | 'HOLD' | 'NO_SIGNAL';

/** Long on BUY; short on SELL when shorting is allowed; flat otherwise. */
export function positionOf(action: ConsensusAction, allowShort: boolean): number {
  if (action === 'BUY') return 1;
  return action === 'SELL' && allowShort ? -1 : 0;
}

/**
 * The strategy and buy-and-hold over the same days. The decision of step k (as of the close of bar steps[k])
 * takes effect at the open of the next bar and holds until the next step's does; each day is one holding
 * period from an open to the next, and the window runs from the open after the first step to the open after
 * the last (so the last step's decision is scored by its forward returns, not by the path).
 * Trading |change of position| at an open costs costBps / 10,000 of equity at that open (a switch from long to
 * short trades 2); the period's net return is (1 - cost) * (1 + position * r) - 1. Buy-and-hold pays no costs.
 * @example simulate(bars, [0, 1, 2], [1, 1, 0], 5) // long from bar 1's open, flat from bar 3's
 */
export function simulate(
  bars: Rows<Bar>,
  steps: readonly number[],
  positions: readonly number[],
  costBps: number,
): { strategy: Path; buyAndHold: Path } {
  const cost = costBps / 10_000;
  const strategy: Path = { dates: [], end: null, returns: [], exposure: [], traded: [] };
  const buyAndHold: Path = { dates: [], end: null, returns: [], exposure: [], traded: [] };
  const first = steps[0]! + 1;
  const last = steps.at(-1)! + 1;
  let k = 0;
  let held = 0;
  let next = bars.at(first)!;
  for (let j = first; j < last; j++) {
    const bar = next;
    next = bars.at(j + 1)!;
    let traded = 0;
    if (k < steps.length && steps[k]! + 1 === j) {
      traded = Math.abs(positions[k]! - held);
      held = positions[k]!;
      k += 1;
    }
    const r = next.open / bar.open - 1;
    strategy.dates.push(bar.date);
    strategy.returns.push((1 - cost * traded) * (1 + held * r) - 1);
    strategy.exposure.push(Math.abs(held));
    strategy.traded.push(traded);
    buyAndHold.dates.push(bar.date);
    buyAndHold.returns.push(r);
    buyAndHold.exposure.push(1);
    buyAndHold.traded.push(j === first ? 1 : 0);
  }
  strategy.end = buyAndHold.end = bars.at(last)!.date;
  return { strategy, buyAndHold };
}

/** Held from the open after `from` to the open after `to` (or the data's end): SPY's buy-and-hold for a window. */
export function holdBetween(bars: Rows<Bar>, from: string, to: string): Path {
  const path: Path = { dates: [], end: null, returns: [], exposure: [], traded: [] };
  for (let j = 0; j + 1 < bars.length; j++) {
    const bar = bars.at(j)!;
    const next = bars.at(j + 1)!;
    if (bar.date < from) continue;
    if (next.date > to) break;
    path.dates.push(bar.date);
    path.returns.push(next.open / bar.open - 1);
    path.exposure.push(1);
    path.traded.push(path.dates.length === 1 ? 1 : 0);
    path.end = next.date;
  }
  return path;
}

/**
 * The return from the open after bar `step` (the entry) to the open `horizon` bars later; null past the data.
 * @example forwardReturn(bars, 10, 5) // bars[16].open / bars[11].open - 1
 */
export function forwardReturn(bars: Rows<Bar>, step: number, horizon: number): number | null {
  const exit = step + 1 + horizon;
  return exit < bars.length ? bars.at(exit)!.open / bars.at(step + 1)!.open - 1 : null;
}

/**
 * Equal weight across the paths, rebalanced daily: each day the mean of the returns (and of exposure and
 * position traded) of the paths that hold a period starting that day.
 */
export function combine(paths: readonly Path[]): Path {
  const byDate = new Map<string, { r: number; e: number; t: number; n: number }>();
  for (const p of paths) {
    p.dates.forEach((date, i) => {
      const day = byDate.get(date) ?? { r: 0, e: 0, t: 0, n: 0 };
      day.r += p.returns[i]!;
      day.e += p.exposure[i]!;
      day.t += p.traded[i]!;
      day.n += 1;
      byDate.set(date, day);
    });
  }
  const dates = [...byDate.keys()].sort();
  const ends = paths.map((p) => p.end).filter((e): e is string => e !== null);
  return {
    dates,
    end: ends.length === 0 ? null : ends.sort().at(-1)!,
    returns: dates.map((d) => byDate.get(d)!.r / byDate.get(d)!.n),
    exposure: dates.map((d) => byDate.get(d)!.e / byDate.get(d)!.n),
    traded: dates.map((d) => byDate.get(d)!.t / byDate.get(d)!.n),
  };
}
