// What a call is judged against, as the product's confidence is defined: SPY over the same days, or cash for a market-wide call.
import { closeOf } from '../market/publication.js';
import { BENCHMARK } from '../market/snapshot.js';
import type { MarketStore } from '../market/store.js';
import { upperBound } from '../market/types.js';
import { forwardReturn } from './simulate.js';

/** The returns a step's calls are judged by, one per horizon; null where unknown. */
export interface Yardstick {
  /** SPY from the open after the day to the open `horizon` bars later, as the stock is measured. */
  spy: (number | null)[];
  /** SPY's return over cash: the fed funds rate published by the day's close, over `horizon` of 252 trading days a year. */
  spyOverCash: (number | null)[];
}

/**
 * SPY's forward returns and SPY over cash for any day, as the evidence book computes them (src/evidence/samples.ts):
 * a stock call is right when the stock beats SPY in the call's direction, a market-wide call when SPY beats cash.
 * @example yardstick(store, [21])('2024-03-01').spy // [SPY's return from 2024-03-04's open, 21 bars on]
 */
export function yardstick(store: MarketStore, horizons: readonly number[]): (date: string) => Yardstick {
  const none = { spy: horizons.map(() => null), spyOverCash: horizons.map(() => null) };
  if (!store.has(BENCHMARK)) return () => none;
  const bars = store.barRows(BENCHMARK);
  const index = new Map<string, number>();
  for (let i = 0; i < bars.length; i++) index.set(bars.at(i)!.date, i);
  const funds = store.macro('FEDFUNDS');
  return (date) => {
    const i = index.get(date);
    if (i === undefined) return none;
    const spy = horizons.map((h) => forwardReturn(bars, i, h));
    const rate = funds.at(upperBound(funds, closeOf(date), (o) => store.published('FEDFUNDS', o.date)) - 1)?.value;
    const spyOverCash = spy.map((r, k) => (r === null || rate === undefined ? null : r - (rate / 100) * (horizons[k]! / 252)));
    return { spy, spyOverCash };
  };
}

/**
 * A stock's forward returns less SPY's over the same days; null where either is unknown, and for SPY itself (it
 * cannot beat itself; the evidence's universe leaves it out too).
 * @example excessOver('AAPL', [0.05], [0.02]) // [0.03]
 */
export function excessOver(symbol: string, forward: readonly (number | null)[], spy: readonly (number | null)[]): (number | null)[] {
  return forward.map((r, k) => (symbol === BENCHMARK || r === null || spy[k] == null ? null : r - spy[k]));
}
