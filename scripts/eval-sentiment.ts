// Evaluates the embedded sentiment model on every labelled set: the bundled validation split and the shared evaluation-only
// sets. A missing set fails the run (exit 1) after the table of the others: a quietly shorter table reads as a full one.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, type Example } from '../src/agents/sentiment/evaluate.js';
import { embeddedModel, readExamples, type Label } from '../src/agents/sentiment/model.js';
import { MarketStore } from '../src/market/store.js';

const SHARED_VARIABLE = 'SIGNALS_SHARED_DATA';
const shared = process.env[SHARED_VARIABLE] ?? join(process.cwd(), '..', 'shared', 'data', 'news', 'labeled');
const { bundledDir } = new MarketStore();

/** A score in [-1, 1] becomes a label with the same neutral band the sets use in practice. */
const fromScore = (score: number): Label => (score > 0.05 ? 'positive' : score < -0.05 ? 'negative' : 'neutral');

interface LabelledSet {
  name: string;
  licence: string;
  file: string;
  load: (file: string) => Example[];
}

const sets: LabelledSet[] = [
  {
    name: 'twitter-financial-news (validation split, held out from training)',
    licence: 'MIT, bundled',
    file: join(bundledDir, 'sentiment', 'twitter-valid.jsonl.gz'),
    load: readExamples,
  },
  {
    name: 'Financial PhraseBank, sentences with all annotators agreeing',
    licence: 'CC BY-NC-SA 3.0, evaluation only, not bundled',
    file: join(shared, 'financial_phrasebank_v1.0', 'Sentences_AllAgree.txt'),
    load: phrasebank,
  },
  {
    name: 'Financial PhraseBank, 50% agreement (all 4846 sentences)',
    licence: 'CC BY-NC-SA 3.0, evaluation only, not bundled',
    file: join(shared, 'financial_phrasebank_v1.0', 'Sentences_50Agree.txt'),
    load: phrasebank,
  },
  {
    name: 'SemEval-2017 Task 5 headlines (score sign, |score| < 0.05 neutral)',
    licence: 'research data, not bundled',
    file: join(shared, 'semeval2017_task5', 'SemEval2017Task5Headlines.json'),
    load: (file) => {
      const rows = JSON.parse(readFileSync(file, 'utf8')) as { title: string; sentiment: number }[];
      return rows.map((r) => ({ text: r.title, label: fromScore(r.sentiment) }));
    },
  },
  {
    name: 'FiQA 2018 task 1 posts (score sign, |score| < 0.05 neutral)',
    licence: 'research data, not bundled',
    file: join(shared, 'fiqa2018_task1', 'FiQA_post.json'),
    load: (file) => {
      const rows = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { sentence: string; info: { sentiment_score: string }[] }>;
      return Object.values(rows).map((r) => ({ text: r.sentence, label: fromScore(Number(r.info[0]!.sentiment_score)) }));
    },
  },
];

/** PhraseBank's `sentence@label` lines, in Latin-1. */
function phrasebank(file: string): Example[] {
  return readFileSync(file, 'latin1')
    .split(/\r?\n/)
    .filter((l) => l.includes('@'))
    .map((l) => {
      const at = l.lastIndexOf('@');
      return { text: l.slice(0, at), label: l.slice(at + 1).trim() as Label };
    });
}

const model = embeddedModel(bundledDir);
const missing = sets.filter((set) => !existsSync(set.file));
console.log('| set | licence | n | accuracy | weighted F1 | recall neg / neu / pos |\n| --- | --- | ---: | ---: | ---: | ---: |');
for (const set of sets) {
  if (missing.includes(set)) continue;
  const examples = set.load(set.file);
  const r = evaluate(examples, (t) => model.predict(t).label);
  const recall = [r.recall.negative, r.recall.neutral, r.recall.positive].map((x) => x.toFixed(3)).join(' / ');
  console.log(
    `| ${set.name.replaceAll('|', '\\|')} | ${set.licence} | ${examples.length} | ${r.accuracy.toFixed(3)} | ${r.weightedF1.toFixed(3)} | ${recall} |`,
  );
}
if (missing.length > 0) {
  console.error(
    [
      `eval:sentiment: ${missing.length} of ${sets.length} labelled sets are missing, so these figures are incomplete:`,
      ...missing.map((set) => `  ${set.name}: ${set.file}`),
      `The shared sets are read from ${shared} (set ${SHARED_VARIABLE} to the folder holding financial_phrasebank_v1.0/,`,
      'semeval2017_task5/ and fiqa2018_task1/); the validation split is bundled in data/sentiment/.',
    ].join('\n'),
  );
  process.exitCode = 1;
}
