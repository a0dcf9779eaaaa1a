// The one shape of `signals analyze --json` whatever the outcome: its zod schema, its type, and how a result or an error becomes one.
import { z } from 'zod';
import type { Indicators } from '../agents/agent.js';
import { ErrorCode } from '../protocol/errors.js';
import { Strength, type DecisionUpdate, type SignalUpdate } from '../protocol/messages.js';

const Agent = z.object({
  name: z.string(),
  /** NOT_RUN: the analysis never started (an unknown symbol, a date outside its data). */
  signal: z.enum(['BUY', 'SELL', 'HOLD', 'ABSTAINED', 'FAILED', 'NOT_RUN']),
  confidence: z.number().min(0).max(1),
  reasoning: z.array(z.string()),
});

const Confidence = z.number().min(0).max(1);
const Price = z.number().describe('to the cent');

const Consensus = z.object({
  total_agents: z.number().int(),
  completed_agents: z.number().int(),
  consensus_strength: Strength.nullable().describe('null without a signal'),
  consensus_weight: Confidence,
  agent_details: z.record(z.string(), Agent).describe('every agent, whatever it did'),
});

const Metadata = z.object({
  reasoning: z.array(z.string()),
  indicators: z.record(z.string(), z.union([z.number(), z.boolean(), z.null()])).describe('agent id . indicator name'),
});

/** The fields after the seed's, in every shape but ERROR. */
const tail = {
  timestamp: z.string().describe('when the analysis ran, ISO-8601 UTC'),
  as_of: z.string(),
  trigger: z.literal('cli'),
  analysis_id: z.string(),
  /** The one-line why: the consensus line of a signal, the reason for no signal, the error message. */
  reason: z.string(),
  consensus_weight: Confidence,
  bar_date: z.string().describe('YYYY-MM-DD of the bar analysed: the last trading day up to as_of'),
  /** Prices are split- and dividend-adjusted (rescaled to Adj Close where the data has it). */
  adjusted: z.literal(true),
};

/** In an ERROR, what was not reached is null (each key keeps its place in the object). */
const failedTail = { ...tail, as_of: z.string().nullable(), analysis_id: z.null(), bar_date: z.string().nullable() };

/** BUY or SELL: a trade, with its target and stop. */
const Trade = z.object({
  symbol: z.string(),
  signal_id: z.string(),
  action: z.enum(['BUY', 'SELL']),
  confidence: Confidence,
  price: Price,
  agents_consensus: Consensus,
  metadata: Metadata.extend({ target_price: Price, stop_loss: Price }),
  ...tail,
});

const Hold = z.object({
  symbol: z.string(),
  signal_id: z.string(),
  action: z.literal('HOLD'),
  confidence: Confidence,
  price: Price,
  agents_consensus: Consensus,
  metadata: Metadata,
  ...tail,
});

/** The agents did not reach the consensus gate or the quorum: no signal, for `reason`. */
const NoSignal = z.object({
  symbol: z.string(),
  signal_id: z.null(),
  action: z.literal('NO_SIGNAL'),
  confidence: z.literal(0),
  price: Price,
  agents_consensus: Consensus,
  metadata: Metadata,
  ...tail,
});

/** This symbol could not be analysed; the others in the same run still were. */
const Failure = z.object({
  symbol: z.string(),
  signal_id: z.null(),
  action: z.literal('ERROR'),
  confidence: z.literal(0),
  price: z.null(),
  agents_consensus: Consensus,
  metadata: Metadata,
  ...failedTail,
  error: z.object({ code: z.enum(ErrorCode), message: z.string() }),
});

export const AnalyzeResult = z.discriminatedUnion('action', [Trade, Hold, NoSignal, Failure]);
export type AnalyzeResult = z.infer<typeof AnalyzeResult>;

export interface AnalysisContext {
  agents: { id: string; name: string }[];
  /** Indicators of the agents that voted, keyed `agent.indicator`, for an outcome without a signal. */
  indicators: Indicators;
  barDate: string;
}

const TRADES = new Set(['BUY', 'SELL']);

/** The result of one finished analysis (a signal or the decision not to give one). */
export function fromOutcome(outcome: SignalUpdate | DecisionUpdate, context: AnalysisContext): AnalyzeResult {
  const common = {
    symbol: outcome.data.symbol,
    timestamp: outcome.data.timestamp,
    trigger: 'cli' as const,
    adjusted: true as const,
    as_of: outcome.data.as_of ?? '',
    bar_date: context.barDate,
    analysis_id: outcome.data.analysis_id ?? '',
  };
  if (outcome.type === 'signal_update') {
    const s = outcome.data;
    const { target_price, stop_loss, ...metadata } = s.metadata;
    const weight = s.agents_consensus.consensus_weight ?? 0;
    return AnalyzeResult.parse({
      ...common,
      action: s.action,
      signal_id: s.signal_id,
      confidence: s.confidence,
      price: s.price,
      reason: s.metadata.reasoning[0] ?? s.action,
      consensus_weight: weight,
      agents_consensus: { ...s.agents_consensus, consensus_weight: weight },
      metadata: TRADES.has(s.action) ? { ...metadata, target_price, stop_loss } : metadata,
    });
  }
  const decision = outcome.data.decision;
  if (decision.action === 'ERROR') {
    return failure(common.symbol, decision.code ?? 'ANALYSIS_FAILED', decision.error, context.agents, {
      asOf: common.as_of,
      barDate: context.barDate,
    });
  }
  const details = Object.fromEntries(
    Object.entries(decision.agent_summary).map(([id, a]) => [
      id,
      { name: a.name, signal: a.signal, confidence: a.confidence, reasoning: a.reasoning ?? [] },
    ]),
  );
  const weight = decision.consensus_weight ?? 0;
  return AnalyzeResult.parse({
    ...common,
    action: 'NO_SIGNAL',
    signal_id: null,
    confidence: 0,
    price: outcome.data.price,
    reason: decision.reason,
    consensus_weight: weight,
    agents_consensus: {
      total_agents: context.agents.length,
      completed_agents: Object.values(details).filter((a) => ['BUY', 'SELL', 'HOLD'].includes(a.signal)).length,
      consensus_strength: null,
      consensus_weight: weight,
      agent_details: details,
    },
    metadata: { reasoning: [decision.reason], indicators: context.indicators },
  });
}

/** The entry of a symbol that could not be analysed, with the error's stable code. */
export function failure(
  symbol: string,
  code: string,
  message: string,
  agents: { id: string; name: string }[],
  known: { asOf?: string | undefined; barDate?: string | undefined } = {},
): AnalyzeResult {
  return AnalyzeResult.parse({
    symbol,
    timestamp: new Date().toISOString(),
    trigger: 'cli',
    adjusted: true,
    action: 'ERROR',
    signal_id: null,
    confidence: 0,
    price: null,
    as_of: known.asOf ?? null,
    bar_date: known.barDate ?? null,
    analysis_id: null,
    reason: message,
    consensus_weight: 0,
    agents_consensus: {
      total_agents: agents.length,
      completed_agents: 0,
      consensus_strength: null,
      consensus_weight: 0,
      agent_details: Object.fromEntries(agents.map((a) => [a.id, { name: a.name, signal: 'NOT_RUN', confidence: 0, reasoning: [] }])),
    },
    metadata: { reasoning: [message], indicators: {} },
    error: { code, message },
  });
}
