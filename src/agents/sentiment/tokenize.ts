// Turns a headline into model features: lower-cased words, negation-marked, plus adjacent-word bigrams.

const NEGATIONS = new Set(['not', 'no', 'never', "n't", 'without', 'fails', 'failed', 'miss', 'misses', 'missed']);
const STOP = new Set([
  'the',
  'a',
  'an',
  'of',
  'to',
  'in',
  'on',
  'for',
  'and',
  'is',
  'at',
  'by',
  'as',
  'with',
  'its',
  'it',
  'from',
  'be',
  'that',
  'this',
  'are',
  'was',
]);

/**
 * @example features("Apple shares didn't rise") // ['apple', 'shares', 'did', "n't", 'NOT_rise', 'apple shares', ...]
 */
export function features(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\$[a-z][a-z.]*/g, ' ')
    .replace(/n't\b/g, " n't")
    .match(/[a-z][a-z'&-]*|n't|[%+]|[.,;:!?]/g);
  if (!words) return [];
  const tokens: string[] = [];
  let negate = 0;
  for (const w of words) {
    if (/^[.,;:!?]$/.test(w)) {
      negate = 0;
      continue;
    }
    if (NEGATIONS.has(w)) {
      negate = 3;
      tokens.push(w);
      continue;
    }
    if (STOP.has(w)) continue;
    tokens.push(negate > 0 ? `NOT_${w}` : w);
    if (negate > 0) negate -= 1;
  }
  const out = tokens.slice();
  for (let i = 1; i < tokens.length; i++) out.push(`${tokens[i - 1]} ${tokens[i]}`);
  return out;
}
