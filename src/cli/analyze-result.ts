// Builds the `analyze --json` shape (analyze-json.ts) from an analysis, its outcome or an error; by its type only, so zod is not loaded at run time.
import type { Indicators } from '../agents/agent.js';
import type { Analyst } from '../core/analyst.js';
import { qualified } from '../orchestrator/orchestrator.js';
import type { ErrorCode } from '../protocol/errors.js';
import type { AgentInfo, AnalysisEvent, DecisionUpdate, SignalUpdate } from '../protocol/messages.js';
import type { AnalyzeResult } from './analyze-json.js';

type AgentEntry = AnalyzeResult['agents_consensus']['agent_details'][string];

export interface AnalysisContext {
  agents: AgentInfo[];
  /** Indicators of the agents that voted, keyed `agent.indicator`, for an outcome without a signal. */
  indicators: Indicators;
  barDate: string;
}

/**
 * Runs one analysis of `symbol` as of `asOf` to its result, keeping the indicators of every agent that voted (an
 * outcome without a signal carries none of its own). Shared by `analyze` and `rank`, so both print the same numbers.
 */
export async function analysisResult(analyst: Analyst, symbol: string, asOf: string, barDate: string): Promise<AnalyzeResult> {
  const indicators: Indicators = {};
  let outcome: AnalysisEvent | undefined;
  for await (const event of analyst.analyze(symbol, asOf, 'cli')) {
    if (event.type === 'agent_update' && event.data.status === 'voted' && event.data.agent_id !== undefined) {
      Object.assign(indicators, qualified(event.data.agent_id, (event.data.indicators ?? {}) as Indicators));
    }
    outcome = event;
  }
  if (outcome === undefined || outcome.type === 'agent_update') throw new Error('the analysis ended without an outcome');
  return fromOutcome(outcome, { agents: analyst.agents(), indicators, barDate });
}

/** The result of one finished analysis: a signal, or the decision not to give one. */
export function fromOutcome(outcome: SignalUpdate | DecisionUpdate, context: AnalysisContext): AnalyzeResult {
  if (outcome.type === 'decision_update') return fromDecision(outcome, context);
  const s = outcome.data;
  const weight = s.agents_consensus.consensus_weight ?? 0;
  const consensus = {
    total_agents: s.agents_consensus.total_agents,
    completed_agents: s.agents_consensus.completed_agents,
    consensus_strength: s.agents_consensus.consensus_strength,
    consensus_weight: weight,
    agent_details: s.agents_consensus.agent_details,
  };
  // Agents report numbers, booleans and nulls only (agents/agent.ts); the wire's schema is wider.
  const metadata = { reasoning: s.metadata.reasoning, indicators: s.metadata.indicators as Indicators };
  const tail = {
    timestamp: s.timestamp,
    as_of: s.as_of ?? '',
    trigger: 'cli' as const,
    analysis_id: s.analysis_id ?? '',
    reason: s.metadata.reasoning[0] ?? s.action,
    consensus_weight: weight,
    bar_date: context.barDate,
    adjusted: true as const,
    ...(s.track_record ? { track_record: s.track_record } : {}),
    ...(s.evidence ? { evidence: s.evidence } : {}),
    ...(s.regime ? { regime: s.regime } : {}),
  };
  const head = { symbol: s.symbol, signal_id: s.signal_id };
  if (s.action === 'HOLD') {
    return { ...head, action: s.action, confidence: s.confidence, price: s.price, agents_consensus: consensus, metadata, ...tail };
  }
  const { target_price, stop_loss } = s.metadata;
  // The orchestrator gives every BUY and SELL its levels (orchestrator/targets.ts); only a HOLD has none.
  if (target_price === undefined || stop_loss === undefined) throw new Error(`${s.action} signal for ${s.symbol} without target and stop`);
  const levels = { target_price, stop_loss };
  return {
    ...head,
    action: s.action,
    confidence: s.confidence,
    price: s.price,
    agents_consensus: consensus,
    metadata: { ...metadata, ...levels },
    ...tail,
  };
}

function fromDecision(outcome: DecisionUpdate, context: AnalysisContext): AnalyzeResult {
  const d = outcome.data;
  const decision = d.decision;
  if (decision.action === 'ERROR') {
    const code = (decision.code as ErrorCode | undefined) ?? 'ANALYSIS_FAILED';
    return failure(d.symbol, code, decision.error, context.agents, { asOf: d.as_of, barDate: context.barDate });
  }
  const details = Object.fromEntries(
    Object.entries(decision.agent_summary).map(([id, a]): [string, AgentEntry] => [
      id,
      // The wire's summary types the vote as any text; the orchestrator writes an agent's state there.
      {
        name: a.name,
        signal: a.signal as AgentEntry['signal'],
        confidence: a.confidence,
        reasoning: a.reasoning ?? [],
        ...(a.evidence ? { evidence: a.evidence } : {}),
      },
    ]),
  );
  const weight = decision.consensus_weight ?? 0;
  return {
    symbol: d.symbol,
    signal_id: null,
    action: 'NO_SIGNAL',
    confidence: 0,
    price: d.price ?? 0,
    agents_consensus: {
      total_agents: context.agents.length,
      completed_agents: Object.values(details).filter((a) => a.signal === 'BUY' || a.signal === 'SELL' || a.signal === 'HOLD').length,
      consensus_strength: null,
      consensus_weight: weight,
      agent_details: details,
    },
    metadata: { reasoning: [decision.reason], indicators: context.indicators },
    timestamp: d.timestamp,
    as_of: d.as_of ?? '',
    trigger: 'cli',
    analysis_id: d.analysis_id ?? '',
    reason: decision.reason,
    consensus_weight: weight,
    bar_date: context.barDate,
    adjusted: true,
    ...(d.track_record ? { track_record: d.track_record } : {}),
    ...(d.regime ? { regime: d.regime } : {}),
  };
}

/** The entry of a symbol that could not be analysed, with the error's stable code. */
export function failure(
  symbol: string,
  code: ErrorCode,
  message: string,
  agents: AgentInfo[],
  known: { asOf?: string | undefined; barDate?: string | undefined } = {},
): AnalyzeResult {
  return {
    symbol,
    signal_id: null,
    action: 'ERROR',
    confidence: 0,
    price: null,
    agents_consensus: {
      total_agents: agents.length,
      completed_agents: 0,
      consensus_strength: null,
      consensus_weight: 0,
      agent_details: Object.fromEntries(
        agents.map((a): [string, AgentEntry] => [a.id, { name: a.name, signal: 'NOT_RUN', confidence: 0, reasoning: [] }]),
      ),
    },
    metadata: { reasoning: [message], indicators: {} },
    timestamp: new Date().toISOString(),
    as_of: known.asOf ?? null,
    trigger: 'cli',
    analysis_id: null,
    reason: message,
    consensus_weight: 0,
    bar_date: known.barDate ?? null,
    adjusted: true,
    error: { code, message },
  };
}
