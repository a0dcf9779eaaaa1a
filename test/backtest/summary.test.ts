// The plain-text output's progress line.
import { describe, expect, it } from 'vitest';
import { progressLine } from '../../src/backtest/summary.js';

describe('progressLine', () => {
  it('shows the bar, the count and the time left at the rate so far', () => {
    expect(progressLine(500, 1000, 10_000, 20)).toBe('[##########----------] 500/1,000 analyses  50%  10 s left');
    expect(progressLine(0, 51_000, 0, 10)).toBe('[----------] 0/51,000 analyses  0%');
    expect(progressLine(51_000, 51_000, 30_000, 10)).toBe('[##########] 51,000/51,000 analyses  100%  0 s left');
  });
});
