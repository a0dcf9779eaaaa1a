// Evaluates the embedded sentiment model on the labelled sets: accuracy and weighted F1 per set, skipping absent sets.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { embeddedModel, LABELS, readExamples, type Example, type Label } from '../src/agents/sentiment/model.js';
import { MarketStore } from '../src/market/store.js';

const shared = process.env.SIGNALS_SHARED_DATA ?? join(process.cwd(), '..', 'shared', 'data', 'news', 'labeled');
const { bundledDir } = new MarketStore();

/** A score in [-1, 1] becomes a label with the same neutral band the sets use in practice. */
const fromScore = (score: number): Label => (score > 0.05 ? 'positive' : score < -0.05 ? 'negative' : 'neutral');

const sets: { name: string; licence: string; load: () => Example[] | undefined }[] = [
  {
    name: 'twitter-financial-news (validation split, held out from training)',
    licence: 'MIT, bundled',
    load: () => readExamples(join(bundledDir, 'sentiment', 'twitter-valid.jsonl.gz')),
  },
  {
    name: 'Financial PhraseBank, sentences with all annotators agreeing',
    licence: 'CC BY-NC-SA 3.0, evaluation only, not bundled',
    load: () => phrasebank('Sentences_AllAgree.txt'),
  },
  {
    name: 'Financial PhraseBank, 50% agreement (all 4846 sentences)',
    licence: 'CC BY-NC-SA 3.0, evaluation only, not bundled',
    load: () => phrasebank('Sentences_50Agree.txt'),
  },
  {
    name: 'SemEval-2017 Task 5 headlines (score sign, |score| < 0.05 neutral)',
    licence: 'research data, not bundled',
    load: () => {
      const file = join(shared, 'semeval2017_task5', 'SemEval2017Task5Headlines.json');
      if (!existsSync(file)) return undefined;
      const rows = JSON.parse(readFileSync(file, 'utf8')) as { title: string; sentiment: number }[];
      return rows.map((r) => ({ text: r.title, label: fromScore(r.sentiment) }));
    },
  },
  {
    name: 'FiQA 2018 task 1 posts (score sign, |score| < 0.05 neutral)',
    licence: 'research data, not bundled',
    load: () => {
      const file = join(shared, 'fiqa2018_task1', 'FiQA_post.json');
      if (!existsSync(file)) return undefined;
      const rows = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { sentence: string; info: { sentiment_score: string }[] }>;
      return Object.values(rows).map((r) => ({ text: r.sentence, label: fromScore(Number(r.info[0]!.sentiment_score)) }));
    },
  },
];

function phrasebank(file: string): Example[] | undefined {
  const path = join(shared, 'financial_phrasebank_v1.0', file);
  if (!existsSync(path)) return undefined;
  return readFileSync(path, 'latin1')
    .split(/\r?\n/)
    .filter((l) => l.includes('@'))
    .map((l) => {
      const at = l.lastIndexOf('@');
      return { text: l.slice(0, at), label: l.slice(at + 1).trim() as Label };
    });
}

/** Accuracy and support-weighted F1 over the three labels. */
export function score(examples: Example[], predict: (text: string) => Label): { accuracy: number; weightedF1: number } {
  const predicted = examples.map((e) => predict(e.text));
  let correct = 0;
  let f1Sum = 0;
  for (const label of LABELS) {
    const tp = examples.filter((e, i) => e.label === label && predicted[i] === label).length;
    const fp = examples.filter((e, i) => e.label !== label && predicted[i] === label).length;
    const support = examples.filter((e) => e.label === label).length;
    correct += tp;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    f1Sum += f1 * support;
  }
  return { accuracy: correct / examples.length, weightedF1: f1Sum / examples.length };
}

const model = embeddedModel(bundledDir);
console.log('| set | licence | n | accuracy | weighted F1 |\n| --- | --- | ---: | ---: | ---: |');
for (const set of sets) {
  const examples = set.load();
  if (!examples) {
    console.log(`| ${set.name} | ${set.licence} | absent, skipped | | |`);
    continue;
  }
  const r = score(examples, (t) => model.predict(t).label);
  console.log(`| ${set.name} | ${set.licence} | ${examples.length} | ${r.accuracy.toFixed(3)} | ${r.weightedF1.toFixed(3)} |`);
}
