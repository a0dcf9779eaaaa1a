// The statistics evidence and backtests are made of: ranks, rank correlation, Newey-West means and t, normal-normal shrinkage.

export const mean = (xs: readonly number[]) => (xs.length === 0 ? NaN : xs.reduce((s, x) => s + x, 0) / xs.length);

/** Sample standard deviation (divides by n - 1); NaN for fewer than two values. */
export function sampleSd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/**
 * 1-based ranks, ties sharing their average rank.
 * @example ranks([10, 30, 20, 20]) // [1, 4, 2.5, 2.5]
 */
export function ranks(xs: readonly number[]): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]![1]] = rank;
    i = j + 1;
  }
  return out;
}

/** Pearson correlation; null when either side is constant or there are fewer than 3 pairs. */
export function pearson(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 3) return null;
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's rank correlation (Pearson's on average ranks); null when either side is constant.
 * @example spearman([1, 2, 3, 4], [10, 20, 40, 30]) // 0.8
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  return pearson(ranks(xs), ranks(ys));
}

/**
 * The t statistic of the mean of a series with Newey-West (Bartlett kernel) standard errors:
 * S = g0 + 2 * sum over l = 1..lag of (1 - l / (lag + 1)) * g_l, with autocovariances g_l = sum of
 * (x_t - m)(x_{t-l} - m) / n, and t = m / sqrt(S / n). Overlapping h-day returns sampled every day are
 * autocorrelated up to lag h - 1, which makes the naive t far too large; lag 0 is the naive t (with /n).
 * Null for fewer than 3 values or zero variance.
 * @example neweyWestT([1, 2, 3, 4, 5], 1) // 4.0089 (S = 2 + 2 * 0.5 * 0.8 = 2.8, t = 3 / sqrt(2.8 / 5))
 */
export function neweyWestT(xs: readonly number[], lag: number): number | null {
  const n = xs.length;
  if (n < 3) return null;
  const m = mean(xs);
  const d = xs.map((x) => x - m);
  const autocov = (l: number) => {
    let s = 0;
    for (let t = l; t < n; t++) s += d[t]! * d[t - l]!;
    return s / n;
  };
  let s = autocov(0);
  for (let l = 1; l <= Math.min(lag, n - 1); l++) s += 2 * (1 - l / (lag + 1)) * autocov(l);
  return s <= 0 ? null : m / Math.sqrt(s / n);
}

/**
 * Two-sided p-value of a t statistic under the normal approximation (large samples): erfc(|t| / sqrt 2),
 * with erfc from Numerical Recipes' Chebyshev fit (fractional error under 1.2e-7).
 */
export function twoSidedP(t: number): number {
  const z = Math.abs(t) / Math.SQRT2;
  const k = 1 / (1 + z / 2);
  const poly =
    -z * z -
    1.26551223 +
    k *
      (1.00002368 +
        k *
          (0.37409196 +
            k * (0.09678418 + k * (-0.18628806 + k * (0.27886807 + k * (-1.13520398 + k * (1.48851587 + k * (-0.82215223 + k * 0.17087277))))))));
  return Math.min(1, k * Math.exp(poly));
}

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
