// The consensus: calibrated probabilities pooled as shrunk log-odds (default), or the seed's weighted, confidence-gated votes.
import type { Action } from '../protocol/messages.js';
import { callOf, MIN_MONTHS, pooledProbability } from './calibration.js';

export interface ConsensusConfig {
  /**
   * 'calibrated': the agents' calibrated probabilities of a rise pooled as shrunk log-odds (see
   * `calibratedConsensus`); 'votes': the seed's weighted vote formula below, on the agents' calls.
   */
  method: 'calibrated' | 'votes';
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

/** Our default: the calibrated consensus, with the same quorum (--min-confidence and --gate apply to the vote formula only). */
export const DEFAULT_CONSENSUS: ConsensusConfig = { ...VOTE_CONSENSUS, method: 'calibrated' };

export interface AgentOutcome {
  id: string;
  name: string;
  status: 'voted' | 'abstained' | 'failed';
  signal?: Action;
  confidence: number;
  reasons: string[];
  /** The calibrated probability of a rise over the horizon, when the agent is calibrated. */
  probability?: number;
  /** Whether the agent's record before the as-of time shows information; only then does it weigh in the calibrated consensus. */
  informative?: boolean;
}

export type ConsensusResult =
  | {
      kind: 'signal';
      action: Action;
      confidence: number;
      weight: number;
      strength: 'STRONG' | 'MODERATE' | 'WEAK';
      completed: number;
      /** The calibrated consensus's probability of a rise over the horizon. */
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
  baseRate: number | null = null,
): ConsensusResult {
  if (config.method === 'calibrated') return calibratedConsensus(outcomes, config, baseRate);
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

/** The weight the calibrated consensus gives an agent: its configured weight while its record shows information, else 0. */
export function calibratedWeight(outcome: AgentOutcome, config: ConsensusConfig): number {
  if (outcome.status !== 'voted' || outcome.informative !== true || outcome.probability === undefined) return 0;
  return config.weights[outcome.id] ?? config.defaultWeight;
}

/**
 * The calibrated consensus, a probability of a rise over the next 21 trading days:
 * 1. Fewer completed agents than the quorum, or no calibration yet (`baseRate` null: fewer than 24 months of
 *    calls with known outcomes before the as-of month): no signal.
 * 2. Only agents whose record shows information weigh (see `calibratedWeight`).
 * 3. With no informative agent: HOLD, no call, with the base rate as the probability. The base rate is the best
 *    calibrated forecast there is then, but it is the same for every stock on every day (in a rising market a
 *    BUY), so it is published as a probability, never as a call.
 * 4. Otherwise p = the weighted mean of their log-odds shifts from the base rate, added to the base rate's
 *    log-odds (`pooledProbability`): BUY when p >= 0.5, SELL under it (`callOf`); confidence is the probability of
 *    the likelier outcome; strength STRONG at confidence >= 0.7, MODERATE at >= 0.6, else WEAK.
 * 5. Consensus weight = the informative agents' share of the completed agents' weight.
 */
export function calibratedConsensus(outcomes: readonly AgentOutcome[], config: ConsensusConfig, baseRate: number | null): ConsensusResult {
  const voted = outcomes.filter((o) => o.status === 'voted');
  const completed = voted.length;
  const total = voted.reduce((s, o) => s + (config.weights[o.id] ?? config.defaultWeight), 0);
  const readings = voted.flatMap((o) => {
    const weight = calibratedWeight(o, config);
    return weight > 0 ? [{ probability: o.probability!, weight }] : [];
  });
  const weight = total === 0 ? 0 : readings.reduce((s, r) => s + r.weight, 0) / total;
  const none = (reason: string): ConsensusResult => ({ kind: 'no_signal', action: 'HOLD', weight, completed, reason });
  if (completed < config.quorum) return none(`only ${completed} of ${outcomes.length} agents completed; the quorum is ${config.quorum}`);
  if (baseRate === null) return none(`too little history to calibrate: ${MIN_MONTHS} months of calls with known outcomes are needed`);
  const probability = pooledProbability(baseRate, readings);
  if (probability === null) {
    const confidence = Math.max(baseRate, 1 - baseRate);
    return { kind: 'signal', action: 'HOLD', confidence, weight, strength: 'WEAK', completed, probability: baseRate };
  }
  const { signal, confidence } = callOf(probability);
  const strength = confidence >= 0.7 ? 'STRONG' : confidence >= 0.6 ? 'MODERATE' : 'WEAK';
  return { kind: 'signal', action: signal, confidence, weight, strength, completed, probability };
}
