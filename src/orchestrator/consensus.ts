// The consensus: the agents' own calls weighed by their evidence (default), or the seed's weighted, confidence-gated votes.
import { probabilityOf, type Weights } from '../evidence/book.js';
import { priorOf } from '../evidence/priors.js';
import { agreement, callOf, CONSENSUS_GATE, weightOf } from '../evidence/weights.js';
import type { Action, EvidenceData } from '../protocol/messages.js';

export interface ConsensusConfig {
  /**
   * 'evidence': the agents' own calls weighed by their evidence (see `evidenceConsensus`); 'votes': the seed's
   * weighted vote formula below, on the agents' own calls and confidences.
   */
  method: 'evidence' | 'votes';
  /** 'evidence' only: an agent weighs only when its record passes the edge test, so calls need a demonstrated edge. */
  strict: boolean;
  /** Weight per agent id; agents not listed weigh `defaultWeight`. */
  weights: Record<string, number>;
  defaultWeight: number;
  /** A vote below this confidence is dropped (counted as cast but not added to any action). */
  minConfidence: number;
  /** Consensus weight below which no signal is published (decision_update NO_SIGNAL). */
  gate: number;
  strongAt: number;
  moderateAt: number;
  confidenceCap: number;
  /**
   * Whose weights form the denominator: every configured agent ('all', the seed's reference, where
   * an abstention counts against every action) or only the agents that completed ('completed').
   */
  denominator: 'all' | 'completed';
  /** Fewer completed agents than this: no signal. */
  quorum: number;
}

/** The seed service's reference formula, unchanged. */
export const REFERENCE_CONSENSUS: ConsensusConfig = {
  method: 'votes',
  weights: {},
  defaultWeight: 1,
  minConfidence: 0.7,
  gate: 0.6,
  strongAt: 0.8,
  moderateAt: 0.6,
  confidenceCap: 0.95,
  denominator: 'all',
  quorum: 1,
  strict: false,
};

/**
 * The seed's vote formula with two changes, for our agents: the minimum confidence is 0.6, and an agent that
 * cannot vote (no headlines in the window, too little history) or fails leaves the denominator instead of
 * voting against every action, guarded by a quorum of three completed agents.
 */
export const VOTE_CONSENSUS: ConsensusConfig = {
  ...REFERENCE_CONSENSUS,
  minConfidence: 0.6,
  denominator: 'completed',
  quorum: 3,
};

/** Our default: the evidence-weighted consensus, with the same quorum (--min-confidence and --gate apply to the vote formula only). */
export const DEFAULT_CONSENSUS: ConsensusConfig = { ...VOTE_CONSENSUS, method: 'evidence' };

export interface AgentOutcome {
  id: string;
  name: string;
  status: 'voted' | 'abstained' | 'failed';
  /** The agent's own call. */
  signal?: Action;
  /** As published: under 'evidence' the calibrated probability that the call is right (see `callConfidence`), under 'votes' the agent's own. */
  confidence: number;
  reasons: string[];
  /** 'market' for an agent whose score is the same for every stock: it weighs nothing in a stock's call. */
  scope?: 'stock' | 'market';
  /** Its record before the as-of time, as published. */
  evidence?: EvidenceData;
}

export type ConsensusResult =
  | {
      kind: 'signal';
      action: Action;
      confidence: number;
      weight: number;
      strength: 'STRONG' | 'MODERATE' | 'WEAK';
      completed: number;
      /** 'evidence' only: the votes' weighted agreement in [-1, 1], and the calibrated probability of beating SPY. */
      agreement?: number;
      probability?: number;
    }
  | { kind: 'no_signal'; action: Action; weight: number; completed: number; reason: string };

/**
 * The formula:
 * 1. The denominator W is the sum of the weights w of every configured agent ('all') or of the
 *    agents that completed ('completed'); abstaining and failed agents are not completed. Fewer
 *    completed agents than the quorum: no signal.
 * 2. A vote with confidence c >= minConfidence adds w * c to its action's sum.
 * 3. BUY or SELL wins only as the strict maximum of the three sums; otherwise HOLD.
 * 4. Consensus weight = winner's sum / W. Under `gate`: no signal.
 * 5. Strength: STRONG at >= strongAt, MODERATE at >= moderateAt, else WEAK.
 * 6. Confidence = confidence-weighted mean of the agreeing agents' confidences
 *    (sum of w * c^2 / sum of w * c), capped at confidenceCap.
 * @example consensus([{id:'a',name:'A',status:'voted',signal:'BUY',confidence:0.9,reasons:[]}], DEFAULT_CONSENSUS)
 */
