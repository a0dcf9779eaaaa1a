// Which days a backtest analyses: the window, every n-th day, a next open to trade at, and dates outside the data.
import { describe, expect, it } from 'vitest';
import { stepIndices } from '../../src/backtest/plan.js';
import { SignalsError } from '../../src/protocol/errors.js';
import type { Bar } from '../../src/market/types.js';

const bars: Bar[] = Array.from({ length: 400 }, (_, i) => ({
  date: new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10),
  open: 1,
  high: 1,
  low: 1,
  close: 1,
  volume: 1,
}));

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    if (error instanceof SignalsError) return error.code;
    throw error;
  }
  return undefined;
}

describe('stepIndices', () => {
  it('defaults to the first day with 300 bars of history up to the last day with a next open', () => {
    const steps = stepIndices('X', bars, { every: 1 });
    expect(steps[0]).toBe(299);
    expect(steps.at(-1)).toBe(398);
  });

  it('takes every n-th trading day from --from, and never the last bar', () => {
    expect(stepIndices('X', bars, { from: '2020-01-01', to: '2020-01-10', every: 3 })).toEqual([0, 3, 6, 9]);
    expect(stepIndices('X', bars, { from: bars.at(-3)!.date, every: 1 })).toEqual([397, 398]);
  });

  it('starts at the next trading day when --from falls between bars', () => {
    const gappy = bars.filter((_, i) => i % 2 === 0);
    expect(stepIndices('X', gappy, { from: '2020-01-02', to: '2020-01-06', every: 1 })).toEqual([1, 2]);
  });

  it('dates outside the data, or a window without a next open, are DATE_OUT_OF_RANGE', () => {
    expect(codeOf(() => stepIndices('X', bars, { from: '2019-12-31', every: 1 }))).toBe('DATE_OUT_OF_RANGE');
    expect(codeOf(() => stepIndices('X', bars, { to: '2099-01-01', every: 1 }))).toBe('DATE_OUT_OF_RANGE');
    expect(codeOf(() => stepIndices('X', bars, { from: bars.at(-1)!.date, every: 1 }))).toBe('DATE_OUT_OF_RANGE');
    expect(() => stepIndices('X', bars, { from: '2019-12-31', every: 1 })).toThrow(
      "--from 2019-12-31 is outside X's data (2020-01-01 to 2021-02-03)",
    );
  });
});
