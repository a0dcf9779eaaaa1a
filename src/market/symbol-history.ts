// One symbol's history as columns, for the agents' incremental forms: its bars, SPY's, and how much of SPY's each day sees.
import type { HistorySource } from './history.js';
import { ColumnRows } from './packed-bars.js';
import { BENCHMARK } from './snapshot.js';
import type { Bar, PriceColumns, Rows, SymbolHistory } from './types.js';

/** Bars as price columns: a packed symbol's own columns, or the rows' values copied once. */
export function priceColumns(rows: Rows<Bar>): PriceColumns {
  if (rows instanceof ColumnRows) return rows.prices();
  const n = rows.length;
  const out: PriceColumns = { date: [], open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n) };
  const date: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = rows.at(i)!;
    date.push(b.date);
    out.open[i] = b.open;
    out.high[i] = b.high;
    out.low[i] = b.low;
    out.close[i] = b.close;
  }
  return { ...out, date };
}

/**
 * The history of `symbol` in `source` as `Agent.walk` reads it. `benchmark`: SPY's columns, when the caller has
 * them already (they are the same for every symbol); none for SPY itself, as a snapshot of SPY has none.
 * @example symbolHistory(store, 'AAPL').benchmarkEnd[i] // SPY bars a snapshot after the close of AAPL's bar i holds
 */
export function symbolHistory(source: HistorySource, symbol: string, benchmark = benchmarkOf(source)): SymbolHistory {
  const bars = priceColumns(source.barRows(symbol));
  const spy = symbol === BENCHMARK ? null : benchmark;
  const benchmarkEnd = new Int32Array(bars.date.length);
  if (spy !== null) {
    let end = 0;
    for (let i = 0; i < bars.date.length; i++) {
      while (end < spy.date.length && spy.date[end]! <= bars.date[i]!) end++;
      benchmarkEnd[i] = end;
    }
  }
  return { symbol, bars, benchmark: spy, benchmarkEnd, headlines: source.headlines(symbol) };
}

/** SPY's columns, or null when the source has no SPY. */
export function benchmarkOf(source: HistorySource): PriceColumns | null {
  return source.has(BENCHMARK) ? priceColumns(source.barRows(BENCHMARK)) : null;
}
