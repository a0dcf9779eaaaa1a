// The help overlay (`?`): every key, and a legend for the columns, the bars and the marks.
import type { Line } from './detail.js';
import { fit, wrap } from './format.js';

export const KEYS: [string, string][] = [
  ['↑/↓', 'select a symbol (in the detail and help: scroll; PgUp/PgDn a page)'],
  ['Enter', "the selected symbol's detail: every agent's reasons and indicators, target, stop, history"],
  ['s / S', 'sort by the next key (watchlist, change, action, confidence, symbol) / reverse it'],
  ['/', 'filter: part of a symbol, or an action (buy, sell, hold, no_signal); Enter keeps it, Esc clears it'],
  ['a', 'analyse the selected symbol now'],
  ['+ / -', 'add a symbol / remove the selected one'],
  ['?', 'this help; Esc or ? closes it'],
  ['q, Ctrl-C', 'quit (Esc too, when nothing is open)'],
];

export const LEGEND: [string, string][] = [
  ['CHG%', 'change since the previous close, in percent'],
  ['TREND', 'the last prices received, lowest ▁ to highest █'],
  ['ACTION', 'the consensus: BUY, SELL or HOLD; NO_SIGNAL when the agents did not agree enough (Enter says why)'],
  [
    'CONF',
    "the consensus's confidence, 0 to 1: the mean of the agreeing agents' confidences, weighted by each agent's weight and by its confidence, capped at 0.95",
  ],
  ['STRENGTH', "how much of the agents' weight backs the action (each vote counts weight × confidence): STRONG ≥ 0.8, MODERATE ≥ 0.6, else WEAK"],
  [
    'TRIGGER',
    'what started the analysis: price_move (the price moved past the threshold), manual (a), initial, connect, cli; snapshot is the latest one, sent on subscribing',
  ],
  ['AGE', 'while the data may be out of date (disconnected, feed ended, market closed): how long ago the row last changed; the rows are dimmed'],
  ['█░ bars', "an agent's confidence, ten cells for 1.00"],
  ['marks', '› the selected row · ! turned BUY or SELL since you last selected it · ▼/▲ the sorted column, in its natural order or reversed'],
];

/** The help as lines of at most `width`, the descriptions wrapped beside their names. */
export function helpLines(width: number): Line[] {
  const section = (title: string, items: [string, string][]): Line[] => [
    { text: title, bold: true },
    ...items.flatMap(([name, text]) => wrap(text, Math.max(10, width - 12)).map((t, i) => ({ text: `${fit(i === 0 ? name : '', 11)} ${t}` }))),
  ];
  return [...section('keys', KEYS), { text: '' }, ...section('legend', LEGEND)];
}
