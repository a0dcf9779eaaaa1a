// The one shape of `signals analyze --json` whatever the outcome: its zod schema and the type inferred from it (built by analyze-result.ts).
import { z } from 'zod';
import { DataSource } from '../protocol/data-source.js';
import { ErrorCode } from '../protocol/errors.js';
import { EvidenceData, RegimeData, Strength, TrackRecord } from '../protocol/messages.js';

const AgentEntry = z.object({
  name: z.string(),
  /** NOT_RUN: the analysis never started (an unknown symbol, a date outside its data). */
  signal: z.enum(['BUY', 'SELL', 'HOLD', 'ABSTAINED', 'FAILED', 'NOT_RUN']),
  confidence: z.number().min(0).max(1),
  reasoning: z.array(z.string()),
  /** The agent's record before as_of and its weight in this consensus (docs/evidence.md); absent when it did not vote. */
  evidence: EvidenceData.optional(),
});

const Confidence = z.number().min(0).max(1);
const Price = z.number().describe('to the cent');

const Consensus = z.object({
  total_agents: z.number().int(),
  completed_agents: z.number().int(),
  consensus_strength: Strength.nullable().describe('null without a signal'),
  consensus_weight: Confidence,
  agent_details: z.record(z.string(), AgentEntry).describe('every agent, whatever it did'),
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
  /** What the consensus and each agent called on this symbol before as_of, and how it turned out (docs/protocol.md). */
  track_record: TrackRecord.optional(),
  /** The consensus's record before as_of and its verdict (`evidence.label`); on a signal. */
  evidence: EvidenceData.optional(),
  /** The market regime at as_of, each signal with its own record. */
  regime: RegimeData.optional(),
  /** Where the data came from and how old it is; absent in an ERROR that never reached the data. */
  data_source: DataSource.optional(),
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
