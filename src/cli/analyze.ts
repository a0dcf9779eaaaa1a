// `signals analyze`: one analysis per symbol from the bundled (or user) data, as a table or as JSON.
import { Chalk, type ChalkInstance } from 'chalk';
import { defaultAgents } from '../agents/index.js';
import { Analyst } from '../core/analyst.js';
import { resolveAsOf } from '../market/snapshot.js';
import { MarketStore } from '../market/store.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import { SignalsError } from '../protocol/errors.js';
import type { DecisionUpdate, SignalUpdate } from '../protocol/messages.js';
import { colorLevel, outputMode } from './output-mode.js';
import { agentTimeout, consensusConfig, llmConfig, type SharedOptions } from './options.js';

export interface AnalyzeOptions extends SharedOptions {
  json?: boolean;
  asOf?: string;
}

export async function runAnalyze(symbols: string[], options: AnalyzeOptions): Promise<void> {
  const store = new MarketStore({ dataDir: options.dataDir });
  const analyst = new Analyst({
    store,
    agents: defaultAgents({ bundledDir: store.bundledDir, llm: llmConfig(options) }),
    consensus: consensusConfig(options),
    agentTimeoutMs: agentTimeout(options),
  });
  const requests = symbols.map((raw) => {
    const symbol = normaliseSymbol(raw);
    if (symbol === '') throw new SignalsError('BAD_ARGUMENT', 'a symbol is empty; give ticker symbols such as AAPL');
    return { symbol, asOf: resolveAsOf(store, symbol, options.asOf) };
  });
  const mode = outputMode({ json: options.json ?? false, isTTY: process.stdout.isTTY ?? false, ci: Boolean(process.env.CI) });
  const showProgress = mode === 'interactive' && process.stderr.isTTY;
  const results: (SignalUpdate | DecisionUpdate)[] = [];
  for (const { symbol, asOf } of requests) {
    if (showProgress) process.stderr.write(`analysing ${symbol} as of ${asOf.slice(0, 10)}…\r`);
    results.push(await analyst.final(symbol, asOf, 'cli'));
    if (showProgress) process.stderr.write('\x1b[2K');
  }
  if (mode === 'json') {
    const data = results.map((r) => r.data);
    process.stdout.write(`${JSON.stringify(data.length === 1 ? data[0] : data, null, 2)}\n`);
    return;
  }
  const chalk = new Chalk({ level: colorLevel(process.stdout) });
  process.stdout.write(results.map((r) => formatResult(r, chalk)).join('\n'));
}

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

function colourAction(action: string, chalk: ChalkInstance): string {
  if (action === 'BUY') return chalk.green.bold(action);
  if (action === 'SELL') return chalk.red.bold(action);
  if (action === 'HOLD') return chalk.yellow.bold(action);
  return chalk.dim(action);
}

/** The human-readable table of one analysis: one row per agent, then the consensus line. */
function formatResult(result: SignalUpdate | DecisionUpdate, chalk: ChalkInstance): string {
  const lines: string[] = [];
  const d = result.data;
  const price = result.type === 'signal_update' ? result.data.price : (result.data.price ?? 0);
  lines.push(chalk.bold(`${d.symbol}  as of ${d.as_of?.slice(0, 10) ?? ''}  close ${price.toFixed(2)}`));
  lines.push(chalk.dim(`${pad('AGENT', 20)} ${pad('VOTE', 10)} ${pad('CONF', 5)}  REASON`));
  const agents =
    result.type === 'signal_update'
      ? Object.values(result.data.agents_consensus.agent_details)
      : Object.values(result.data.decision.action === 'NO_SIGNAL' ? result.data.decision.agent_summary : {}).map((a) => ({ ...a, reasoning: a.reasoning ?? [] }));
  for (const a of agents) {
    const vote = colourAction(a.signal, chalk) + ' '.repeat(Math.max(0, 10 - a.signal.length));
    lines.push(`${pad(a.name, 20)} ${vote} ${a.confidence.toFixed(2).padStart(5)}  ${a.reasoning[0] ?? ''}`);
  }
  if (result.type === 'signal_update') {
    const s = result.data;
    const c = s.agents_consensus;
    lines.push(
      `${chalk.bold('CONSENSUS')}  ${colourAction(s.action, chalk)}  confidence ${s.confidence.toFixed(2)}  ${c.consensus_strength}  ` +
        `(${c.completed_agents}/${c.total_agents} agents, weight ${(c.consensus_weight ?? 0).toFixed(2)})  ` +
        `target ${s.metadata.target_price.toFixed(2)}  stop ${s.metadata.stop_loss.toFixed(2)}`,
    );
  } else if (result.data.decision.action === 'NO_SIGNAL') {
    lines.push(`${chalk.bold('CONSENSUS')}  ${colourAction('NO_SIGNAL', chalk)}  ${result.data.decision.reason}`);
  } else {
    lines.push(`${chalk.bold('CONSENSUS')}  ${chalk.red('ERROR')}  ${result.data.decision.error}`);
  }
  return `${lines.join('\n')}\n`;
}
