// What the sentiment model answers for a headline, however the model is held: each label's probability and the likeliest.
import type { SparseVector } from './svm.js';
import { features } from './tokenize.js';

export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type Label = (typeof LABELS)[number];

/** Class probabilities of one text, and the label with the highest. */
export interface Prediction {
  label: Label;
  probabilities: Record<Label, number>;
}

/** A model that labels headlines: the one trained in memory, or the one the build saved (model-file.ts). */
export interface Classifier {
  predict(text: string): Prediction;
}

/** The prediction from a text's scores, one per label: their softmax. */
function fromScores(scores: number[]): Prediction {
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const best = scores.indexOf(max);
  return {
    label: LABELS[best]!,
    probabilities: { negative: exp[0]! / sum, neutral: exp[1]! / sum, positive: exp[2]! / sum },
  };
}

/** Numbers per row of the model: the idf (a feature's row) or the scale (the head row), then one per label. */
export const ROW = 1 + LABELS.length;

/**
 * A text's prediction under a model held as rows: `numbers` holds the head row (scale, bias per label) then one row
 * per feature (idf, weight per label); `indexOf` finds a feature's row (0-based after the head), -1 when unknown.
 * Features are weighted by sublinear TF-IDF and scaled to unit length, as in training.
 */
export function predictWith(numbers: ArrayLike<number>, indexOf: (feature: string) => number, text: string): Prediction {
  const counts = new Map<number, number>();
  for (const f of features(text)) {
    const i = indexOf(f);
    if (i >= 0) counts.set(i, (counts.get(i) ?? 0) + 1);
  }
  const { indices, values } = tfidf(counts, (i) => numbers[ROW * (i + 1)]!);
  const scores: number[] = [];
  for (let c = 0; c < LABELS.length; c++) {
    let s = numbers[1 + c]!;
    for (let f = 0; f < indices.length; f++) s += values[f]! * numbers[ROW * (indices[f]! + 1) + 1 + c]!;
    scores.push(numbers[0]! * s);
  }
  return fromScores(scores);
}

/** Sublinear TF-IDF of known feature counts, in unit length. */
export function tfidf(counts: Map<number, number>, idf: (i: number) => number): SparseVector {
  const indices = [...counts.keys()].sort((a, b) => a - b);
  const values = indices.map((i) => (1 + Math.log(counts.get(i)!)) * idf(i));
  const norm = Math.sqrt(values.reduce((sum, v) => sum + v * v, 0)) || 1;
  return { indices, values: values.map((v) => v / norm) };
}
