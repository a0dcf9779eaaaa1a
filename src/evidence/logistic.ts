// Logistic regression of a yes/no outcome on one score, with standard errors clustered by date.

export interface LogisticFit {
  /** Intercept and slope: P(yes | x) = 1 / (1 + exp(-(a + b x))). */
  a: number;
  b: number;
  /** The slope over its clustered standard error; 0 when the scores do not vary. */
  z: number;
  n: number;
}

export const sigmoid = (t: number) => 1 / (1 + Math.exp(-t));
export const logit = (p: number) => Math.log(p / (1 - p));

/**
 * Fits P(y = 1 | x) = sigmoid(a + b x) by Newton's method (iteratively reweighted least squares). The slope's
 * standard error is the cluster-robust sandwich, H^-1 (sum over clusters of u u') H^-1 with u a cluster's score
 * vector, scaled by G / (G - 1) for G clusters: outcomes of one date move together across symbols, so counting
 * them as independent would overstate the evidence. Returns null without at least two clusters.
 * @example fitLogistic([0, 0, 1, 1], [0, 1, 0, 1], ['a', 'b', 'c', 'd']) // { a: 0, b: 0, z: 0, n: 4 }
 */
export function fitLogistic(xs: readonly number[], ys: readonly number[], clusters: readonly string[]): LogisticFit | null {
  const n = xs.length;
  const groups = new Set(clusters).size;
  if (n === 0 || groups < 2) return null;
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, ys.reduce((s, y) => s + y, 0) / n));
  let a = logit(rate);
  let b = 0;
  let h00 = 0;
  let h01 = 0;
  let h11 = 0;
  for (let iteration = 0; iteration < 50; iteration++) {
    let g0 = 0;
    let g1 = 0;
    h00 = h01 = h11 = 0;
    for (let i = 0; i < n; i++) {
      const x = xs[i]!;
      const p = sigmoid(a + b * x);
      const w = p * (1 - p);
      g0 += ys[i]! - p;
      g1 += (ys[i]! - p) * x;
      h00 += w;
      h01 += w * x;
      h11 += w * x * x;
    }
    const det = h00 * h11 - h01 * h01;
    if (det <= 1e-12 * h00 * h00) return { a, b: 0, z: 0, n };
    const da = (h11 * g0 - h01 * g1) / det;
    const db = (h00 * g1 - h01 * g0) / det;
    a += da;
    b += db;
    if (Math.abs(da) + Math.abs(db) < 1e-10) break;
  }
  const byCluster = new Map<string, [number, number]>();
  for (let i = 0; i < n; i++) {
    const r = ys[i]! - sigmoid(a + b * xs[i]!);
    const u = byCluster.get(clusters[i]!) ?? [0, 0];
    u[0] += r;
    u[1] += r * xs[i]!;
    byCluster.set(clusters[i]!, u);
  }
  let m00 = 0;
  let m01 = 0;
  let m11 = 0;
  for (const [u0, u1] of byCluster.values()) {
    m00 += u0 * u0;
    m01 += u0 * u1;
    m11 += u1 * u1;
  }
  const det = h00 * h11 - h01 * h01;
  // Row 2 of H^-1 is (-h01, h00) / det; the slope's variance is that row times M times its transpose.
  const variance = ((h01 * h01 * m00 - 2 * h01 * h00 * m01 + h00 * h00 * m11) / (det * det)) * (groups / (groups - 1));
  return { a, b, z: variance > 0 ? b / Math.sqrt(variance) : 0, n };
}
