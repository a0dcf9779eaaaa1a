// What the sentiment model answers for a headline, however the model is held: each label's probability and the likeliest.

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

/** The prediction from a text's log-scores, one per label (log prior plus the log-likelihoods of its known features). */
export function fromScores(scores: number[]): Prediction {
  const max = Math.max(...scores);
  const exp = scores.map((s) => Math.exp(s - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  const best = scores.indexOf(max);
  return {
    label: LABELS[best]!,
    probabilities: { negative: exp[0]! / sum, neutral: exp[1]! / sum, positive: exp[2]! / sum },
  };
}
