// Target price and stop loss from the average true range.
import type { Action } from '../protocol/messages.js';

export const TARGET_ATR = 2;
export const STOP_ATR = 1.5;

/**
 * BUY: target = price + 2 ATR, stop = price - 1.5 ATR. SELL: mirrored. HOLD is not a trade and has
 * no levels. Without an ATR (too little history) both equal the price.
 * @example levels('BUY', 100, 2) // { target_price: 104, stop_loss: 97 }
 * @example levels('HOLD', 100, 2) // {}
 */
export function levels(action: Action, price: number, atr: number | null): { target_price?: number; stop_loss?: number } {
  if (action === 'HOLD') return {};
  const a = atr ?? 0;
  const dir = action === 'SELL' ? -1 : 1;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { target_price: r(price + dir * TARGET_ATR * a), stop_loss: r(price - dir * STOP_ATR * a) };
}
