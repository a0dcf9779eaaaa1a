// Quotes a feed refuses: not finite, not positive, absurdly high, or a jump from the last until quotes confirm it.
import { describe, expect, it } from 'vitest';
import type { Tick } from '../../src/market/feed.js';
import { JUMP_CONFIRMATIONS, QuoteCheck } from '../../src/market/quote-check.js';

const tick = (price: number, extra: Partial<Tick> = {}): Tick => ({
  symbol: 'AAPL',
  price,
  volume: 100,
  time: '2025-10-07T15:00:00Z',
  previousClose: 100,
  bar: { date: '2025-10-07', open: 100, high: Math.max(100, price), low: Math.min(100, price), close: price, volume: 100 },
  ...extra,
});

describe('QuoteCheck', () => {
  it('refuses prices that are negative, zero, not finite or absurd, and a bad previous close or volume', () => {
    const check = new QuoteCheck();
    for (const price of [-48.98, 0, Number.NaN, Number.POSITIVE_INFINITY, 1e308]) expect(check.refuse(tick(price))).toMatch(/price/);
    expect(check.refuse(tick(101, { previousClose: -1 }))).toMatch(/previous close/);
    expect(check.refuse(tick(101, { volume: Number.NaN }))).toMatch(/volume/);
    expect(check.refuse(tick(101))).toBeUndefined();
  });

  it('a jump past 2x of the last quote is refused until that many quotes in a row agree on it', () => {
    const check = new QuoteCheck();
    expect(check.refuse(tick(101))).toBeUndefined();
    expect(check.refuse(tick(350))).toMatch(/jumps/);
    expect(check.refuse(tick(102))).toBeUndefined();
    const confirmations = Array.from({ length: JUMP_CONFIRMATIONS }, (_, i) => check.refuse(tick(300 + i)));
    expect(confirmations.slice(0, -1).every((why) => why !== undefined)).toBe(true);
    expect(confirmations.at(-1)).toBeUndefined();
    expect(check.refuse(tick(305))).toBeUndefined();
  });
});
