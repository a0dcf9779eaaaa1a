// The human-readable form of one `signals analyze` result: a row per agent, then the consensus line.
import type { ChalkInstance } from 'chalk';
import type { CallRecord, RegimeData, TrackRecord } from '../protocol/messages.js';
import type { AnalyzeResult } from './analyze-json.js';

type AgentEntry = AnalyzeResult['agents_consensus']['agent_details'][string];

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

function colourAction(action: string, chalk: ChalkInstance): string {
  if (action === 'BUY') return chalk.green.bold(action);
  if (action === 'SELL') return chalk.red.bold(action);
  if (action === 'HOLD') return chalk.yellow.bold(action);
  return chalk.dim(action);
}

/** Where the REASON column starts. */
const REASON_AT = 61;

const fixed = (x: number | null | undefined, digits: number, width: number) =>
  (x === null || x === undefined ? '-' : x.toFixed(digits)).padStart(width);

/** Visible length: without colour codes. */
const visible = (s: string) => s.replace(/\u001B\[[0-9;]*m/g, '').length;

/** The room a reason needs beside the columns before it goes under them instead. */
const MIN_REASON = 30;

/**
 * `prefix` then `text` flowed into `width` columns at word boundaries, each further line indented by `indent`; a prefix
 * that leaves too little room puts the text under it, indented by 2. Without a width: one line.
 */
export function fold(prefix: string, text: string, width: number | undefined, indent: number): string[] {
  if (width === undefined || visible(prefix) + visible(text) <= width) return [`${prefix}${text}`];
  const room = width - visible(prefix);
  if (room < Math.min(MIN_REASON, visible(text)) && room < width - 2) return [prefix.trimEnd(), ...fold('  ', text, width, 2)];
  const lines: string[] = [];
  let line = prefix;
  let empty = true;
  for (const word of text.split(' ')) {
    if (!empty && visible(line) + 1 + visible(word) > width) {
      lines.push(line);
      line = ' '.repeat(indent);
      empty = true;
    }
    line += `${empty ? '' : ' '}${word}`;
    empty = false;
  }
  return [...lines, line];
}

/** An agent's row: its call, the chance it is right, its weight and record, and its own first reason. */
function agentRow(a: AgentEntry, chalk: ChalkInstance, width: number | undefined): string[] {
  const vote = colourAction(a.signal, chalk) + ' '.repeat(Math.max(0, 9 - a.signal.length));
  const e = a.evidence;
  // Under the evidence consensus an agent's first reason is its calibrated chance, which the columns show.
  const reason = a.reasoning[0]?.includes(' by its own rule; P(') ? a.reasoning[1] : a.reasoning[0];
  const record = e
    ? `${fixed(e.weight, 3, 6)} ${fixed(e.ic, 3, 6)} ${fixed(e.t, 1, 5)} ${(e.edge ? 'yes' : 'no').padStart(4)}`
    : `${'-'.padStart(6)} ${'-'.padStart(6)} ${'-'.padStart(5)} ${'-'.padStart(4)}`;
  const prefix = `${pad(a.name, 18)} ${vote} ${a.confidence.toFixed(2).padStart(5)} ${record}  `;
  return fold(prefix, reason ?? '', width, REASON_AT);
}

/** The regime in one line: each signal's state and reading, and whether its record shows an edge. */
function regimeLine(regime: RegimeData): string {
  const parts = Object.entries(regime).map(([id, r]) => {
    // The trend's value is a distance, as a percent; the others are read as published (VIX points, percentage points).
    const value = id === 'trend' ? `${r.value >= 0 ? '+' : ''}${(r.value * 100).toFixed(1)}%` : String(r.value);
    return `${id} ${r.state} (${r.label} ${value}${r.evidence?.edge ? ', edge' : ''})`;
  });
  return parts.join(' · ');
}

export interface TableLayout {
  /** The line under the title saying where the data comes from and how old it is (data-source.ts), when it says anything. */
  note?: string | undefined;
  /** The prices are adjusted ones that differ from those traded on the bar's day. */
  adjusted?: boolean;
  /** The terminal's width: long lines are folded at word boundaries; undefined: never folded. */
  width?: number | undefined;
}

/** The table of an analysed symbol (an ERROR result has no table: its message goes to stderr). */
export function formatTable(result: Exclude<AnalyzeResult, { action: 'ERROR' }>, chalk: ChalkInstance, layout: TableLayout = {}): string {
  const { width } = layout;
  const dim = (lines: string[]) => lines.map((l) => chalk.dim(l));
  const day = result.as_of.slice(0, 10);
  const bar = result.bar_date === day ? '' : ` (last bar ${result.bar_date})`;
  const details = Object.values(result.agents_consensus.agent_details);
  const lines = [chalk.bold(`${result.symbol}  as of ${day}${bar}  close ${result.price.toFixed(2)}${layout.adjusted ? ' (adjusted)' : ''}`)];
  if (layout.note) lines.push(...dim(fold('', layout.note, width, 2)));
  lines.push(
    chalk.dim(
      `${pad('AGENT', 18)} ${pad('VOTE', 9)} ${'CONF'.padStart(5)} ${'WEIGHT'.padStart(6)} ${'IC'.padStart(6)} ${'T'.padStart(5)} ${'EDGE'.padStart(4)}  REASON`,
    ),
  );
  for (const a of details) lines.push(...agentRow(a, chalk, width));
  const head = `${chalk.bold('CONSENSUS')}  ${colourAction(result.action, chalk)}  `;
  if (result.action === 'NO_SIGNAL') {
    lines.push(...fold(head, result.reason, width, 2));
  } else {
    const c = result.agents_consensus;
    const levels =
      result.action === 'HOLD' ? '' : `  target ${result.metadata.target_price.toFixed(2)}  stop ${result.metadata.stop_loss.toFixed(2)}`;
    const text = `confidence ${result.confidence.toFixed(2)}  ${c.consensus_strength}  (${c.completed_agents}/${c.total_agents} agents, weight ${result.consensus_weight.toFixed(2)})${levels}`;
    lines.push(...fold(head, text, width, 2));
  }
  if (result.evidence) lines.push(...fold('', `${result.evidence.label}; consensus on ${result.evidence.universe}`, width, 2));
  // The footnote of the evidence consensus, whose confidences are chances (the vote formula's are the agents' own).
  if (result.evidence) {
    const universe = result.evidence.universe;
    lines.push(
      ...dim(fold('', 'CONF: chance the call is right in 21 days (beats SPY; market-wide: the market beats cash), from its record.', width, 2)),
      ...dim(fold('', `IC, T: monthly rank IC and t before this date on ${universe}; EDGE: t >= 2 (docs/evidence.md)`, width, 2)),
    );
  }
  if (result.regime && Object.keys(result.regime).length > 0) lines.push(...fold('REGIME  ', regimeLine(result.regime), width, 8));
  if (result.track_record) lines.push(...trackLines(result.track_record, result.agents_consensus.agent_details, chalk, width));
  return `${lines.join('\n')}\n`;
}

/** The track record under the table: the consensus's and each agent's past calls, hit rate and mean excess return. */
function trackLines(record: TrackRecord, details: Record<string, { name: string }>, chalk: ChalkInstance, width: number | undefined): string[] {
  const row = (label: string, r: CallRecord, weight?: number) => {
    const hit = r.hit_rate === null ? '-' : `${(r.hit_rate * 100).toFixed(1)}%`;
    const excess = r.mean_excess_return === null ? '-' : `${r.mean_excess_return >= 0 ? '+' : ''}${(r.mean_excess_return * 100).toFixed(2)}%`;
    return `${pad(label, 20)} ${String(r.calls).padStart(6)} ${hit.padStart(7)} ${excess.padStart(9)}${weight === undefined ? '' : `  ${weight.toFixed(3).padStart(6)}`}`;
  };
  const horizon = record.consensus.horizon_days;
  return [
    ...fold(
      '',
      `TRACK RECORD before this date, calls at ${horizon} days${record.since ? ` since ${record.since}` : ''} (monthly; an agent's are its own rule's)`,
      width,
      2,
    ).map((l) => chalk.dim(l)),
    chalk.dim(`${pad('', 20)} ${'CALLS'.padStart(6)} ${'HIT'.padStart(7)} ${'VS SPY'.padStart(9)}  ${'WEIGHT'.padStart(6)}`),
    row('consensus', record.consensus),
    ...Object.entries(record.agents).map(([id, a]) => row(details[id]?.name ?? id, a, a.weight)),
  ];
}
