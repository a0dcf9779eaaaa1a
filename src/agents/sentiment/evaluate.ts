// How well a sentiment model labels a labelled set: accuracy, support-weighted F1 and each label's recall.
import { LABELS, type Label } from './prediction.js';

export interface Example {
  text: string;
  label: Label;
}

export interface Scores {
  accuracy: number;
  weightedF1: number;
  recall: Record<Label, number>;
}

/**
 * @example evaluate([{ text: 'Shares jump', label: 'positive' }], () => 'positive').weightedF1 // 1
 */
export function evaluate(examples: readonly Example[], predict: (text: string) => Label): Scores {
  const predicted = examples.map((e) => predict(e.text));
  let correct = 0;
  let f1Sum = 0;
  const recall = {} as Record<Label, number>;
  for (const label of LABELS) {
    let tp = 0;
    let fp = 0;
    let support = 0;
    examples.forEach((e, i) => {
      if (e.label === label) support += 1;
      if (predicted[i] !== label) return;
      if (e.label === label) tp += 1;
      else fp += 1;
    });
    correct += tp;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    recall[label] = support === 0 ? 0 : tp / support;
    const f1 = precision + recall[label] === 0 ? 0 : (2 * precision * recall[label]) / (precision + recall[label]);
    f1Sum += f1 * support;
  }
  return { accuracy: correct / examples.length, weightedF1: f1Sum / examples.length, recall };
}
