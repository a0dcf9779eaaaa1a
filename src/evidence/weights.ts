// How evidence weighs a vote in the consensus, and the weighted agreement of the votes that the consensus's call is read from.
import type { Action } from '../protocol/messages.js';

/**
 * The weight of an agent whose shrunk IC is at or under this: a token, so that a consensus of agents none of whose
 * records shows an edge is their equal-weight vote rather than silence.
 */
export const WEIGHT_FLOOR = 0.001;

/** What weighing an agent needs of its evidence. */
export interface Weighable {
  shrunk: number;
  edge: boolean;
}

/**
 * An agent's weight: its shrunk IC, at least WEIGHT_FLOOR. In strict mode only an agent whose record passes the
 * edge test weighs at all.
 * @example weightOf({ shrunk: 0.024, edge: false }, false) // 0.024
 */
export function weightOf(evidence: Weighable, strict: boolean): number {
  if (strict && !evidence.edge) return 0;
  return Math.max(evidence.shrunk, WEIGHT_FLOOR);
}

/** +1 for BUY, -1 for SELL, 0 for HOLD. */
export const direction = (signal: Action) => (signal === 'BUY' ? 1 : signal === 'SELL' ? -1 : 0);

/**
 * The votes' weighted agreement, in [-1, 1]: the sum of weight x direction over the sum of weights; +1 when every
 * weighing agent says BUY, 0 when they cancel out or all say HOLD. Null when nothing weighs.
 * @example agreement([{ signal: 'BUY', weight: 3 }, { signal: 'HOLD', weight: 1 }]) // 0.75
 */
export function agreement(votes: readonly { signal: Action; weight: number }[]): number | null {
  const total = votes.reduce((s, v) => s + v.weight, 0);
  if (total <= 0) return null;
  return votes.reduce((s, v) => s + v.weight * direction(v.signal), 0) / total;
}

/** The consensus calls BUY or SELL when the votes' weighted agreement reaches this, in either direction: a weighted majority net of dissent. */
export const CONSENSUS_GATE = 0.5;

/**
 * The call a weighted agreement makes.
 * @example callOf(0.6) // 'BUY'
 */
export function callOf(agreementScore: number, gate = CONSENSUS_GATE): Action {
  return agreementScore >= gate ? 'BUY' : agreementScore <= -gate ? 'SELL' : 'HOLD';
}
