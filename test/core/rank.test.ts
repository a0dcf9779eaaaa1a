// The ranking's arithmetic: mid-rank percentiles, and the sign of a HOLD's weighted agreement.
import { describe, expect, it } from 'vitest';
import { percentiles } from '../../src/core/rank.js';

describe('percentiles', () => {
  const byValue = (a: number, b: number) => a - b;

  it('puts the lowest at 0, the highest at 100 and ties at their mean rank', () => {
    expect(percentiles([3, 1, 2, 2], byValue)).toEqual([100, 0, 50, 50]);
    expect(percentiles([5, 5, 5], byValue)).toEqual([50, 50, 50]);
    expect(percentiles([1, 2, 3, 4, 5], byValue)).toEqual([0, 25, 50, 75, 100]);
  });

  it('leaves out what has no value (an agent that did not vote), and gives a lone value 50', () => {
    expect(percentiles([undefined, 2, undefined, 1], byValue)).toEqual([null, 100, null, 0]);
    expect(percentiles([7], byValue)).toEqual([50]);
    expect(percentiles([], byValue)).toEqual([]);
  });

  it('is the same whatever the order of the items (seed 7)', () => {
    let state = 7;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const values = Array.from({ length: 200 }, () => Math.round(random() * 50));
    const shuffled = values.map((v, i) => ({ v, i })).sort(() => random() - 0.5);
    const direct = percentiles(values, byValue);
    const again = percentiles(
      shuffled.map((x) => x.v),
      byValue,
    );
    shuffled.forEach((x, k) => expect(again[k]).toBe(direct[x.i]));
  });
});
