// The Agent interface every analysis agent implements, and the shared score-to-vote rule.
import type { Action, Indicators as PublishedIndicators } from '../protocol/messages.js';
import type { Bar, MarketSnapshot, SymbolHistory } from '../market/types.js';

/**
 * What an agent measured, as numbers (booleans for yes/no states, null for not available): prices to the cent,
 * returns, rates and ratios as fractions to 4 places (0.0123 is 1.23%), never preformatted text.
 */
export type Indicators = Record<string, Exclude<PublishedIndicators[string], string>>;

/** What an agent returns: a vote, or an abstention with its reason. */
export type Vote =
  | {
      kind: 'vote';
      signal: Action;
      /** See `scoreToVote` for what confidence means. */
      confidence: number;
      reasons: string[];
      indicators: Indicators;
      /** Set when the agent ran under another name (e.g. the LLM that actually answered). */
      name?: string;
      /** The raw signed score in [-1, 1] (bullish positive) that the calibration maps to a probability. */
      score?: number;
    }
  | { kind: 'abstain'; reason: string; indicators?: Indicators; name?: string };

/** An analysis agent: a pure function of the market snapshot it is given. */
export interface Agent {
  readonly id: string;
  readonly name: string;
  /**
   * Trading days ahead the agent's calls speak to. An agent with a horizon is calibrated: its score is run
   * over the history once a month per symbol and mapped to a probability from its own record, so its
   * analysis must be cheap and a pure function of the snapshot. Without one, its vote is published raw
   * and weighs nothing in the calibrated consensus.
   */
  readonly horizon?: number;
  /**
   * 'market' for an agent whose score is the same for every stock on a day (the macro-economic one): it says
   * nothing about one stock against another, so its evidence is that of a market-timing signal and it weighs
   * nothing in the consensus of a stock's call against SPY. Default 'stock'.
   */
  readonly scope?: 'stock' | 'market';
  analyze(snapshot: MarketSnapshot, signal: AbortSignal): Vote | Promise<Vote>;
  /**
   * The same analysis from the snapshot's closed bars and the benchmark's alone, for an agent that reads nothing
   * else: `fromBars(s.bars, s.benchmark)` must equal `analyze(s)`. A history is then walked on bar windows, without
   * a snapshot (macro series, headlines) per step (src/evidence/samples.ts).
   */
  readonly fromBars?: (bars: Bar[], benchmark: Bar[]) => Vote;
  /**
   * The incremental form, for walking one symbol's history in date order: `walk(history)(i)` must equal `analyze` on
   * the snapshot after the close of bar i, computed along the history instead of afresh from each snapshot
   * (src/backtest/track.ts walks it; test/agents/walk.test.ts holds it to that). Steps never go back.
   */
  readonly walk?: (history: SymbolHistory) => (i: number) => Vote | Promise<Vote>;
}

/** One piece of evidence: a sub-signal in [-1, 1] (bullish positive) and its weight. */
export interface Evidence {
  value: number;
  weight: number;
  reason?: string | undefined;
}

export const VOTE_THRESHOLD = 0.2;

/** The horizon every calibrated agent and the consensus speak to: the next month, 21 trading days. */
export const CALL_HORIZON = 21;

export const clamp = (x: number, lo = -1, hi = 1) => Math.min(hi, Math.max(lo, x));
export const round = (x: number, digits = 4) => {
  const k = 10 ** digits;
  return Math.round(x * k) / k;
};
/** A price to the cent. */
export const cents = (x: number) => round(x, 2);
/** A fraction as percent text, for reasons (prose), never for indicators. */
export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * The vote an agent's own rule makes from its raw score, before any calibration (see `scoreToVote`).
 * @example ownVote(-0.4) // { signal: 'SELL', confidence: 0.7 }
 */
export function ownVote(score: number): { signal: Action; confidence: number } {
  const signal: Action = score >= VOTE_THRESHOLD ? 'BUY' : score <= -VOTE_THRESHOLD ? 'SELL' : 'HOLD';
  const confidence = signal === 'HOLD' ? 0.5 + (1 - Math.abs(score) / VOTE_THRESHOLD) / 2 : 0.5 + Math.abs(score) / 2;
  return { signal, confidence: round(clamp(confidence, 0, 1)) };
}

/**
 * Turns weighted evidence into a vote. The score s is the weighted mean of the sub-signals, in [-1, 1].
 * - BUY when s >= 0.2, SELL when s <= -0.2, otherwise HOLD.
 * - Confidence of BUY/SELL = 0.5 + |s| / 2: 0.6 at the threshold, 1.0 only when every piece of
 *   evidence is fully on the vote's side. With the seed's minimum confidence of 0.7 a directional
 *   vote counts in the consensus once |s| >= 0.4.
 * - Confidence of HOLD = 0.5 + (1 - |s| / 0.2) / 2: 1.0 when the evidence nets to exactly zero,
 *   0.5 at the edge of a directional call.
 * Reasons are those of the evidence that points the same way as the vote (all of them for HOLD).
 */
export function scoreToVote(evidence: Evidence[], indicators: Indicators): Vote {
  const total = evidence.reduce((sum, e) => sum + e.weight, 0);
  const score = total === 0 ? 0 : evidence.reduce((sum, e) => sum + e.weight * clamp(e.value), 0) / total;
  const { signal, confidence } = ownVote(score);
  const sign = signal === 'BUY' ? 1 : signal === 'SELL' ? -1 : 0;
  const reasons = evidence
    .filter((e) => e.reason !== undefined && (sign === 0 || Math.sign(e.value) === sign))
    .sort((a, b) => Math.abs(b.value) * b.weight - Math.abs(a.value) * a.weight)
    .map((e) => e.reason!);
  return {
    kind: 'vote',
    signal,
    confidence,
    reasons: reasons.length > 0 ? reasons : ['no single indicator stands out'],
    indicators: { ...indicators, score: round(score) },
    score: round(score),
  };
}
