// What followed each call: forward returns per action and horizon, rank IC with Newey-West t, and a calibration table.
import type { AgentStats, SignalStats } from './schema.js';
import { mean, neweyWestT, ranks, spearman, twoSidedP } from '../evidence/stats.js';

/** One call at one step: the consensus's action, or one agent's vote, with the forward return at each horizon. */
export interface Call {
  date: string;
  action: string;
  confidence: number;
  /** One per horizon, in the order of the horizons; null past the end of the data. */
  forward: readonly (number | null)[];
  /**
   * What the call is judged by, one per horizon: the forward return less SPY's over the same days (for a market-wide
   * agent, SPY's less cash), as the product defines a call's being right; null where either is unknown.
   */
  excess: readonly (number | null)[];
}

/**
 * The signed score a call is ranked by: +confidence for BUY, -confidence for SELL, 0 for HOLD and NO_SIGNAL;
 * null for an agent that abstained or failed (left out of IC).
 * @example signedScore('SELL', 0.7) // -0.7
 */
export function signedScore(action: string, confidence: number): number | null {
  if (action === 'BUY') return confidence;
  if (action === 'SELL') return -confidence;
  return action === 'HOLD' || action === 'NO_SIGNAL' ? 0 : null;
}

/** Whether a directional call was followed by a move its way: BUY by a rise, SELL by a fall (of `forward`, or of an excess return). */
const hit = (action: string, forward: number) => (action === 'BUY' ? forward > 0 : forward < 0);

/** A BUY or SELL call with what it is judged by: `excess`, as the product's confidence is a probability of beating SPY in the call's direction. */
type Judged = { action: string; confidence: number; excess: number | null };
const judged = (calls: readonly Judged[]) =>
  calls.filter((c): c is Judged & { excess: number } => (c.action === 'BUY' || c.action === 'SELL') && c.excess !== null);

/** A 95% interval from an estimate and its t (normal approximation): estimate +- 1.96 |estimate / t|. */
export function intervalOf(estimate: number | null, t: number | null): [number, number] | null {
  if (estimate === null || t === null || t === 0) return null;
  const half = 1.96 * Math.abs(estimate / t);
  return [estimate - half, estimate + half];
}

/**
 * Confidence buckets of the calibration table: tenths, the last including 1. A call's confidence is the probability
 * that it is right, which can be under 0.5 (a call its agents make though their record says it is more often wrong).
 */
export const BUCKETS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

/** The horizon summaries lead with: 21 trading days (about a month) when it was asked for, else the first. */
export const headlineHorizon = (horizons: readonly number[]) => (horizons.includes(21) ? 21 : horizons[0]!);

/** Overlap of consecutive forward returns in steps: returns over `horizon` days sampled every `every` days. */
export const overlapLag = (horizon: number, every: number) => Math.max(0, Math.ceil(horizon / every) - 1);

const orNull = (x: number) => (Number.isFinite(x) ? x : null);
const share = (xs: readonly boolean[]) => (xs.length === 0 ? null : xs.filter(Boolean).length / xs.length);

function significance(estimate: number | null, t: number | null, lag: number) {
  return { t_stat: t, p_value: t === null ? null : twoSidedP(t), interval: intervalOf(estimate, t), lag };
}

/**
 * Rank IC of score against forward return. Pooled: Spearman over every pair; its t is the Newey-West t of the
 * per-date sums of centred rank products (Driscoll-Kraay: dependence across symbols on a date and across
 * overlapping dates both count). Per date: the mean of each date's cross-sectional Spearman (dates with at least
 * 3 pairs that vary), with its Newey-West t.
 */
export function rankIc(pairs: readonly { date: string; score: number; forward: number }[], lag: number): SignalStats['horizons'][number]['ic'] {
  const ic = spearman(
    pairs.map((p) => p.score),
    pairs.map((p) => p.forward),
  );
  let pooledT: number | null = null;
  if (ic !== null) {
    const u = ranks(pairs.map((p) => p.score));
    const v = ranks(pairs.map((p) => p.forward));
    const centre = (pairs.length + 1) / 2;
    const byDate = new Map<string, number>();
    pairs.forEach((p, i) => byDate.set(p.date, (byDate.get(p.date) ?? 0) + (u[i]! - centre) * (v[i]! - centre)));
    pooledT = neweyWestT(
      [...byDate.keys()].sort().map((d) => byDate.get(d)!),
      lag,
    );
  }
  const groups = new Map<string, { s: number[]; f: number[] }>();
  for (const p of pairs) {
    const g = groups.get(p.date) ?? { s: [], f: [] };
    g.s.push(p.score);
    g.f.push(p.forward);
    groups.set(p.date, g);
  }
  const series: number[] = [];
  for (const date of [...groups.keys()].sort()) {
    const g = groups.get(date)!;
    const s = g.s.length >= 3 ? spearman(g.s, g.f) : null;
    if (s !== null) series.push(s);
  }
  const perDateT = neweyWestT(series, lag);
  const perDate = series.length === 0 ? null : mean(series);
  return {
    pooled: { ic, n: pairs.length, ...significance(ic, ic === null ? null : pooledT, lag) },
    per_date: { mean: perDate, dates: series.length, ...significance(perDate, perDateT, lag) },
  };
}

