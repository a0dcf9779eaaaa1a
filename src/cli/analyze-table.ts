// The human-readable form of one `signals analyze` result: a row per agent, then the consensus line.
import type { ChalkInstance } from 'chalk';
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
  return `${lines.join('\n')}\n`;
}
