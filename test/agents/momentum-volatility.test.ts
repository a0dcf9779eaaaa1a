// Momentum and VolatilityRisk on constructed price series where the right vote is known.
import { describe, expect, it } from 'vitest';
import { annualVolatility, momentumVote } from '../../src/agents/momentum.js';
import { volatilityVote } from '../../src/agents/volatility.js';
import { barsFrom, trend } from '../helpers/series.js';

describe('Momentum', () => {
  it('votes BUY on a steady rise: the 12-1 month return is large against its volatility', () => {
    const vote = momentumVote(barsFrom(trend(300, 0.002)));
    expect(vote.kind === 'vote' && vote.signal).toBe('BUY');
    expect(vote.kind === 'vote' && (vote.indicators.tsmom_risk_adjusted as number)).toBeGreaterThan(1);
  });

  it('votes SELL on a steady fall', () => {
    expect(momentumVote(barsFrom(trend(300, -0.002)))).toMatchObject({ kind: 'vote', signal: 'SELL' });
  });

  it('computes the 12-month return skipping the last month, and reads a sharp last month as a reversal to come', () => {
    const closes = [
      ...Array.from({ length: 253 - 21 }, (_, i) => 100 + (i % 3 === 1 ? 1 : 0)),
      ...Array.from({ length: 21 }, (_, i) => 80 - (i % 2)),
    ];
    const vote = momentumVote(barsFrom(closes));
    expect(vote.kind === 'vote' && vote.indicators.return_12_1m).toBe(0);
    expect(vote.kind === 'vote' && (vote.indicators.return_1m as number)).toBeLessThan(-0.15);
    // no 12-1 month trend, a fall in the last month: the reversal is the only evidence, and it is bullish
    expect(vote.kind === 'vote' && vote.score).toBeGreaterThan(0);
  });

  it('abstains with less than a year of bars', () => {
    expect(momentumVote(barsFrom(trend(200, 0.001)))).toMatchObject({ kind: 'abstain' });
  });
});

describe('VolatilityRisk', () => {
  it('matches the sample standard deviation of log returns, annualised', () => {
    const closes = [100, 101, 99, 102, 103, 101, 100, 104, 105, 103, 102, 106, 107, 105, 104, 108, 109, 107, 106, 110, 111];
    const r = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
    expect(annualVolatility(closes, 20)).toBeCloseTo(sd * Math.sqrt(252), 10);
  });

  it('votes SELL when the last month is far wilder than its year and than the market', () => {
    const quiet = Array.from({ length: 280 }, (_, t) => 100 * (1 + 0.002 * Math.sin(t)));
    const wild = Array.from({ length: 20 }, (_, t) => 100 * (1 + 0.06 * (t % 2 ? 1 : -1)));
    const market = barsFrom(Array.from({ length: 300 }, (_, t) => 100 * (1 + 0.001 * Math.sin(t))));
    const vote = volatilityVote(barsFrom([...quiet, ...wild]), market);
    expect(vote.kind === 'vote' && (vote.indicators.vol_ratio as number)).toBeGreaterThan(2);
    expect(vote.kind === 'vote' && vote.signal).toBe('SELL');
  });

  it('votes BUY when calm against its own year and against the market', () => {
    const wildYear = Array.from({ length: 240 }, (_, t) => 80 * (1 + 0.03 * Math.sin(t * 1.3)));
    const calm = Array.from({ length: 60 }, (_, t) => 82 + t * 0.01);
    const market = barsFrom(Array.from({ length: 300 }, (_, t) => 100 * (1 + 0.03 * Math.sin(t * 1.7))));
    const vote = volatilityVote(barsFrom([...wildYear, ...calm]), market);
    expect(vote.kind === 'vote' && vote.signal).toBe('BUY');
  });

  it('leaves out the comparison with the market when there is no benchmark (SPY itself)', () => {
    const vote = volatilityVote(barsFrom(trend(300, 0.001)), []);
    expect(vote.kind === 'vote' && vote.indicators.vol_vs_spy).toBeUndefined();
  });

  it('abstains, saying why, on a price that never moved in a year, and leaves out a market that never moved', () => {
    const flat = barsFrom(Array.from({ length: 300 }, () => 50));
    expect(volatilityVote(flat, barsFrom(trend(300, 0.001)))).toMatchObject({ kind: 'abstain', reason: expect.stringContaining('did not move') });
    const vote = volatilityVote(barsFrom(trend(300, 0.001)), flat);
    expect(vote.kind === 'vote' && vote.indicators.vol_vs_spy).toBeUndefined();
    expect(vote.kind === 'vote' && Number.isFinite(vote.confidence)).toBe(true);
  });

  it('abstains without a year of history', () => {
    expect(volatilityVote(barsFrom(trend(100, 0.001)), [])).toMatchObject({ kind: 'abstain' });
  });
});
