// Options several commands share: data folder, consensus formula, LLM backend, agent timeout, server limits.
import { Option, type Command } from 'commander';
import { AGENT_IDS } from '../agents/index.js';
import type { LlmConfig } from '../agents/sentiment/llm.js';
import { DEFAULT_CONSENSUS, REFERENCE_CONSENSUS, type ConsensusConfig } from '../orchestrator/consensus.js';
import { SignalsError } from '../protocol/errors.js';
import { decimal, wholeNumber } from './parse.js';

export interface SharedOptions {
  dataDir?: string;
  minConfidence?: string;
  gate?: string;
  quorum?: string;
  weights?: string;
  referenceConsensus?: boolean;
  llmUrl?: string;
  llmModel?: string;
  agentTimeout?: string;
}

export function addDataOption(command: Command): Command {
  return command.addOption(
    new Option('--data-dir <dir>', 'folder of SYMBOL.csv files (Date,Open,High,Low,Close[,Adj Close],Volume) that add to or override the bundled data').env('SIGNALS_DATA_DIR'),
  );
}

export function addAnalysisOptions(command: Command): Command {
  return addDataOption(command)
    .addOption(new Option('--min-confidence <x>', 'drop agent votes below this confidence').env('SIGNALS_MIN_CONFIDENCE'))
    .addOption(new Option('--gate <x>', 'consensus weight below which no signal is given').env('SIGNALS_GATE'))
    .addOption(new Option('--quorum <n>', 'completed agents needed for a signal').env('SIGNALS_QUORUM'))
    .addOption(new Option('--weights <list>', 'agent weights, e.g. technical=1.5,sentiment=0.5').env('SIGNALS_WEIGHTS'))
    .addOption(new Option('--reference-consensus', "use the old service's consensus formula unchanged"))
    .addOption(new Option('--llm-url <url>', 'OpenAI-compatible API for headline sentiment, e.g. http://127.0.0.1:8001/v1').env('SIGNALS_LLM_URL'))
    .addOption(new Option('--llm-model <name>', 'model name for --llm-url').env('SIGNALS_LLM_MODEL').default('FinGPT/fingpt-sentiment_llama2-13b_lora'))
    .addOption(new Option('--agent-timeout <ms>', 'time limit per agent').env('SIGNALS_AGENT_TIMEOUT').default('5000'));
}

/** Options of the in-process server: flag, help (with the accepted range), environment variable, parser, default. */
const SERVER_OPTIONS = [
  ['--seed <n>', 'seed of the synthetic intraday paths (0 to 4294967295)', 'SIGNALS_SEED', wholeNumber('--seed', 0, 2 ** 32 - 1), 1],
  ['--price-rate <n>', 'price updates per second per symbol, at most (0.01 to 1000)', 'SIGNALS_PRICE_RATE', decimal('--price-rate', 0.01, 1000), 4],
  ['--max-connections <n>', 'connections in total (1 to 1000000)', 'SIGNALS_MAX_CONNECTIONS', wholeNumber('--max-connections', 1, 1_000_000), 20_000],
  ['--max-subscriptions <n>', 'subscriptions per connection (1 to 100000)', 'SIGNALS_MAX_SUBSCRIPTIONS', wholeNumber('--max-subscriptions', 1, 100_000), 100],
  ['--message-rate <n>', 'messages per second per connection, burst twice that (1 to 10000)', 'SIGNALS_MESSAGE_RATE', decimal('--message-rate', 1, 10_000), 20],
  ['--analyze-rate <n>', 'analyze requests per second per connection, burst five times that (0.01 to 1000)', 'SIGNALS_ANALYZE_RATE', decimal('--analyze-rate', 0.01, 1000), 1],
] as const;

/** The replay seed and the limits: shown with their environment variables on `serve`, hidden on `watch` (for --local). */
export function addServerOptions(command: Command, shown: boolean): Command {
  for (const [flags, description, envVar, parse, value] of SERVER_OPTIONS) {
    const option = new Option(flags, description).argParser(parse).default(value);
    command.addOption(shown ? option.env(envVar) : option.hideHelp());
  }
  return command;
}

function number(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new SignalsError('BAD_ARGUMENT', `${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function consensusConfig(options: SharedOptions): ConsensusConfig {
  const config = { ...(options.referenceConsensus ? REFERENCE_CONSENSUS : DEFAULT_CONSENSUS), weights: {} as Record<string, number> };
  if (options.minConfidence !== undefined) config.minConfidence = number('--min-confidence', options.minConfidence, 0, 1);
  if (options.gate !== undefined) config.gate = number('--gate', options.gate, 0, 1);
  if (options.quorum !== undefined) config.quorum = number('--quorum', options.quorum, 0, 100);
  for (const pair of options.weights?.split(',').filter((p) => p !== '') ?? []) {
    const [id, raw] = pair.split('=');
    if (!id || raw === undefined) throw new SignalsError('BAD_ARGUMENT', `--weights takes id=weight pairs, got "${pair}"`);
    if (!AGENT_IDS.includes(id.trim())) {
      throw new SignalsError('BAD_ARGUMENT', `--weights: unknown agent "${id}"; agents are ${AGENT_IDS.join(', ')}`);
    }
    config.weights[id.trim()] = number(`--weights ${id}`, raw, 0, 100);
  }
  return config;
}

export function llmConfig(options: SharedOptions): LlmConfig | undefined {
  if (!options.llmUrl) return undefined;
  return { url: options.llmUrl, model: options.llmModel ?? 'default', apiKey: process.env.SIGNALS_LLM_API_KEY };
}

export function agentTimeout(options: SharedOptions): number {
  return number('--agent-timeout', options.agentTimeout ?? '5000', 1, 600_000);
}
