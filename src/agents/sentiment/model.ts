// The embedded headline sentiment model: multinomial naive Bayes trained on bundled, MIT-licensed labelled financial news.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeModel, type ModelParameters } from './model-file.js';
import { fromScores, LABELS, type Classifier, type Label, type Prediction } from './prediction.js';
import { features } from './tokenize.js';

export { LABELS, type Classifier, type Label, type Prediction } from './prediction.js';

export interface Example {
  text: string;
  label: Label;
}

/**
 * Multinomial naive Bayes with add-one smoothing over word and bigram features.
 * @example new SentimentModel(examples).predict('Shares jump after record profit').label // 'positive'
 */
export class SentimentModel implements Classifier {
  private readonly logPrior: number[];
  private readonly logLikelihood: Record<string, number[]> = {};

  constructor(examples: readonly Example[]) {
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
    const round = (x: number) => Math.round(x * 1e4) / 1e4;
    for (const [f, row] of counts) {
      this.logLikelihood[f] = row.map((n, c) => round(Math.log((n + 1) / denominators[c]!)));
    }
  }

  /** What the build saves (model-file.ts). */
  parameters(): ModelParameters {
    return { logPrior: this.logPrior, logLikelihood: this.logLikelihood };
  }

  predict(text: string): Prediction {
    const scores = this.logPrior.slice();
    for (const f of features(text)) {
      const row = Object.hasOwn(this.logLikelihood, f) ? this.logLikelihood[f] : undefined;
      if (!row) continue;
      for (let c = 0; c < scores.length; c++) scores[c]! += row[c]!;
    }
    return fromScores(scores);
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

/** Where the build saves the trained model (training takes about 100 ms; reading the saved one about 1). */
export function savedModelPath(bundledDir: string): string {
  return join(bundledDir, '..', 'dist', 'sentiment-model.bin');
}

export function trainEmbeddedModel(bundledDir: string): SentimentModel {
  return new SentimentModel(readExamples(join(bundledDir, 'sentiment', 'twitter-train.jsonl.gz')));
}

/** The model the build saved, or undefined when there is none or it is of another format. */
function savedModel(bundledDir: string): Classifier | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(savedModelPath(bundledDir));
  } catch {
    return undefined;
  }
  return decodeModel(buf);
}

const models = new Map<string, Classifier>();

/** The embedded model: the one the build saved, else trained now from the bundled training split (the same model). */
export function embeddedModel(bundledDir: string): Classifier {
  let model = models.get(bundledDir);
  if (!model) {
    model = savedModel(bundledDir) ?? trainEmbeddedModel(bundledDir);
    models.set(bundledDir, model);
  }
  return model;
}
