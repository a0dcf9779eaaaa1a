// Which quotes a feed may pass on: finite, positive, below an absurd price, and within a sane jump of the symbol's last quote.
import type { Bar } from './types.js';

/** What the check reads of a feed's tick. */
export interface Quoted {
  symbol: string;
  price: number;
  previousClose: number;
  volume: number;
  bar: Pick<Bar, 'open' | 'high' | 'low' | 'close'>;
}

/** No listed US equity trades near this; a price above it is a provider's error (1e308 once became `price: null`). */
export const MAX_PRICE = 10_000_000;
/** A quote more than this factor above or below the last accepted one (or the previous close) is a jump. */
export const MAX_JUMP = 2;
/** A jump is taken as real once this many quotes in a row agree on it (each within 10% of the first). */
export const JUMP_CONFIRMATIONS = 3;
const AGREE = 0.1;

const positive = (x: number) => Number.isFinite(x) && x > 0 && x < MAX_PRICE;

/**
 * Checks each quote against the last one it let through, per symbol. A quote that jumps is refused until
 * JUMP_CONFIRMATIONS quotes in a row confirm the new level: one bad print cannot move the monitor, and a
 * real move (a halt, a split the provider did not adjust) gets through a few quotes later.
 * @example const why = check.refuse(tick); if (why) logger.warn('quote refused', { why });
 */
export class QuoteCheck {
  private readonly last = new Map<string, number>();
  private readonly jumps = new Map<string, number[]>();

  /** Why `tick` is refused, or undefined when it may be published (it then becomes the symbol's last price). */
  refuse(tick: Quoted): string | undefined {
    const { price, previousClose, volume, bar } = tick;
    if (!positive(price)) return `price ${price} is not a positive finite number below ${MAX_PRICE}`;
    if (!positive(previousClose)) return `previous close ${previousClose} is not a positive finite number below ${MAX_PRICE}`;
    if (!Number.isFinite(volume) || volume < 0) return `volume ${volume} is not a finite number of at least 0`;
    if (![bar.open, bar.high, bar.low, bar.close].every(positive)) return "today's bar has a price that is not positive and finite";
    const reference = this.last.get(tick.symbol) ?? previousClose;
    if (price > reference * MAX_JUMP || price < reference / MAX_JUMP) {
      const seen = [...(this.jumps.get(tick.symbol) ?? []), price].filter((p, _, all) => Math.abs(p / all[0]! - 1) <= AGREE);
      this.jumps.set(tick.symbol, seen);
      if (seen.length < JUMP_CONFIRMATIONS)
        return `price ${price} jumps from ${reference} (more than ${MAX_JUMP}x); refused until ${JUMP_CONFIRMATIONS} quotes in a row agree`;
    }
    this.jumps.delete(tick.symbol);
    this.last.set(tick.symbol, price);
    return undefined;
  }
}
