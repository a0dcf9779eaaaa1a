// Options several commands share: data folder, consensus formula, LLM backend, agent timeout.
import { Option, type Command } from 'commander';
import { AGENT_IDS } from '../agents/index.js';
import type { LlmConfig } from '../agents/sentiment/llm.js';
import { DEFAULT_CONSENSUS, REFERENCE_CONSENSUS, type ConsensusConfig } from '../orchestrator/consensus.js';
import { SignalsError } from '../protocol/errors.js';

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
