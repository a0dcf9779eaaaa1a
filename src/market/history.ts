// The HistorySource seam: bars, macro observations and headlines as of a time, from the bundled data or a provider.
import type { Bar, Headline, MacroSeries, Observation, Rows } from './types.js';

/**
 * What a snapshot is built from. Reads are synchronous; a source that fetches (a provider) does so in `load`,
 * which an analysis awaits before building its snapshot. The bundled MarketStore is one.
 */
export interface HistorySource {
  /** Every symbol that can be analysed, sorted. */
  symbols(): string[];
  has(symbol: string): boolean;
  /** Daily bars, oldest first. Throws UNKNOWN_SYMBOL or DATA_ERROR. */
  barRows(symbol: string): Rows<Bar>;
  /** Observations oldest first. */
  macro(series: MacroSeries): Rows<Observation>;
  /** When the observation of `series` dated `date` became public (ISO); never decreasing along a series. */
  published(series: MacroSeries, date: string): string;
  /** Headlines ordered by publication. */
  headlines(symbol: string): Rows<Headline>;
  /**
   * The history the agents' calibration is fitted on, when it is not this source: a provider fetches only recent bars
   * of the symbols asked for, too little to fit on, so it names the bundled data (whose calls all end before today).
   */
  readonly calibrationSource?: HistorySource;
  /** Fetches what a snapshot of `symbol` as of `asOf` needs (and the benchmark's); absent for data already at hand. */
  load?(symbol: string, asOf: string): Promise<void>;
}
