// The market data every layer above shares: daily bars, macro observations, headlines.

/** One daily bar. `date` is the trading day (YYYY-MM-DD); prices are split- and dividend-adjusted. */
export interface Bar {
  date: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One observation of a macro series, dated (as FRED does) by the start of the period it describes. */
export interface Observation {
  date: string;
  value: number;
}

/** A dated headline about one symbol; `published` is an ISO timestamp or a bare date. */
export interface Headline {
  published: string;
  title: string;
  source: string;
}

export const MACRO_SERIES = ['T10Y2Y', 'FEDFUNDS', 'CPIAUCSL', 'UNRATE', 'GDPC1', 'VIX'] as const;
export type MacroSeries = (typeof MACRO_SERIES)[number];

/** Everything an agent may see for one symbol at one as-of time: nothing published after `asOf`. */
export interface MarketSnapshot {
  symbol: string;
  /** ISO timestamp the analysis is as of. */
  asOf: string;
  /** Daily bars known at asOf, oldest first; the last may be today's bar so far. */
  bars: Bar[];
  /** The same window of the benchmark (SPY), for relative strength; empty if unavailable. */
  benchmark: Bar[];
  macro: Record<MacroSeries, Observation[]>;
  /** Headlines about the symbol published in the look-back window ending at asOf, each story once, oldest first. */
  headlines: Headline[];
}

/** A symbol's daily bars as columns, oldest first. */
export interface PriceColumns {
  date: readonly string[];
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
}

/**
 * One symbol's history as an incremental form walks it: its bars; the benchmark's (SPY), with, for each of the
 * symbol's bars, how many benchmark bars a snapshot after that bar's close holds (`benchmarkEnd`); its headlines.
 */
export interface SymbolHistory {
  symbol: string;
  bars: PriceColumns;
  benchmark: PriceColumns | null;
  benchmarkEnd: Int32Array;
  headlines: Rows<Headline>;
}

/** Rows read by position: an array, or a view of the pre-parsed cache that builds only the rows it is asked for. */
export interface Rows<T> {
  readonly length: number;
  /** As `Array.prototype.at`: a negative index counts from the end. */
  at(index: number): T | undefined;
  /** As `Array.prototype.slice`: a new array. */
  slice(start?: number, end?: number): T[];
}

/** Index of the first element whose key is greater than `key` (rows sorted by key). */
export function upperBound<T>(items: Rows<T>, key: string, keyOf: (item: T) => string): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(items.at(mid)!) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
