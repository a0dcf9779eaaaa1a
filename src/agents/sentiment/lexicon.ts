// A small finance direction lexicon of our own: words that say a figure went up or down, and the figures for which down is good.

const words = (list: string) => new Set(list.split(/\s+/).filter((w) => w !== ''));

/** Said of a figure that went up, or of a stock an analyst likes. */
const UP = words(`
  rise rises rising rose risen increase increases increased increasing grow grows growing grew grown growth gain gains gained
  jump jumps jumped surge surges surged soar soars soared climb climbs climbed rally rallies rallied improve improves improved
  improvement boost boosts boosted higher highest record beat beats exceed exceeds exceeded expand expands expanded expansion
  double doubled tripled upgrade upgrades upgraded raise raises raised outperform outperforms outperformed strong stronger
  strongest up advance advanced advances rebound rebounded recover recovered recovery win wins won award awarded profitable
  bullish buy`);

/** Said of a figure that went down, or of a stock an analyst dislikes. */
const DOWN = words(`
  fall falls falling fell fallen decline declines declined declining decrease decreases decreased decreasing drop drops dropped
  slump slumped plunge plunged plunges tumble tumbled slide slid slides sink sank sinks weak weaker weakest miss misses missed
  cut cuts downgrade downgrades downgraded reduce reduces reduced reduction shrink shrank shrinks contract contracted lower
  lowest down slow slowed slowing narrow narrowed narrows halve halved worsen worsened deteriorate deteriorated underperform
  underperforms bearish sell lose loses lost`);

/** Figures that are better smaller: "the loss narrowed" is good news, "costs rose" bad. */
const BAD_FIGURES = words('loss losses cost costs debt deficit layoffs unemployment expenses impairment writedown charges');

export const UP_FEATURE = 'DIRECTION_UP';
export const DOWN_FEATURE = 'DIRECTION_DOWN';

/**
 * One direction feature per direction word among `words` (lower-case, "NOT_" marking a negated one): up or down,
 * reversed when a figure that is better smaller stands within three words, and reversed again when negated.
 * @example directions(['net', 'loss', 'narrowed']) // ['DIRECTION_UP']
 */
export function directions(words: readonly string[]): string[] {
  const out: string[] = [];
  words.forEach((word, i) => {
    const negated = word.startsWith('NOT_');
    const w = negated ? word.slice(4) : word;
    let direction = UP.has(w) ? 1 : DOWN.has(w) ? -1 : 0;
    if (direction === 0) return;
    if (words.slice(Math.max(0, i - 3), i + 4).some((x) => BAD_FIGURES.has(x))) direction = -direction;
    if (negated) direction = -direction;
    out.push(direction > 0 ? UP_FEATURE : DOWN_FEATURE);
  });
  return out;
}

const NUMBER = String.raw`(?:[a-z$€£]{1,4}\s?)?(\d[\d,]*(?:\.\d+)?)`;
const TO_FROM = new RegExp(String.raw`\bto\s${NUMBER}[^.;]{0,25}?\bfrom\s${NUMBER}`, 'g');
const FROM_TO = new RegExp(String.raw`\bfrom\s${NUMBER}[^.;]{0,25}?\bto\s${NUMBER}`, 'g');
const number = (s: string) => Number(s.replace(/,/g, ''));

/**
 * The direction of each figure a lower-cased text moves "to X from Y" or "from Y to X", reversed for a figure that is
 * better smaller (named in the 40 characters before).
 * @example numberMoves('raises price target to $50 from $40') // ['DIRECTION_UP']
 */
export function numberMoves(text: string): string[] {
  const moves: { from: number; to: number; at: number }[] = [];
  for (const m of text.matchAll(TO_FROM)) moves.push({ to: number(m[1]!), from: number(m[2]!), at: m.index });
  for (const m of text.matchAll(FROM_TO)) moves.push({ from: number(m[1]!), to: number(m[2]!), at: m.index });
  return moves
    .filter((m) => m.from !== m.to)
    .map((m) => {
      const before = text.slice(Math.max(0, m.at - 40), m.at);
      const bad = [...BAD_FIGURES].some((w) => before.includes(w));
      return m.to > m.from !== bad ? UP_FEATURE : DOWN_FEATURE;
    });
}
