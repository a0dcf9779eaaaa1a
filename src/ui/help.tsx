// The help overlay (`?`): every key, and a legend for the columns, the confidences, the evidence, the regime and the marks.
import type { Line } from './detail.js';
import { fit, wrap } from './format.js';

export const KEYS: [string, string][] = [
  ['↑/↓', 'select a symbol (in the detail and help: scroll; PgUp/PgDn a page)'],
  ['Enter', "the selected symbol's detail: the calls, their chance of being right, their evidence, reasons, target, stop, regime, history"],
  [
    'r',
    "the ranked view: the server's universe, top and bottom 10 by the consensus on the latest close; ↑/↓ select, Enter subscribes to the symbol (adding it to the watchlist) and opens its detail, Esc or r goes back",
  ],
  ['s / S', 'sort by the next key (watchlist, change, action, confidence, symbol) / reverse it'],
  ['/', 'filter: part of a symbol, or an action (buy, sell, hold, no_signal); Enter keeps it, Esc clears it'],
  ['a', 'analyse the selected symbol now'],
  ['+ / -', 'add a symbol / remove the selected one'],
  ['?', 'this help; Esc or ? closes it'],
  ['q, Ctrl-C', 'quit, from anywhere (q types a q into a prompt); Esc never quits: it closes a prompt, the detail, the ranked view or this help'],
];

export const LEGEND: [string, string][] = [
  [
    'header',
    "the connection, then where the data comes from: `replay of bundled data · 2025-07-08 14:25 UTC` is the server replaying the bundled history of that day, faster than real time (not today's market); a live provider shows the market's state and clock; then the server's universe (universe bundled, or sp500: the S&P 500 as it was on each day)",
  ],
  ['+N more', "rows that do not fit the terminal, counted: under the table (↑/↓ scrolls it), or in the agents' title (Enter shows them all)"],
  ['CHG%', 'change since the previous close, in percent'],
  ['TREND', 'the last prices received, lowest ▁ to highest █'],
  [
    'ACTION',
    "the consensus's call: BUY or SELL when the agents' calls, each weighted by its evidence, agree by 0.5 or more net of dissent; HOLD otherwise; NO_SIGNAL when too few agents completed (Enter says why)",
  ],
  [
    'CONF',
    "P(right): the chance, calibrated on the consensus's own record before the signal, that the call is right over 21 trading days: a BUY beats SPY, a SELL trails it. HOLD is no call: its CONF is the likelier side's chance. (With --reference-consensus: the vote formula's confidence.)",
  ],
  [
    'RANK',
    "the symbol's place in the server's universe ranked by the consensus (its weighted agreement, then its P(right)) on the latest close: 1 is the strongest BUY; 12/498 is 12th of 498 ranked",
  ],
  [
    'ranked view',
    '(r) RANK; the call; CONF, its P(right); AGREE, the weighted agreement (-1 all SELL to +1 all BUY); PCTL, the percentile of the day (100 the highest, ties share); ● on your watchlist',
  ],
  ['EDGE', "whether the consensus's record passes the edge test (one-sided, t ≥ 2 on its monthly IC): ✓ yes, - not demonstrated"],
  ['STRENGTH', 'how far the agents agree (the size of their weighted agreement): STRONG ≥ 0.8, MODERATE ≥ 0.65, else WEAK'],
  [
    'TRIGGER',
    'what started the analysis: price_move (the price moved past the threshold), manual (a), initial, connect, cli; snapshot is the latest one, sent on subscribing',
  ],
  ['AGE', 'while the data may be out of date (disconnected, feed ended, market closed): how long ago the row last changed; the rows are dimmed'],
  [
    'agents',
    "each agent's own rule's call, never rewritten, and P(right): the chance its call is right at 21 days (a stock agent's: the stock beats SPY in the call's direction; a market-wide one's: the market beats cash)",
  ],
  ['█░ bars', "an agent's P(right), ten cells for 1.00"],
  [
    'evidence',
    "(Enter) each record before the as-of time, pooled over the universe named (e.g. bundled (29 stocks)), or for a market-wide method the market over time: months of record; IC, the monthly rank correlation of the score with the return in excess of SPY, with its 95% interval; its t (Newey-West); hit, the share of its BUY and SELL calls that were right; shrunk IC, the prior updated by the record; weight, the agent's weight in the consensus (its shrunk IC, at least 0.001; 0 for a market-wide agent); and the verdict in words",
  ],
  [
    'own rule',
    "(Enter) the agent's own past calls on this symbol: how many, the share right (beat SPY in the call's direction), the mean return against SPY",
  ],
  [
    'regime',
    '(header; Enter for the readings and their records) the market: SPY vs its 10-month average (trend up/down), the VIX (calm < 20, elevated ≤ 30, stressed), the 10y-2y yield curve (normal/inverted), the Sahm rule (clear/triggered); from the latest signal received',
  ],
  [
    'consensus',
    "(under the table, when the terminal is tall enough) the selected symbol's price, target and stop, the chance the consensus's call is right, its reasons and evidence; Enter shows it all",
  ],
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
