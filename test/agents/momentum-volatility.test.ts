// Momentum and VolatilityRisk on constructed price series where the right vote is known.
import { describe, expect, it } from 'vitest';
import { momentumVote } from '../../src/agents/momentum.js';
import { rollingVolatility, volatilityVote } from '../../src/agents/volatility.js';
import { barsFrom, trend } from '../helpers/series.js';

describe('Momentum', () => {
  it('votes BUY when every horizon is up and it beats the benchmark', () => {
    const vote = momentumVote(barsFrom(trend(300, 0.002)), barsFrom(trend(300, 0.0002)));
    expect(vote.kind === 'vote' && vote.signal).toBe('BUY');
    expect(vote.kind === 'vote' && (vote.indicators.relative_strength_6m as number)).toBeGreaterThan(0);
  });

  it('votes SELL when every horizon is down', () => {
    const vote = momentumVote(barsFrom(trend(300, -0.002)), []);
    expect(vote.kind === 'vote' && vote.signal).toBe('SELL');
    expect(vote.kind === 'vote' && vote.indicators.relative_strength_6m).toBeUndefined();
  });

  it('computes the 12-month return skipping the last month', () => {
    const closes = [...Array.from({ length: 253 - 21 }, () => 100), ...Array.from({ length: 21 }, () => 50)];
    const vote = momentumVote(barsFrom(closes), []);
    // 12-1: from t-252 to t-21, both 100 -> 0; the last month's halving is only in the 1-month return
    expect(vote.kind === 'vote' && vote.indicators.return_12_1m).toBe(0);
    expect(vote.kind === 'vote' && vote.indicators.return_1m).toBe(-0.5);
  });

  it('abstains with less than a year of bars', () => {
    expect(momentumVote(barsFrom(trend(200, 0.001)), [])).toMatchObject({ kind: 'abstain' });
  });
});

describe('VolatilityRisk', () => {
  it('matches the sample standard deviation of log returns, annualised', () => {
    const closes = [100, 101, 99, 102, 103, 101, 100, 104, 105, 103, 102, 106, 107, 105, 104, 108, 109, 107, 106, 110, 111];
    const r = closes.slice(1).map((c, i) => Math.log(c / closes[i]!));
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / (r.length - 1));
    expect(rollingVolatility(closes, 1)[0]).toBeCloseTo(sd * Math.sqrt(252), 10);
  });

  it('is defensive in a crash: SELL, stressed, deep drawdown', () => {
    const calm = trend(280, 0.0005);
    const crash = Array.from({ length: 20 }, (_, i) => calm.at(-1)! * (1 - 0.03 * (i + 1)) * (1 + (i % 2 ? 0.02 : -0.02)));
    const vote = volatilityVote(barsFrom([...calm, ...crash]));
    expect(vote.kind === 'vote' && vote.signal).toBe('SELL');
    expect(vote.kind === 'vote' && vote.indicators.stressed).toBe(true);
    expect(vote.kind === 'vote' && (vote.indicators.drawdown_from_high as number)).toBeLessThan(-0.2);
  });

  it('never votes BUY in a stressed regime', () => {
    // volatility at the top of its year while the price sits at its high
    const quiet = Array.from({ length: 280 }, (_, t) => 100 * (1 + 0.002 * Math.sin(t)));
    const wild = Array.from({ length: 20 }, (_, t) => 100 * (1 + 0.06 * (t % 2 ? 1 : -1)) + t);
    const vote = volatilityVote(barsFrom([...quiet, ...wild]));
    expect(vote.kind === 'vote' && vote.indicators.stressed).toBe(true);
    expect(vote.kind === 'vote' && vote.signal).not.toBe('BUY');
  });

  it('votes BUY when calm and near the high', () => {
    const wildYear = Array.from({ length: 200 }, (_, t) => 80 * (1 + 0.04 * Math.sin(t * 1.3)));
    const calm = Array.from({ length: 100 }, (_, t) => 82 + t * 0.05);
    const vote = volatilityVote(barsFrom([...wildYear, ...calm]));
    expect(vote.kind === 'vote' && vote.signal).toBe('BUY');
  });

  it('abstains without a year of history', () => {
    expect(volatilityVote(barsFrom(trend(100, 0.001)))).toMatchObject({ kind: 'abstain' });
  });
});
