// Turns a headline into model features: stemmed words (negation-marked), adjacent-word bigrams, and direction features.
import stem from 'wink-porter2-stemmer';
import { directions, numberMoves } from './lexicon.js';

const NEGATIONS = new Set(['not', 'no', 'never', "n't", 'without', 'nor']);
const stems = new Map<string, string>();

/** Porter2 stem, remembered: a headline's words repeat across thousands of headlines. */
function stemmed(word: string): string {
  let s = stems.get(word);
  if (s === undefined) stems.set(word, (s = stem(word)));
  return s;
}

/**
 * Each feature of a text once per occurrence.
 * @example features("Apple shares didn't rise") // ['appl', 'share', 'did', "n't", 'NOT_rise', 'appl share', ..., 'DIRECTION_DOWN']
 */
export function features(text: string): string[] {
  const clean = text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\$[a-z][a-z.]*/g, ' ')
    .replace(/n't\b/g, " n't");
  const words: string[] = [];
  let negate = 0;
  for (const w of clean.match(/[a-z][a-z'&-]*|n't|\d+(?:[.,]\d+)?|[%+]|[.,;:!?]/g) ?? []) {
    if (/^[.,;:!?]$/.test(w)) {
      negate = 0;
      continue;
    }
    // A number is no feature (its value is, in numberMoves), and "5.2" is no full stop.
    if (/^\d/.test(w)) continue;
    if (NEGATIONS.has(w)) {
      negate = 3;
      words.push(w);
      continue;
    }
    words.push(negate > 0 ? `NOT_${w}` : w);
    if (negate > 0) negate -= 1;
  }
  const terms = words.map((w) => (w.startsWith('NOT_') ? `NOT_${stemmed(w.slice(4))}` : stemmed(w)));
  const out = terms.slice();
  for (let i = 1; i < terms.length; i++) out.push(`${terms[i - 1]} ${terms[i]}`);
  out.push(...directions(words), ...numberMoves(clean));
  return out;
}
