// The test of an edge: is a method's mean monthly information coefficient above zero, in its published direction?
import { mean, neweyWest, ranks, spearman, type MeanEstimate } from './stats.js';

/**
 * A method shows an edge when its mean monthly IC is at least this many standard errors above zero. One-sided:
 * every score is oriented in its method's published direction (positive is bullish), so an IC below zero, however
 * large, is evidence against the method, not an edge. Its size and power are pinned by
 * test/evidence/edge-test.power.test.ts.
 */
export const EDGE_T = 2;
/**
 * Newey-West lags of the monthly series: a 21-trading-day horizon from a month's last close overlaps the next
 * month's by a day or two at most, so one lag covers it.
 */
export const EDGE_LAGS = 1;
/** Months of known outcomes before a record is tested at all. */
export const MIN_MONTHS = 24;
/** Stocks a month's cross-section needs before its IC counts. */
export const MIN_CROSS_SECTION = 10;

/** What a series of monthly ICs shows. */
export interface EdgeResult {
  estimate: MeanEstimate;
  t: number;
  /** 95% interval of the mean IC. */
  lo: number;
  hi: number;
  passes: boolean;
}

/**
 * The test of a monthly IC series: its Newey-West t, one-sided at EDGE_T; null under MIN_MONTHS months.
 * @example edgeTest(Array.from({ length: 60 }, (_, i) => 0.05 + (i % 2 ? 0.1 : -0.1)))?.passes // true
 */
export function edgeTest(ics: readonly number[]): EdgeResult | null {
  if (ics.length < MIN_MONTHS) return null;
  const estimate = neweyWest(ics, EDGE_LAGS)!;
  const t = estimate.se > 0 ? estimate.mean / estimate.se : 0;
  return { estimate, t, lo: estimate.mean - 1.96 * estimate.se, hi: estimate.mean + 1.96 * estimate.se, passes: t >= EDGE_T };
}

/**
 * One month's cross-sectional IC: the rank correlation of the scores, demeaned across the stocks of that month,
 * with the stocks' forward returns in excess of the benchmark. Null under MIN_CROSS_SECTION stocks or when the
 * scores do not vary (a score that is the same for every stock has no cross-section: see `timingSeries`).
 */
export function crossSectionIc(scores: readonly number[], excess: readonly number[]): number | null {
  if (scores.length < MIN_CROSS_SECTION) return null;
  const mean = scores.reduce((s, x) => s + x, 0) / scores.length;
  return spearman(
    scores.map((s) => s - mean),
    excess,
  );
}

/**
 * The monthly series whose mean is a market-timing signal's IC: for each month, the product of the score's and the
 * forward return's standardised ranks over the whole record. Its mean is Spearman's correlation over time, and
 * as a series it takes the same Newey-West test as a cross-sectional IC.
 */
export function timingSeries(scores: readonly number[], forward: readonly number[]): number[] {
  const standardised = (xs: readonly number[]) => {
    const r = ranks(xs);
    const m = mean(r);
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / r.length);
    return r.map((x) => (sd > 0 ? (x - m) / sd : 0));
  };
  const x = standardised(scores);
  const y = standardised(forward);
  return x.map((v, i) => v * y[i]!);
}
