// The statistics evidence is made of: ranks, rank correlation, Newey-West means and normal-normal shrinkage.

/**
 * Ranks from 0, ties sharing their mean rank.
 * @example ranks([10, 30, 20, 20]) // [0, 3, 1.5, 1.5]
 */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((i, j) => xs[i]! - xs[j]!);
  const out = new Array<number>(xs.length);
  for (let k = 0; k < order.length;) {
    let end = k;
    while (end + 1 < order.length && xs[order[end + 1]!] === xs[order[k]!]) end += 1;
    for (let m = k; m <= end; m++) out[order[m]!] = (k + end) / 2;
    k = end + 1;
  }
  return out;
}

/** Pearson correlation; null when either side does not vary. */
export function correlation(xs: readonly number[], ys: readonly number[]): number | null {
  const n = xs.length;
  if (n < 2) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/** Spearman's rank correlation; null when either side does not vary. */
export const spearman = (xs: readonly number[], ys: readonly number[]) => correlation(ranks(xs), ranks(ys));

/** A mean with its Newey-West standard error. */
export interface MeanEstimate {
  mean: number;
  se: number;
  n: number;
}

/**
 * The mean of a series with a Newey-West (1987) standard error over `lags` lags (Bartlett weights), which stays
 * honest when neighbouring values share part of their outcome (overlapping horizons). Null under 2 values.
 * @example neweyWest([0.1, -0.1, 0.1, -0.1], 0) // { mean: 0, se: 0.0577, n: 4 }
 */
export function neweyWest(xs: readonly number[], lags: number): MeanEstimate | null {
  const n = xs.length;
  if (n < 2) return null;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const e = xs.map((x) => x - mean);
  let variance = e.reduce((s, x) => s + x * x, 0) / n;
  for (let l = 1; l <= Math.min(lags, n - 1); l++) {
    let c = 0;
    for (let i = l; i < n; i++) c += e[i]! * e[i - l]!;
    variance += (2 * (1 - l / (lags + 1)) * c) / n;
  }
  // The small-sample correction n / (n - 1), so that with no lags this is the usual standard error of a mean.
  return { mean, se: Math.sqrt(Math.max(variance, 0) / (n - 1)), n };
}

/** A normal prior on an effect, with the published result it stands for. */
export interface Prior {
  mean: number;
  sd: number;
}

/**
 * The posterior mean of a normal prior updated by an estimate with its standard error (precision-weighted).
 * With no estimate it is the prior's mean.
 * @example shrink({ mean: 0.02, sd: 0.02 }, { mean: 0.06, se: 0.02, n: 100 }) // 0.04
 */
export function shrink(prior: Prior, estimate: MeanEstimate | null): number {
  if (estimate === null || !(estimate.se > 0)) return prior.mean;
  const p0 = 1 / prior.sd ** 2;
  const p1 = 1 / estimate.se ** 2;
  return (p0 * prior.mean + p1 * estimate.mean) / (p0 + p1);
}
