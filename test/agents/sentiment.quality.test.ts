// The embedded sentiment model's quality on the bundled held-out split, and the finance direction features it relies on.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/agents/sentiment/evaluate.js';
import { directions, DOWN_FEATURE, numberMoves, UP_FEATURE } from '../../src/agents/sentiment/lexicon.js';
import { embeddedModel, readExamples } from '../../src/agents/sentiment/model.js';
import { MarketStore } from '../../src/market/store.js';

const { bundledDir } = new MarketStore();
const model = embeddedModel(bundledDir);

describe('the embedded sentiment model', () => {
  it('reaches weighted F1 0.85 on the twitter-financial-news validation split, which it never trained on', () => {
    const valid = readExamples(join(bundledDir, 'sentiment', 'twitter-valid.jsonl.gz'));
    expect(valid.length).toBe(2388);
    const scores = evaluate(valid, (text) => model.predict(text).label);
    expect(scores.weightedF1).toBeGreaterThanOrEqual(0.85);
    expect(scores.recall.positive).toBeGreaterThan(0.65);
    expect(scores.recall.negative).toBeGreaterThan(0.6);
  });

  it('reads results in the plain language of company reports', () => {
    expect(model.predict('Operating profit rose to EUR 13.1 mn from EUR 8.7 mn').label).toBe('positive');
    expect(model.predict('Net sales decreased to EUR 20 mn from EUR 25 mn').label).toBe('negative');
    expect(model.predict('The company will hold its annual general meeting on 5 May').label).toBe('neutral');
  });

  it('gives probabilities that sum to one, with the label the likeliest', () => {
    const { label, probabilities } = model.predict('Shares plunge after the profit warning');
    expect(probabilities.negative + probabilities.neutral + probabilities.positive).toBeCloseTo(1, 12);
    expect(Math.max(...Object.values(probabilities))).toBe(probabilities[label]);
  });
});

describe('direction features', () => {
  it('reads a figure going up or down, reversed for a figure that is better smaller and when negated', () => {
    expect(directions(['profit', 'rose'])).toEqual([UP_FEATURE]);
    expect(directions(['sales', 'fell'])).toEqual([DOWN_FEATURE]);
    expect(directions(['net', 'loss', 'narrowed'])).toEqual([UP_FEATURE]);
    expect(directions(['costs', 'increased'])).toEqual([DOWN_FEATURE]);
    expect(directions(['did', "n't", 'NOT_rise'])).toEqual([DOWN_FEATURE]);
    expect(directions(['annual', 'meeting'])).toEqual([]);
  });

  it('reads "to X from Y" and "from Y to X" by comparing the numbers', () => {
    expect(numberMoves('raises price target to $50 from $40')).toEqual([UP_FEATURE]);
    expect(numberMoves('sales fell from eur 1,200 mn to eur 950 mn')).toEqual([DOWN_FEATURE]);
    expect(numberMoves('operating loss shrank to eur 2 mn from eur 5 mn')).toEqual([UP_FEATURE]);
    expect(numberMoves('dividend unchanged at 10 from 10')).toEqual([]);
  });
});
