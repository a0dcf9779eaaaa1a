// `--csv FILE`: one row per step, the decision, the position it leads to, what followed, and every agent's vote.
import type { StepRow } from './runner.js';

const fixed = (x: number | null, digits: number) => (x === null ? '' : String(Math.round(x * 10 ** digits) / 10 ** digits || 0));

/**
 * The CSV text: `date,symbol,action,confidence,score,price,position,next_open`, `fwd_<h>` per horizon, then a
 * `<agent>_signal,<agent>_confidence` pair per agent. Prices to the cent, forward returns as fractions to 6 places
 * (empty past the end of the data). No field needs quoting: symbols, actions and agent ids have no commas.
 * @example stepsCsv(rows, [5, 21]).split('\n')[0] // 'date,symbol,action,confidence,score,price,position,next_open,fwd_5,fwd_21,technical_signal,...'
 */
export function stepsCsv(steps: Iterable<StepRow>, horizons: readonly number[]): string {
  const rows = [...steps];
  const agents = Object.keys(rows[0]?.votes ?? {});
  const header = [
    'date',
    'symbol',
    'action',
    'confidence',
    'score',
    'price',
    'position',
    'next_open',
    ...horizons.map((h) => `fwd_${h}`),
    ...agents.flatMap((id) => [`${id}_signal`, `${id}_confidence`]),
  ];
  const lines = rows.map((r) =>
    [
      r.date,
      r.symbol,
      r.action,
      fixed(r.confidence, 4),
      fixed(r.score, 4),
      fixed(r.price, 2),
      String(r.position),
      fixed(r.nextOpen, 2),
      ...r.forward.map((f) => fixed(f, 6)),
      ...agents.flatMap((id) => [r.votes[id]?.signal ?? '', fixed(r.votes[id]?.confidence ?? null, 4)]),
    ].join(','),
  );
  return `${[header.join(','), ...lines].join('\n')}\n`;
}
