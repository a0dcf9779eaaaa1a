// The embedded headline sentiment model: multinomial naive Bayes trained on bundled, MIT-licensed labelled financial news.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { features } from './tokenize.js';

export const LABELS = ['negative', 'neutral', 'positive'] as const;
export type Label = (typeof LABELS)[number];
export interface Example {
  text: string;
  label: Label;
}

export interface SavedModel {
  logPrior: number[];
  logUnknown: number[];
  logLikelihood: Record<string, number[]>;
}

/** Class probabilities of one text, and the label with the highest. */
export interface Prediction {
  label: Label;
  probabilities: Record<Label, number>;
}

/**
 * Multinomial naive Bayes with add-one smoothing over word and bigram features.
 * @example new SentimentModel(examples).predict('Shares jump after record profit').label // 'positive'
 */
export class SentimentModel {
  private readonly logPrior: number[];
  /** Per feature, the log-likelihood of each label (a plain object: it loads from JSON faster than a Map). */
  private readonly logLikelihood: Record<string, number[]> = {};
  private readonly logUnknown: number[];

  /** Trains on `examples`, or restores a model saved with `toJSON`. */
  constructor(examples: readonly Example[] | SavedModel) {
    if (!Array.isArray(examples)) {
      const saved = examples as SavedModel;
      this.logPrior = saved.logPrior;
      this.logUnknown = saved.logUnknown;
      this.logLikelihood = saved.logLikelihood;
      return;
    }
    const classCount = LABELS.map(() => 0);
    const tokenTotal = LABELS.map(() => 0);
    const counts = new Map<string, number[]>();
    for (const { text, label } of examples) {
      const c = LABELS.indexOf(label);
      classCount[c]! += 1;
      for (const f of features(text)) {
        let row = counts.get(f);
        if (!row) counts.set(f, (row = [0, 0, 0]));
        row[c]! += 1;
        tokenTotal[c]! += 1;
      }
    }
    // Features seen once are mostly noise (names, typos) and would triple the model's size.
    for (const [f, row] of counts) {
      if (row[0]! + row[1]! + row[2]! < 2) {
        counts.delete(f);
        for (let c = 0; c < LABELS.length; c++) tokenTotal[c]! -= row[c]!;
      }
    }
    const vocab = counts.size;
    this.logPrior = classCount.map((n) => Math.log((n + 1) / (examples.length + LABELS.length)));
    const denominators = tokenTotal.map((n) => n + vocab + 1);
    this.logUnknown = denominators.map((d) => Math.log(1 / d));
    const round = (x: number) => Math.round(x * 1e4) / 1e4;
    for (const [f, row] of counts) {
      this.logLikelihood[f] = row.map((n, c) => round(Math.log((n + 1) / denominators[c]!)));
    }
  }

  toJSON(): SavedModel {
    return { logPrior: this.logPrior, logUnknown: this.logUnknown, logLikelihood: this.logLikelihood };
  }

  predict(text: string): Prediction {
    const scores = this.logPrior.slice();
    for (const f of features(text)) {
      const row = Object.hasOwn(this.logLikelihood, f) ? this.logLikelihood[f] : undefined;
      if (!row) continue;
      for (let c = 0; c < scores.length; c++) scores[c]! += row[c]!;
    }
    const max = Math.max(...scores);
    const exp = scores.map((s) => Math.exp(s - max));
    const sum = exp.reduce((a, b) => a + b, 0);
    const best = scores.indexOf(max);
    return {
      label: LABELS[best]!,
      probabilities: { negative: exp[0]! / sum, neutral: exp[1]! / sum, positive: exp[2]! / sum },
    };
  }
}

/** Reads a bundled `{text, label}` JSON-lines file. */
export function readExamples(file: string): Example[] {
  return gunzipSync(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Example);
}

/** Where the build saves the trained model (training takes about 100 ms; loading it a few). */
export function savedModelPath(bundledDir: string): string {
  return join(bundledDir, '..', 'dist', 'sentiment-model.json');
}

export function trainEmbeddedModel(bundledDir: string): SentimentModel {
  return new SentimentModel(readExamples(join(bundledDir, 'sentiment', 'twitter-train.jsonl.gz')));
}

const models = new Map<string, SentimentModel>();

/** The embedded model: the one the build saved, else trained now from the bundled training split. */
export function embeddedModel(bundledDir: string): SentimentModel {
  let model = models.get(bundledDir);
  if (!model) {
    const saved = savedModelPath(bundledDir);
    model = existsSync(saved)
      ? new SentimentModel(JSON.parse(readFileSync(saved, 'utf8')) as SavedModel)
      : trainEmbeddedModel(bundledDir);
    models.set(bundledDir, model);
  }
  return model;
}
