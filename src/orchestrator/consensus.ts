// The consensus formula: weighted, confidence-gated agent votes to one action (seed reference, configurable).
import type { Action } from '../protocol/messages.js';

export interface ConsensusConfig {
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
  weights: {},
  defaultWeight: 1,
  minConfidence: 0.7,
  gate: 0.6,
  strongAt: 0.8,
  moderateAt: 0.6,
  confidenceCap: 0.95,
  denominator: 'all',
  quorum: 1,
};

/**
 * Our defaults: the reference with two changes. Our agents' directional confidence starts at 0.6
 * (see scoreToVote), so the minimum confidence is 0.6; and an agent that cannot vote (no headlines
 * in the window, too little history) or fails leaves the denominator instead of voting against
 * every action, guarded by a quorum of three completed agents.
 */
export const DEFAULT_CONSENSUS: ConsensusConfig = {
  ...REFERENCE_CONSENSUS,
  minConfidence: 0.6,
  denominator: 'completed',
  quorum: 3,
};

export interface AgentOutcome {
  id: string;
  name: string;
  status: 'voted' | 'abstained' | 'failed';
  signal?: Action;
  confidence: number;
  reasons: string[];
}

export type ConsensusResult =
  | {
      kind: 'signal';
      action: Action;
      confidence: number;
      weight: number;
      strength: 'STRONG' | 'MODERATE' | 'WEAK';
      completed: number;
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
export function consensus(outcomes: readonly AgentOutcome[], config: ConsensusConfig = DEFAULT_CONSENSUS): ConsensusResult {
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
