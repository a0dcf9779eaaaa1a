// Trading decisions at the next open: positions, costs, buy-and-hold over the same days, forward returns.
import { describe, expect, it } from 'vitest';
import { equityCurve } from '../../src/backtest/metrics.js';
import { combine, forwardReturn, holdBetween, positionOf, simulate } from '../../src/backtest/simulate.js';
import type { Bar } from '../../src/market/types.js';

/** Bars with these opens (closes are irrelevant to the trades), dated day by day from 2024-01-01. */
function bars(opens: number[]): Bar[] {
  return opens.map((open, i) => ({
    date: new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
    open,
    high: open,
    low: open,
    close: open,
    volume: 1,
  }));
}

const OPENS = [100, 110, 99, 105, 120, 90, 95];

describe('positions', () => {
  it('long on BUY, flat otherwise; short on SELL only when allowed', () => {
    expect(['BUY', 'SELL', 'HOLD', 'NO_SIGNAL'].map((a) => positionOf(a as 'BUY', false))).toEqual([1, 0, 0, 0]);
    expect(['BUY', 'SELL', 'HOLD', 'NO_SIGNAL'].map((a) => positionOf(a as 'BUY', true))).toEqual([1, -1, 0, 0]);
  });
});

describe('simulate', () => {
  it('trades each decision at the next open and charges costs per unit of position traded', () => {
    // steps at bars 0..4; decisions long, flat, long, long, (last: not scored by the path)
    const { strategy, buyAndHold } = simulate(bars(OPENS), [0, 1, 2, 3, 4], [1, 0, 1, 1, 0], 10);
    // periods: open 1 -> 2, 2 -> 3, 3 -> 4, 4 -> 5
    const r = [99 / 110 - 1, 105 / 99 - 1, 120 / 105 - 1, 90 / 120 - 1];
    expect(buyAndHold.returns).toEqual(r);
    expect(buyAndHold.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05']);
    expect(strategy.end).toBe('2024-01-06');
    const c = 0.001;
    const expected = [(1 - c) * (1 + r[0]!) - 1, (1 - c) * 1 - 1, (1 - c) * (1 + r[2]!) - 1, r[3]!];
    strategy.returns.forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 14));
    expect(strategy.exposure).toEqual([1, 0, 1, 1]);
    expect(strategy.traded).toEqual([1, 1, 1, 0]);
  });

  it('always long is buy-and-hold less one entry cost, at every day', () => {
    const { strategy, buyAndHold } = simulate(bars(OPENS), [0, 1, 2, 3, 4, 5], [1, 1, 1, 1, 1, 1], 25);
    const s = equityCurve(strategy.returns);
    const b = equityCurve(buyAndHold.returns);
    for (let i = 1; i < s.length; i++) expect(s[i]).toBeCloseTo(b[i]! * (1 - 0.0025), 14);
    expect(strategy.traded.reduce((a, x) => a + x, 0)).toBe(1);
  });

  it('costs nothing at 0 bps and never trades when always flat', () => {
    const flat = simulate(bars(OPENS), [0, 1, 2, 3], [0, 0, 0, 0], 5).strategy;
    expect(flat.returns).toEqual([0, 0, 0]);
    const free = simulate(bars(OPENS), [0, 1, 2], [1, 1, 1], 0);
    expect(free.strategy.returns).toEqual(free.buyAndHold.returns);
  });

  it('a short earns the negative return; long to short trades 2 units', () => {
    const { strategy } = simulate(bars(OPENS), [0, 1, 2], [1, -1, -1], 10);
    expect(strategy.returns[0]).toBeCloseTo(0.999 * (99 / 110) - 1, 14);
    expect(strategy.returns[1]).toBeCloseTo(0.998 * (1 - (105 / 99 - 1)) - 1, 14);
    expect(strategy.traded).toEqual([1, 2]);
  });

  it('with steps every 2 bars, holds each decision until the next one takes effect', () => {
    const { strategy } = simulate(bars(OPENS), [0, 2, 4], [1, 0, 1], 0);
    expect(strategy.exposure).toEqual([1, 1, 0, 0]);
    expect(strategy.returns[1]).toBeCloseTo(105 / 99 - 1, 14);
  });
});

describe('forward returns', () => {
  it('run from the open after the step to the open h bars later; null past the data', () => {
    expect(forwardReturn(bars(OPENS), 0, 3)).toBeCloseTo(120 / 110 - 1, 14);
    expect(forwardReturn(bars(OPENS), 2, 3)).toBeCloseTo(95 / 105 - 1, 14);
    expect(forwardReturn(bars(OPENS), 3, 3)).toBeNull();
  });
});

describe('portfolio and benchmark paths', () => {
  it('combine takes the equal-weight mean of the paths holding each day', () => {
    const a = { dates: ['d1', 'd2'], end: 'd3', returns: [0.1, 0.2], exposure: [1, 1], traded: [1, 0] };
    const b = { dates: ['d2', 'd3'], end: 'd4', returns: [0, -0.2], exposure: [0, 1], traded: [0, 1] };
    expect(combine([a, b])).toEqual({ dates: ['d1', 'd2', 'd3'], end: 'd4', returns: [0.1, 0.1, -0.2], exposure: [1, 0.5, 1], traded: [1, 0, 1] });
  });

  it('holdBetween holds from the first open on or after `from` to the open dated `to`', () => {
    const p = holdBetween(bars(OPENS), '2024-01-02', '2024-01-05');
    expect(p.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);
    expect(p.end).toBe('2024-01-05');
    expect(equityCurve(p.returns).at(-1)).toBeCloseTo(120 / 110, 14);
  });
});