/** Hit rate by confidence bucket of the BUY and SELL calls, right when they beat SPY in their direction (`excess`). */
export function calibration(calls: readonly Judged[]): SignalStats['horizons'][number]['calibration'] {
  const directional = judged(calls);
  return BUCKETS.slice(0, -1).map((from, i) => {
    const to = BUCKETS[i + 1]!;
    const inside = directional.filter((c) => c.confidence >= from && (c.confidence < to || (to === 1 && c.confidence <= 1)));
    return {
      from,
      to,
      count: inside.length,
      mean_confidence: inside.length === 0 ? null : mean(inside.map((c) => c.confidence)),
      hit_rate: share(inside.map((c) => hit(c.action, c.excess))),
    };
  });
}

/** Brier score of the directional calls' confidence against whether each beat SPY in its direction, and the base-rate forecast's. */
export function brier(calls: readonly Judged[]): SignalStats['horizons'][number]['brier'] {
  const directional = judged(calls);
  if (directional.length === 0) return { calls: 0, score: null, base_rate: null };
  const right = directional.map((c) => (hit(c.action, c.excess) ? 1 : 0));
  const rate = mean(right);
  return {
    calls: directional.length,
    score: mean(directional.map((c, i) => (c.confidence - right[i]!) ** 2)),
    base_rate: rate * (1 - rate),
  };
}

function horizonStats<A extends string>(calls: readonly Call[], index: number, horizon: number, every: number, actions: readonly A[]) {
  const known = calls.flatMap((c) => (c.forward[index] == null ? [] : [{ ...c, forward: c.forward[index], excess: c.excess[index] ?? null }]));
  const byAction = Object.fromEntries(
    actions.map((action) => {
      const mine = known.filter((c) => c.action === action);
      const directional = action === 'BUY' || action === 'SELL';
      return [
        action,
        {
          count: mine.length,
          mean_return: orNull(mean(mine.map((c) => c.forward))),
          hit_rate: directional ? share(mine.map((c) => hit(action, c.forward))) : null,
        },
      ];
    }),
  ) as Record<A, { count: number; mean_return: number | null; hit_rate: number | null }>;
  const pairs = known.flatMap((c) => {
    const score = signedScore(c.action, c.confidence);
    return score === null ? [] : [{ date: c.date, score, forward: c.forward }];
  });
  return {
    horizon,
    base: { count: known.length, mean_return: orNull(mean(known.map((c) => c.forward))), up_rate: share(known.map((c) => c.forward > 0)) },
    by_action: byAction,
    ic: rankIc(pairs, overlapLag(horizon, every)),
    calibration: calibration(known),
    brier: brier(known),
  };
}

const count = <A extends string>(calls: readonly Call[], actions: readonly A[]) =>
  Object.fromEntries(actions.map((a) => [a, calls.filter((c) => c.action === a).length])) as Record<A, number>;

const CONSENSUS_ACTIONS = ['BUY', 'SELL', 'HOLD', 'NO_SIGNAL'] as const;
const VOTES = ['BUY', 'SELL', 'HOLD'] as const;

/** The consensus's calls: counts by action and, per horizon, what followed them. */
export function consensusStats(calls: readonly Call[], horizons: readonly number[], every: number): SignalStats {
  return {
    steps: calls.length,
    actions: count(calls, CONSENSUS_ACTIONS),
    horizons: horizons.map((h, i) => horizonStats(calls, i, h, every, CONSENSUS_ACTIONS)),
  };
}

/** One agent's votes scored the same way; abstentions and failures count in `actions` but not in IC. */
export function agentStats(name: string, calls: readonly Call[], horizons: readonly number[], every: number): AgentStats {
  const actions = count(calls, [...VOTES, 'ABSTAINED', 'FAILED'] as const);
  const voted = actions.BUY + actions.SELL + actions.HOLD;
  return {
    name,
    steps: calls.length,
    coverage: calls.length === 0 ? 0 : voted / calls.length,
    actions,
    horizons: horizons.map((h, i) => horizonStats(calls, i, h, every, VOTES)),
  };
}
