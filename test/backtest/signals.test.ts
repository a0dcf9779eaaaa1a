// What followed the calls: per-action returns and hit rates, rank IC (right by design near 1, random near 0), calibration.
import { describe, expect, it } from 'vitest';
import {
  agentStats,
  brier,
  calibration,
  consensusStats,
  intervalOf,
  overlapLag,
  rankIc,
  signedScore,
  type Call,
} from '../../src/backtest/signals.js';
import { neweyWestT } from '../../src/evidence/stats.js';

/** A small deterministic generator (mulberry32), so "random" is the same on every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const day = (i: number) => new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);

describe('the signed score', () => {
  it('is +confidence for BUY, -confidence for SELL, 0 for HOLD and NO_SIGNAL, none for an abstention', () => {
    expect(signedScore('BUY', 0.7)).toBe(0.7);
    expect(signedScore('SELL', 0.7)).toBe(-0.7);
    expect(signedScore('HOLD', 0.9)).toBe(0);
    expect(signedScore('NO_SIGNAL', 0)).toBe(0);
    expect(signedScore('ABSTAINED', 0)).toBeNull();
    expect(signedScore('FAILED', 0)).toBeNull();
  });
});

describe('rank IC', () => {
  it('is 1 for a score that is right by design, and about 0 for a random one', () => {
    const next = random(7);
    const forward = Array.from({ length: 2000 }, () => next() - 0.5);
    const right = rankIc(
      forward.map((f, i) => ({ date: day(i), score: f * 3 + 1, forward: f })),
      0,
    );
    expect(right.pooled.ic).toBeCloseTo(1, 12);
    expect(right.pooled.t_stat!).toBeGreaterThan(10);
    const noise = rankIc(
      forward.map((f, i) => ({ date: day(i), score: next(), forward: f })),
      0,
    );
    expect(Math.abs(noise.pooled.ic!)).toBeLessThan(0.06);
    expect(Math.abs(noise.pooled.t_stat!)).toBeLessThan(2.6);
  });

  it("pooled t is the Newey-West t of each date's sum of centred rank products", () => {
    // 2 symbols on 3 dates; pooled ranks of score: 1..6 as given, of forward: as given
    const pairs = [
      { date: 'a', score: 1, forward: 2 },
      { date: 'a', score: 2, forward: 1 },
      { date: 'b', score: 3, forward: 3 },
      { date: 'b', score: 4, forward: 5 },
      { date: 'c', score: 5, forward: 4 },
      { date: 'c', score: 6, forward: 6 },
    ];
    // centred ranks (mean 3.5): score -2.5 -1.5 -0.5 0.5 1.5 2.5; forward -1.5 -2.5 -0.5 1.5 0.5 2.5
    const sums = [-2.5 * -1.5 + -1.5 * -2.5, -0.5 * -0.5 + 0.5 * 1.5, 1.5 * 0.5 + 2.5 * 2.5];
    const ic = rankIc(pairs, 1);
    expect(ic.pooled.t_stat).toBeCloseTo(neweyWestT(sums, 1)!, 12);
    expect(ic.pooled.ic).toBeCloseTo(1 - (6 * (1 + 1 + 0 + 1 + 1 + 0)) / (6 * 35), 12);
    expect(ic.pooled.lag).toBe(1);
    expect(ic.per_date.dates).toBe(0);
  });

  it('per date: the mean of cross-sectional Spearman over dates with 3 or more pairs that vary', () => {
    const pairs = [
      ...[1, 2, 3].map((s) => ({ date: 'a', score: s, forward: s })), // +1
      ...[1, 2, 3].map((s) => ({ date: 'b', score: s, forward: -s })), // -1
      ...[1, 2, 3].map((s) => ({ date: 'c', score: s, forward: s })), // +1
      ...[0, 0, 0].map((s, i) => ({ date: 'd', score: s, forward: i })), // constant score: left out
    ];
    const ic = rankIc(pairs, 0);
    expect(ic.per_date.dates).toBe(3);
    expect(ic.per_date.mean).toBeCloseTo(1 / 3, 12);
  });

  it('overlap lag: ceil(horizon / every) - 1', () => {
    expect(overlapLag(21, 1)).toBe(20);
    expect(overlapLag(21, 5)).toBe(4);
    expect(overlapLag(5, 5)).toBe(0);
    expect(overlapLag(5, 21)).toBe(0);
  });
});

describe('per action and calibration', () => {
  // The first BUY rose but trailed SPY; the second fell and trailed it: one rise, no call that beat SPY its way.
  const calls: Call[] = [
    { date: day(0), action: 'BUY', confidence: 0.65, forward: [0.02], excess: [-0.01] },
    { date: day(1), action: 'BUY', confidence: 0.68, forward: [-0.01], excess: [-0.02] },
    { date: day(2), action: 'SELL', confidence: 0.85, forward: [-0.03], excess: [-0.02] },
    { date: day(3), action: 'HOLD', confidence: 0.9, forward: [0.01], excess: [0] },
    { date: day(4), action: 'NO_SIGNAL', confidence: 0, forward: [0.04], excess: [0.03] },
    { date: day(5), action: 'NO_SIGNAL', confidence: 0, forward: [null], excess: [null] },
  ];
  const known = calls.filter((c) => c.forward[0] !== null).map((c) => ({ ...c, forward: c.forward[0]!, excess: c.excess[0]! }));

  it('counts each action, and averages the forward returns that exist', () => {
    const s = consensusStats(calls, [5], 1);
    expect(s.steps).toBe(6);
    expect(s.actions).toEqual({ BUY: 2, SELL: 1, HOLD: 1, NO_SIGNAL: 2 });
    const h = s.horizons[0]!;
    expect(h.horizon).toBe(5);
    expect(h.by_action.BUY).toEqual({ count: 2, mean_return: expect.closeTo(0.005, 12), hit_rate: 0.5 });
    expect(h.by_action.SELL).toEqual({ count: 1, mean_return: -0.03, hit_rate: 1 });
    expect(h.by_action.HOLD).toEqual({ count: 1, mean_return: 0.01, hit_rate: null });
    expect(h.by_action.NO_SIGNAL).toEqual({ count: 1, mean_return: 0.04, hit_rate: null });
    expect(h.base.count).toBe(5);
    expect(h.base.mean_return).toBeCloseTo(0.006, 12);
    expect(h.base.up_rate).toBeCloseTo(0.6, 12);
    expect(h.ic.pooled.lag).toBe(4);
  });

  it('calibration: hit rate of the BUY and SELL calls by confidence bucket, right when they beat SPY their way', () => {
    const rows = calibration(known);
    expect(rows.map((r) => r.from)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(rows.map((r) => r.to)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    // by_action says one of the two BUYs rose (hit rate 0.5); neither beat SPY, which is what their confidence forecast.
    expect(rows[6]).toEqual({ from: 0.6, to: 0.7, count: 2, mean_confidence: expect.closeTo(0.665, 12), hit_rate: 0 });
    expect(rows[8]).toMatchObject({ count: 1, hit_rate: 1 });
    expect(rows[9]).toMatchObject({ count: 0, mean_confidence: null, hit_rate: null });
  });

  it('Brier: the confidence against beating SPY their way, beside a constant forecast at the hit rate; unknown excess left out', () => {
    const b = brier([...known, { action: 'BUY', confidence: 0.99, excess: null }]);
    expect(b.calls).toBe(3);
    expect(b.score).toBeCloseTo((0.65 ** 2 + 0.68 ** 2 + (0.85 - 1) ** 2) / 3, 12);
    expect(b.base_rate).toBeCloseTo((1 / 3) * (2 / 3), 12);
    expect(brier([{ action: 'HOLD', confidence: 0.9, excess: 0.1 }])).toEqual({ calls: 0, score: null, base_rate: null });
  });

  it('the 95% interval is the estimate +- 1.96 standard errors, where a t exists', () => {
    expect(intervalOf(0.02, 2)![0]).toBeCloseTo(0.02 - 0.0196, 12);
    expect(intervalOf(0.02, 2)![1]).toBeCloseTo(0.02 + 0.0196, 12);
    expect(intervalOf(-0.03, -1.5)![1]).toBeCloseTo(-0.03 + 0.0392, 12);
    expect(intervalOf(0.02, null)).toBeNull();
    expect(consensusStats(calls, [5], 1).horizons[0]!.ic.pooled.interval).toHaveLength(2);
  });

  it("an agent's abstentions count in its actions and coverage but not in IC", () => {
    const votes: Call[] = [
      { date: day(0), action: 'BUY', confidence: 0.9, forward: [0.03], excess: [0.01] },
      { date: day(1), action: 'ABSTAINED', confidence: 0, forward: [-0.5], excess: [-0.4] },
      { date: day(2), action: 'HOLD', confidence: 0.8, forward: [0.01], excess: [0] },
      { date: day(3), action: 'SELL', confidence: 0.7, forward: [-0.02], excess: [-0.01] },
    ];
    const a = agentStats('X', votes, [5], 1);
    expect(a.coverage).toBe(0.75);
    expect(a.actions).toEqual({ BUY: 1, SELL: 1, HOLD: 1, ABSTAINED: 1, FAILED: 0 });
    expect(a.horizons[0]!.ic.pooled).toMatchObject({ ic: 1, n: 3 });
  });
});
