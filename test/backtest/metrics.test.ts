// Performance figures against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { equityCurve, figures, maxDrawdown, sharpe, sortino } from '../../src/backtest/metrics.js';

const r = [0.01, -0.02, 0.03, 0];

describe('Sharpe and Sortino', () => {
  it('Sharpe: mean / sample sd * sqrt(252)', () => {
    // mean 0.005; deviations 0.005 -0.025 0.025 -0.005; sum of squares 0.0013; sd = sqrt(0.0013 / 3) = 0.0208167
    // 0.005 / 0.0208167 = 0.2401922; times sqrt(252) = 15.874508: 3.812933
    expect(sharpe(r)).toBeCloseTo(3.812933, 5);
  });

  it('Sortino: mean / sqrt(sum of min(r, 0)^2 / n) * sqrt(252)', () => {
    // downside deviation sqrt(0.0004 / 4) = 0.01; 0.005 / 0.01 * 15.874508 = 7.937254
    expect(sortino(r)).toBeCloseTo(7.937254, 5);
  });

  it('are null without variation or without a losing day', () => {
    expect(sharpe([0.01, 0.01, 0.01])).toBeNull();
    expect(sortino([0.01, 0.02])).toBeNull();
  });
});

describe('max drawdown', () => {
  it('is the largest fall from a running peak, the start counting as a peak of 1', () => {
    expect(maxDrawdown([0.1, -0.5, 0.2])).toBeCloseTo(0.5, 12);
    // equity 0.9, 0.81, 1.215, 0.972: from 1 to 0.81 is 0.19, from 1.215 to 0.972 is 0.2
    expect(maxDrawdown([-0.1, -0.1, 0.5, -0.2])).toBeCloseTo(0.2, 12);
    expect(maxDrawdown([0.01, 0.02])).toBe(0);
  });
});

describe('figures of a path', () => {
  it('annualises by compounding over 252 days, and counts exposure and turnover', () => {
    // 126 days, +10% in total: (1.1)^2 - 1 = 0.21 a year; long half the days; 3 units traded in half a year: 6 a year
    const days = 126;
    const daily = 1.1 ** (1 / days) - 1;
    const f = figures({
      dates: Array.from({ length: days }, (_, i) => `d${i}`),
      end: 'end',
      returns: Array.from({ length: days }, () => daily),
      exposure: Array.from({ length: days }, (_, i) => (i < 63 ? 1 : 0)),
      traded: Array.from({ length: days }, (_, i) => (i === 0 ? 1 : i === 63 ? 1 : i === 100 ? 1 : 0)),
    });
    expect(f.total_return).toBeCloseTo(0.1, 10);
    expect(f.annual_return).toBeCloseTo(0.21, 10);
    expect(f.exposure).toBeCloseTo(0.5, 12);
    expect(f.turnover).toBeCloseTo(6, 10);
    expect(f.max_drawdown).toBe(0);
    expect(f).toMatchObject({ start: 'd0', end: 'end', days });
  });

  it('an empty path has no annual figures', () => {
    const f = figures({ dates: [], end: null, returns: [], exposure: [], traded: [] });
    expect(f).toMatchObject({ days: 0, total_return: 0, annual_return: null, sharpe: null, annual_volatility: null });
  });

  it('equity compounds the returns from 1', () => {
    expect(equityCurve([0.1, -0.5])).toEqual([1, 1.1, 0.55]);
  });
});