export function consensus(
  outcomes: readonly AgentOutcome[],
  config: ConsensusConfig = DEFAULT_CONSENSUS,
  evidence: Weights | null = null,
): ConsensusResult {
  if (config.method === 'evidence') return evidenceConsensus(outcomes, config, evidence);
  const weightOf = (id: string) => config.weights[id] ?? config.defaultWeight;
  const counts = (o: AgentOutcome) => config.denominator === 'all' || o.status === 'voted';
  const total = outcomes.reduce((sum, o) => sum + (counts(o) ? weightOf(o.id) : 0), 0);
  const sums: Record<Action, number> = { BUY: 0, SELL: 0, HOLD: 0 };
  const squares: Record<Action, number> = { BUY: 0, SELL: 0, HOLD: 0 };
  let completed = 0;
  for (const o of outcomes) {
    if (o.status !== 'voted' || o.signal === undefined) continue;
    completed += 1;
    if (o.confidence < config.minConfidence) continue;
    sums[o.signal] += weightOf(o.id) * o.confidence;
    squares[o.signal] += weightOf(o.id) * o.confidence * o.confidence;
  }
  let action: Action = 'HOLD';
  if (sums.BUY > sums.SELL && sums.BUY > sums.HOLD) action = 'BUY';
  else if (sums.SELL > sums.BUY && sums.SELL > sums.HOLD) action = 'SELL';
  const weight = total === 0 ? 0 : sums[action] / total;
  if (completed < config.quorum) {
    return {
      kind: 'no_signal',
      action,
      weight,
      completed,
      reason: `only ${completed} of ${outcomes.length} agents completed; the quorum is ${config.quorum}`,
    };
  }
  if (weight < config.gate) {
    const counted = outcomes.filter((o) => o.status === 'voted' && o.confidence >= config.minConfidence).length;
    return {
      kind: 'no_signal',
      action,
      weight,
      completed,
      reason: `consensus weight ${weight.toFixed(2)} for ${action} is under the ${config.gate} gate (${completed}/${outcomes.length} agents completed, ${counted} at or above confidence ${config.minConfidence})`,
    };
  }
  const confidence = sums[action] === 0 ? 0 : Math.min(config.confidenceCap, squares[action] / sums[action]);
  const strength = weight >= config.strongAt ? 'STRONG' : weight >= config.moderateAt ? 'MODERATE' : 'WEAK';
  return { kind: 'signal', action, confidence, weight, strength, completed };
}

/**
 * The confidence published with a call whose probability of beating SPY (or, market-wide, cash) is `p`: p for
 * BUY, 1 - p for SELL (the probability that the call is right), and the likelier side's for HOLD, which is no call.
 * @example callConfidence('SELL', 0.45) // 0.55
 */
export function callConfidence(signal: Action, p: number): number {
  return signal === 'BUY' ? p : signal === 'SELL' ? 1 - p : Math.max(p, 1 - p);
}

/**
 * An agent's weight in the evidence consensus: its shrunk IC (at least WEIGHT_FLOOR; in strict mode 0 without an
 * edge) times its configured weight; 0 for a market-wide agent or one that did not vote. An agent the book has no
 * record of weighs its prior's mean.
 */
export function evidenceWeight(outcome: AgentOutcome, config: ConsensusConfig, evidence: Weights | null): number {
  if (outcome.status !== 'voted' || outcome.scope === 'market') return 0;
  const weighable = evidence?.agents[outcome.id] ?? { shrunk: priorOf(outcome.id, 'stock').mean, edge: false };
  return weightOf(weighable, config.strict) * (config.weights[outcome.id] ?? config.defaultWeight);
}

/** Strength of an evidence consensus from its agreement's size. */
const strengthOf = (size: number) => (size >= 0.8 ? 'STRONG' : size >= 0.65 ? 'MODERATE' : 'WEAK');

/**
 * The evidence consensus, a call on the stock against SPY over the next 21 trading days:
 * 1. Fewer completed agents than the quorum: no signal.
 * 2. Each stock agent that voted weighs its evidence (`evidenceWeight`); market-wide agents weigh nothing here
 *    (they say nothing of one stock against SPY; they are read in the regime).
 * 3. The weighted agreement A of the agents' own calls (`agreement`): BUY at A >= 0.5, SELL at A <= -0.5
 *    (CONSENSUS_GATE), HOLD between. With nothing weighing (strict mode without an edge): HOLD.
 * 4. Confidence: the probability that the call is right, from the consensus's own record of A (a logistic fit of
 *    beating SPY on A, on outcomes known before the month; the base rate before there is one); see `callConfidence`.
 * 5. Consensus weight |A|; strength STRONG at |A| >= 0.8, MODERATE at >= 0.65, else WEAK.
 */
export function evidenceConsensus(outcomes: readonly AgentOutcome[], config: ConsensusConfig, evidence: Weights | null): ConsensusResult {
  const completed = outcomes.filter((o) => o.status === 'voted').length;
  if (completed < config.quorum) {
    return {
      kind: 'no_signal',
      action: 'HOLD',
      weight: 0,
      completed,
      reason: `only ${completed} of ${outcomes.length} agents completed; the quorum is ${config.quorum}`,
    };
  }
  const votes = outcomes.flatMap((o) => {
    const weight = evidenceWeight(o, config, evidence);
    return weight > 0 ? [{ signal: o.signal!, weight }] : [];
  });
  const a = agreement(votes);
  const record = config.strict ? evidence?.strict : evidence?.consensus;
  const p = probabilityOf(record, a ?? 0, evidence?.baseRate ?? null);
  if (a === null)
    return { kind: 'signal', action: 'HOLD', confidence: Math.max(p, 1 - p), weight: 0, strength: 'WEAK', completed, agreement: 0, probability: p };
  const action = callOf(a, CONSENSUS_GATE);
  return {
    kind: 'signal',
    action,
    confidence: callConfidence(action, p),
    weight: Math.abs(a),
    strength: strengthOf(Math.abs(a)),
    completed,
    agreement: a,
    probability: p,
  };
}
