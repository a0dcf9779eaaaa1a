// The sentiment model the build saves (a binary file) predicts exactly what the trained model does, and a damaged or foreign file is not read.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../../src/agents/sentiment/model-file.js';
import {
  bundledTitles,
  embeddedModel,
  LABELS,
  memoOf,
  readExamples,
  savedModelPath,
  trainEmbeddedModel,
  type Classifier,
} from '../../src/agents/sentiment/model.js';
import { MarketStore } from '../../src/market/store.js';

const { bundledDir } = new MarketStore();
const trained = trainEmbeddedModel(bundledDir);
const encoded = encodeModel(trained.parameters(), memoOf(trained, bundledTitles(bundledDir)));

/** Every bundled headline, the held-out validation split, and texts with no known feature at all. */
const texts = [
  ...readdirSync(join(bundledDir, 'news')).flatMap((file) =>
    gunzipSync(readFileSync(join(bundledDir, 'news', file)))
      .toString('utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => (JSON.parse(line) as { title: string }).title),
  ),
  ...readExamples(join(bundledDir, 'sentiment', 'twitter-valid.jsonl.gz')).map((e) => e.text),
  '',
  '!!!',
  'Zyxwvut qqqq Ünïcödé 株価',
];

/** The texts on which `model` does not give exactly (to the last bit) the trained model's label and probabilities. */
const differences = (model: Classifier) =>
  texts.filter((text) => {
    const a = model.predict(text);
    const b = trained.predict(text);
    return a.label !== b.label || LABELS.some((l) => !Object.is(a.probabilities[l], b.probabilities[l]));
  });

describe('the saved sentiment model', () => {
  it('predicts exactly what the trained model predicts, on every bundled headline and the validation split', () => {
    expect(texts.length).toBeGreaterThan(10_000);
    const saved = decodeModel(encoded);
    expect(saved).toBeDefined();
    expect(differences(saved!)).toEqual([]);
  });

  it("answers a remembered text from memory and any other by the model's numbers, which alone give the same", () => {
    const planted = { label: 'positive', probabilities: { negative: 0.25, neutral: 0.25, positive: 0.5 } } as const;
    const model = decodeModel(encodeModel(trained.parameters(), new Map([['Shares jump', planted]])))!;
    expect(model.predict('Shares jump')).toEqual(planted);
    expect(model.predict('Shares jump!')).toEqual(trained.predict('Shares jump!'));
    expect(differences(decodeModel(encodeModel(trained.parameters()))!)).toEqual([]);
  });

  it('is what the build wrote and what the embedded model reads', () => {
    const file = savedModelPath(bundledDir);
    expect(existsSync(file), `${file}: run the build`).toBe(true);
    expect(readFileSync(file).equals(encoded)).toBe(true);
    expect(differences(embeddedModel(bundledDir))).toEqual([]);
  });

  it('is not read when it is cut short, of another format, or in the other byte order', () => {
    const changed = (at: number, bytes: string) => {
      const copy = Buffer.from(encoded);
      copy.write(bytes, at, 'latin1');
      return copy;
    };
    const otherOrder = encoded.toString('latin1', 16, 18) === 'LE' ? 'BE' : 'LE';
    expect(decodeModel(encoded.subarray(0, encoded.length - 1))).toBeUndefined();
    expect(decodeModel(encoded.subarray(0, 1000))).toBeUndefined();
    expect(decodeModel(changed(0, 'JSON'))).toBeUndefined();
    expect(decodeModel(changed(4, '\x02'))).toBeUndefined();
    expect(decodeModel(changed(16, otherOrder))).toBeUndefined();
  });
});
