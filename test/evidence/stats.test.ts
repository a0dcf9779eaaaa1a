// The statistics against values worked out by hand: ranks with ties, Spearman, Newey-West t, the normal tail.
import { describe, expect, it } from 'vitest';
import { neweyWestT, pearson, ranks, sampleSd, spearman, twoSidedP } from '../../src/evidence/stats.js';

describe('ranks and Spearman', () => {
  it('gives tied values their average rank', () => {
    expect(ranks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5]);
    expect(ranks([5, 5, 5])).toEqual([2, 2, 2]);
  });

  it('matches 1 - 6 sum d^2 / (n (n^2 - 1)) without ties', () => {
    // ranks of y: 1 2 4 3; d^2 = 0 0 1 1; 1 - 6 * 2 / (4 * 15) = 0.8
    expect(spearman([1, 2, 3, 4], [10, 20, 40, 30])).toBeCloseTo(0.8, 12);
    // y reversed: -1; any increasing transform of x leaves it unchanged
    expect(spearman([1, 2, 3, 4, 5], [9, 7, 5, 3, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3, 4, 5], [1, 8, 27, 64, 125])).toBeCloseTo(1, 12);
  });

  it('is Pearson on average ranks with ties', () => {
    // x ranks 1.5 1.5 3 4, y ranks 1 2 3 4: centred x -1 -1 0.5 1.5, y -1.5 -0.5 0.5 1.5
    // sum xy = 1.5 + 0.5 + 0.25 + 2.25 = 4.5; sum x^2 = 4.5; sum y^2 = 5; 4.5 / sqrt(22.5) = 0.948683
    expect(spearman([1, 1, 2, 3], [1, 2, 3, 4])).toBeCloseTo(0.948683, 6);
  });

  it('is null when a side is constant or there are under 3 pairs', () => {
    expect(spearman([0, 0, 0, 0], [1, 2, 3, 4])).toBeNull();
    expect(spearman([1, 2], [1, 2])).toBeNull();
    expect(pearson([1, 2, 3], [2, 2, 2])).toBeNull();
  });

  it('sample sd divides by n - 1', () => {
    expect(sampleSd([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
  });
});

describe('Newey-West t of a mean', () => {
  it('matches the hand-computed case: 1..5 with lag 1', () => {
    // mean 3; deviations -2 -1 0 1 2; g0 = 10 / 5 = 2; g1 = (2 + 0 + 0 + 2) / 5 = 0.8
    // S = 2 + 2 * (1 - 1/2) * 0.8 = 2.8; t = 3 / sqrt(2.8 / 5) = 4.008919
    expect(neweyWestT([1, 2, 3, 4, 5], 1)).toBeCloseTo(4.008919, 6);
  });

  it('with lag 0 is the mean over sqrt(population variance / n)', () => {
    expect(neweyWestT([1, 2, 3, 4, 5], 0)).toBeCloseTo(3 / Math.sqrt(2 / 5), 12);
  });

  it('with lag 2 weighs the second autocovariance by 1/3', () => {
    // x = 1 3 2 5 4: mean 3, d = -2 0 -1 2 1; g0 = (4 + 0 + 1 + 4 + 1) / 5 = 2
    // g1 = (0 + 0 - 2 + 2) / 5 = 0; g2 = (2 + 0 - 1) / 5 = 0.2
    // S = 2 + 2 * (2/3) * 0 + 2 * (1/3) * 0.2 = 2.133333; t = 3 / sqrt(2.133333 / 5) = 4.592793
    expect(neweyWestT([1, 3, 2, 5, 4], 2)).toBeCloseTo(4.592793, 6);
  });

  it('shrinks t when a series is positively autocorrelated (overlapping returns)', () => {
    const smooth = [0.1, 0.2, 0.3, 0.3, 0.2, 0.1, 0, -0.05, 0.05, 0.15, 0.25, 0.3];
    expect(Math.abs(neweyWestT(smooth, 4)!)).toBeLessThan(Math.abs(neweyWestT(smooth, 0)!));
  });

  it('is null for a constant series or under 3 values', () => {
    expect(neweyWestT([1, 1, 1, 1], 1)).toBeNull();
    expect(neweyWestT([1, 2], 0)).toBeNull();
  });
});

describe('two-sided normal p-value', () => {
  it('is 0.05 at 1.959964, 1 at 0, 0.3173 at 1', () => {
    expect(twoSidedP(1.959964)).toBeCloseTo(0.05, 6);
    expect(twoSidedP(-1.959964)).toBeCloseTo(0.05, 6);
    expect(twoSidedP(0)).toBeCloseTo(1, 6);
    expect(twoSidedP(1)).toBeCloseTo(0.317311, 6);
  });
});
