// The embedded headline sentiment model: a linear SVM over TF-IDF features, trained on bundled, MIT-licensed labelled financial news.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzip } from '../../market/zip.js';
import type { Example } from './evaluate.js';
import { decodeModel, type Memo, type ModelParameters } from './model-file.js';
import { LABELS, predictWith, ROW, tfidf, type Classifier, type Prediction } from './prediction.js';
import { trainOneVsRest } from './svm.js';
import { features } from './tokenize.js';

export { LABELS, type Classifier, type Label, type Prediction } from './prediction.js';
export type { Example } from './evaluate.js';

/** Features in fewer documents than this are mostly names and typos. */
const MIN_DOCUMENTS = 2;
/** The SVM's cost; 1 had the best 3-fold cross-validated weighted F1 on the training split (of 0.2, 0.5, 1, 2). */
const COST = 1;
/** Probabilities are a softmax of this times the SVM scores: the scale with the least out-of-fold log loss on the training split. */
const SCALE = 2;
/**
 * A linear SVM (one-vs-rest) over word, bigram and direction features (tokenize.ts), weighted by TF-IDF.
 * @example new SentimentModel(examples).predict('Shares jump after record profit').label // 'positive'
 */
export class SentimentModel implements Classifier {
  private readonly names: string[];
  private readonly index = new Map<string, number>();
  private readonly numbers: Float64Array;

  constructor(examples: readonly Example[]) {
    const documents = examples.map((e) => features(e.text));
    const frequency = new Map<string, number>();
    for (const doc of documents) for (const f of new Set(doc)) frequency.set(f, (frequency.get(f) ?? 0) + 1);
    this.names = [...frequency.keys()].filter((f) => frequency.get(f)! >= MIN_DOCUMENTS).sort();
    this.names.forEach((f, i) => this.index.set(f, i));
    const idf = this.names.map((f) => Math.log((1 + examples.length) / (1 + frequency.get(f)!)) + 1);
    const vectors = documents.map((doc) => {
      const counts = new Map<number, number>();
      for (const f of doc) {
        const i = this.index.get(f);
        if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + 1);
      }
      return tfidf(counts, (i) => idf[i]!);
    });
    const labels = examples.map((e) => LABELS.indexOf(e.label));
    const { weights, bias } = trainOneVsRest(vectors, labels, LABELS.length, this.names.length, COST);
    this.numbers = new Float64Array(ROW * (this.names.length + 1));
    this.numbers.set([SCALE, ...bias]);
    idf.forEach((value, i) => this.numbers.set([value, ...weights.map((w) => w[i]!)], ROW * (i + 1)));
  }

  /** What the build saves (model-file.ts). */
  parameters(): ModelParameters {
    return { names: this.names, numbers: this.numbers };
  }

  predict(text: string): Prediction {
    return predictWith(this.numbers, (f) => this.index.get(f) ?? -1, text);
  }
}

/** Reads a bundled gzipped JSON-lines file. */
function readExamplesOf<T>(file: string): T[] {
  return gunzip(readFileSync(file))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);
}

/** Reads a bundled `{text, label}` JSON-lines file. */
export function readExamples(file: string): Example[] {
  return readExamplesOf<Example>(file);
}

/** Where the build saves the trained model (training takes a few seconds; reading the saved one about a millisecond). */
export function savedModelPath(bundledDir: string): string {
  return join(bundledDir, '..', 'dist', 'sentiment-model.bin');
}

/** Every bundled headline's title, once, in the order of the files: the texts whose predictions the build remembers. */
export function bundledTitles(bundledDir: string): string[] {
  const dir = join(bundledDir, 'news');
  const titles = readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl.gz'))
    .sort()
    .flatMap((f) => readExamplesOf<{ title: string }>(join(dir, f)).map((h) => h.title));
  return [...new Set(titles)];
}

/** A model's predictions of `texts`, for the saved file to remember (model-file.ts). */
export function memoOf(model: Classifier, texts: readonly string[]): Memo {
  return new Map(texts.map((t) => [t, model.predict(t)]));
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
