// The market monitor: conflated price updates per symbol, and a re-analysis when the price moves past a threshold.
import type { MarketFeed, Tick } from './feed.js';

export interface MonitorOptions {
  /** Percent move from the price at the last analysis that starts a new one. */
  thresholdPct: number;
  /** Price updates per second per symbol, at most; in between only the latest is kept. */
  priceRate: number;
}

/** Node's largest timer delay; a longer one (or a non-number) fires after 1 ms instead, a flush loop at full speed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface MonitorHandlers {
  publishPrice(tick: Tick): void;
  /** Ask for an analysis: 'initial' for a symbol never analysed, 'price_move' past the threshold. */
  trigger(symbol: string, reason: 'initial' | 'price_move'): void;
}

export class MarketMonitor {
  private readonly reference = new Map<string, number>();
  private readonly latest = new Map<string, Tick>();
  private readonly requested = new Set<string>();
  /** Symbols whose first quote becomes the reference without an analysis (see `withoutInitial`). */
  private readonly quiet = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly feed: MarketFeed,
    private readonly handlers: MonitorHandlers,
    private readonly options: MonitorOptions,
  ) {
    if (!(options.priceRate > 0)) throw new RangeError(`priceRate must be above 0, got ${options.priceRate}`);
    feed.onTick((tick) => this.onTick(tick));
  }

  /** Records the price an analysis of `symbol` starts from: the reference for the threshold. */
  setReference(symbol: string, price: number): void {
    this.reference.set(symbol, price);
  }

  /**
   * The next first quote of `symbol` only sets its reference, starting no analysis: for a symbol watched again
   * when the client that asked for it had no analysis left in its rate limit.
   */
  withoutInitial(symbol: string): void {
    if (!this.reference.has(symbol)) this.quiet.add(symbol);
  }

  referencePrice(symbol: string): number | undefined {
    return this.reference.get(symbol);
  }

  onTick(tick: Tick): void {
    this.latest.set(tick.symbol, tick);
    const ref = this.reference.get(tick.symbol);
    if (ref === undefined) {
      if (this.quiet.delete(tick.symbol)) {
        this.reference.set(tick.symbol, tick.price);
        return;
      }
      if (!this.requested.has(tick.symbol)) {
        this.requested.add(tick.symbol);
        this.handlers.trigger(tick.symbol, 'initial');
      }
      return;
    }
    // Measured from the last analysis, not the previous tick, so a slow drift fires too.
    if (Math.abs(tick.price / ref - 1) * 100 >= this.options.thresholdPct) {
      this.handlers.trigger(tick.symbol, 'price_move');
    }
  }

  /** Publishes the latest tick of every symbol that moved since the last flush. */
  flush(): void {
    for (const tick of this.latest.values()) this.handlers.publishPrice(tick);
    this.latest.clear();
  }

  start(): void {
    const delay = Math.min(MAX_TIMER_MS, Math.max(1, 1000 / this.options.priceRate));
    this.timer = setInterval(() => this.flush(), delay);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  forget(symbol: string): void {
    this.reference.delete(symbol);
    this.requested.delete(symbol);
    this.quiet.delete(symbol);
    this.latest.delete(symbol);
    this.feed.unwatch(symbol);
  }
}
