// Trains a linear classifier: one-vs-rest L2-regularised squared-hinge SVM by dual coordinate descent (LIBLINEAR's default).

/** A document as a sparse vector: feature indices and their values. */
export interface SparseVector {
  indices: number[];
  values: number[];
}

/** Per class, a weight per feature and a bias. */
export interface LinearWeights {
  weights: Float64Array[];
  bias: number[];
}

const MAX_PASSES = 30;
/** Stops once no dual variable's projected gradient exceeds this (LIBLINEAR's default epsilon is 0.1; tighter is still fast here). */
const TOLERANCE = 1e-3;

/** A fixed-seed generator, so that the same data always trains the same model, bit for bit. */
function generator(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
}

/**
 * One binary classifier per class (that class against the rest); `c` is the cost of a margin violation (larger: less
 * regularised). The bias is learnt as the weight of a constant feature of value 1.
 * Hsieh, Chang, Lin, Keerthi & Sundararajan (2008), "A dual coordinate descent method for large-scale linear SVM", ICML.
 */
export function trainOneVsRest(
  docs: readonly SparseVector[],
  labels: readonly number[],
  classes: number,
  dimensions: number,
  c: number,
): LinearWeights {
  const squaredNorms = docs.map((d) => d.values.reduce((sum, v) => sum + v * v, 1));
  const diagonal = 1 / (2 * c);
  const weights: Float64Array[] = [];
  const bias: number[] = [];
  for (let k = 0; k < classes; k++) {
    const w = new Float64Array(dimensions);
    let b = 0;
    const alpha = new Float64Array(docs.length);
    const order = docs.map((_, i) => i);
    const random = generator(11);
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      let largest = 0;
      for (const n of order) {
        const y = labels[n] === k ? 1 : -1;
        const { indices, values } = docs[n]!;
        let score = b;
        for (let f = 0; f < indices.length; f++) score += w[indices[f]!]! * values[f]!;
        const gradient = y * score - 1 + diagonal * alpha[n]!;
        const projected = alpha[n] === 0 ? Math.min(gradient, 0) : gradient;
        largest = Math.max(largest, Math.abs(projected));
        if (projected === 0) continue;
        const old = alpha[n]!;
        alpha[n] = Math.max(old - gradient / (squaredNorms[n]! + diagonal), 0);
        const step = (alpha[n] - old) * y;
        for (let f = 0; f < indices.length; f++) w[indices[f]!]! += step * values[f]!;
        b += step;
      }
      if (largest < TOLERANCE) break;
    }
    weights.push(w);
    bias.push(b);
  }
  return { weights, bias };
}
