// The human-readable form of one `signals analyze` result: a row per agent, then the consensus line.
import type { ChalkInstance } from 'chalk';
import type { CallRecord, TrackRecord } from '../protocol/messages.js';
import type { AnalyzeResult } from './analyze-json.js';

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

function colourAction(action: string, chalk: ChalkInstance): string {
  if (action === 'BUY') return chalk.green.bold(action);
  if (action === 'SELL') return chalk.red.bold(action);
  if (action === 'HOLD') return chalk.yellow.bold(action);
  return chalk.dim(action);
}

/** The table of an analysed symbol (an ERROR result has no table: its message goes to stderr). */
export function formatTable(result: Exclude<AnalyzeResult, { action: 'ERROR' }>, chalk: ChalkInstance): string {
  const day = result.as_of.slice(0, 10);
  const bar = result.bar_date === day ? '' : ` (last bar ${result.bar_date})`;
  const lines = [
    chalk.bold(`${result.symbol}  as of ${day}${bar}  close ${result.price.toFixed(2)}`),
    chalk.dim(`${pad('AGENT', 20)} ${pad('VOTE', 10)} ${pad('CONF', 5)}  REASON`),
  ];
  for (const a of Object.values(result.agents_consensus.agent_details)) {
    const vote = colourAction(a.signal, chalk) + ' '.repeat(Math.max(0, 10 - a.signal.length));
    lines.push(`${pad(a.name, 20)} ${vote} ${a.confidence.toFixed(2).padStart(5)}  ${a.reasoning[0] ?? ''}`);
  }
  const head = `${chalk.bold('CONSENSUS')}  ${colourAction(result.action, chalk)}`;
  if (result.action === 'NO_SIGNAL') {
    lines.push(`${head}  ${result.reason}`);
  } else {
    const c = result.agents_consensus;
    const levels =
      result.action === 'HOLD' ? '' : `  target ${result.metadata.target_price.toFixed(2)}  stop ${result.metadata.stop_loss.toFixed(2)}`;
    lines.push(
      `${head}  confidence ${result.confidence.toFixed(2)}  ${c.consensus_strength}  ` +
        `(${c.completed_agents}/${c.total_agents} agents, weight ${result.consensus_weight.toFixed(2)})${levels}`,
    );
  }
  if (result.track_record) lines.push(...trackLines(result.track_record, result.agents_consensus.agent_details, chalk));
  return `${lines.join('\n')}\n`;
}

/** The track record under the table: the consensus's and each agent's past calls, hit rate and mean excess return. */
function trackLines(record: TrackRecord, details: Record<string, { name: string }>, chalk: ChalkInstance): string[] {
  const row = (label: string, r: CallRecord, weight?: number) => {
    const hit = r.hit_rate === null ? '-' : `${(r.hit_rate * 100).toFixed(1)}%`;
    const excess = r.mean_excess_return === null ? '-' : `${r.mean_excess_return >= 0 ? '+' : ''}${(r.mean_excess_return * 100).toFixed(2)}%`;
    return `${pad(label, 20)} ${String(r.calls).padStart(6)} ${hit.padStart(7)} ${excess.padStart(9)}${weight === undefined ? '' : `  ${weight.toFixed(2).padStart(6)}`}`;
  };
  const horizon = record.consensus.horizon_days;
  return [
    chalk.dim(
      `TRACK RECORD before this date, calls at ${horizon} days${record.since ? ` since ${record.since}` : ''} (monthly; an agent's are its own rule's)`,
    ),
    chalk.dim(`${pad('', 20)} ${'CALLS'.padStart(6)} ${'HIT'.padStart(7)} ${'VS SPY'.padStart(9)}  ${'WEIGHT'.padStart(6)}`),
    row('consensus', record.consensus),
    ...Object.entries(record.agents).map(([id, a]) => row(details[id]?.name ?? id, a, a.weight)),
  ];
}
