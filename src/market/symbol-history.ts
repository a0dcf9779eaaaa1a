// One symbol's history as columns, for the agents' incremental forms: its bars, SPY's, and how much of SPY's each day sees.
import type { HistorySource } from './history.js';
import { ColumnRows } from './packed-bars.js';
import { BAR_WINDOW, BENCHMARK } from './snapshot.js';
import { upperBound, type Bar, type Headline, type PriceColumns, type Rows, type SymbolHistory } from './types.js';

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
 * The bars a snapshot as of the close of `day` holds (the last BAR_WINDOW up to it) as price columns: a packed
 * symbol's are views of its columns, with no bar built.
 */
export function closedColumns(rows: Rows<Bar>, day: string): PriceColumns {
  const end = upperBound(rows, day, (b) => b.date);
  const from = Math.max(0, end - BAR_WINDOW);
  return rows instanceof ColumnRows ? rows.prices(from, end) : priceColumns(rows.slice(from, end));
}

/**
 * The history as `Agent.walk` reads it of what a snapshot of `symbol` as of the close of `day` holds: one step of
 * the agents' incremental forms at its last bar gives the votes of that snapshot (src/core/cross-section.ts).
 */
export function historyAsOf(source: HistorySource, symbol: string, day: string, benchmark: PriceColumns | null): SymbolHistory {
  return withBenchmark(symbol, closedColumns(source.barRows(symbol), day), symbol === BENCHMARK ? null : benchmark, source.headlines(symbol));
}

/**
 * The history of `symbol` in `source` as `Agent.walk` reads it. `benchmark`: SPY's columns, when the caller has
 * them already (they are the same for every symbol); none for SPY itself, as a snapshot of SPY has none.
 * @example symbolHistory(store, 'AAPL').benchmarkEnd[i] // SPY bars a snapshot after the close of AAPL's bar i holds
 */
export function symbolHistory(source: HistorySource, symbol: string, benchmark = benchmarkOf(source)): SymbolHistory {
  return withBenchmark(symbol, priceColumns(source.barRows(symbol)), symbol === BENCHMARK ? null : benchmark, source.headlines(symbol));
}

/** A history from its columns: for each bar, how many of SPY's a snapshot after its close holds. */
function withBenchmark(symbol: string, bars: PriceColumns, spy: PriceColumns | null, headlines: Rows<Headline>): SymbolHistory {
  const benchmarkEnd = new Int32Array(bars.date.length);
  if (spy !== null) {
    let end = 0;
    for (let i = 0; i < bars.date.length; i++) {
      while (end < spy.date.length && spy.date[end]! <= bars.date[i]!) end++;
      benchmarkEnd[i] = end;
    }
  }
  return { symbol, bars, benchmark: spy, benchmarkEnd, headlines };
}

/** SPY's columns, or null when the source has no SPY. */
export function benchmarkOf(source: HistorySource): PriceColumns | null {
  return source.has(BENCHMARK) ? priceColumns(source.barRows(BENCHMARK)) : null;
}
