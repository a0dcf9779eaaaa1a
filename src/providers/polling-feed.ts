// A MarketFeed that polls a provider for each watched symbol's latest quote, politely, and only while the market is open.
import { marketState, tradingDateOf, type MarketState } from '../market/calendar.js';
import { QuotingFeed, type MarketFeed, type Tick } from '../market/feed.js';
import { SignalsError } from '../protocol/errors.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { ProviderLogger } from './provider.js';

export interface PollingFeedOptions {
  name: string;
  /** The latest quote of a symbol today; undefined when it has not traded. */
  fetchQuote: (symbol: string) => Promise<Tick | undefined>;
  has: (symbol: string) => boolean;
  /** Between the starts of two rounds of polling (one request per watched symbol each round). */
  intervalMs: number;
  logger: ProviderLogger;
  /** Wall clock (epoch ms); tests set the market's time. */
  clock?: () => number;
}

/**
 * Quotes only what the provider reports as traded today in the regular session: outside it, and for a
 * quote that has not changed, no tick at all. A round that fails for want of the provider marks the feed
 * `stalled` until one succeeds again.
 */
export class PollingFeed extends QuotingFeed implements MarketFeed {
  readonly name: string;
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private stalled = false;

  constructor(private readonly options: PollingFeedOptions) {
    super();
    this.name = options.name;
    this.clock = options.clock ?? Date.now;
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }

  marketState(): MarketState {
    return marketState(this.clock());
  }

  watch(symbol: string): void {
    const s = normaliseSymbol(symbol);
    if (!this.options.has(s)) throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s}`);
    this.watchedSymbols.add(s);
  }

  unwatch(symbol: string): void {
    this.watchedSymbols.delete(normaliseSymbol(symbol));
  }

  start(): void {
    this.running = true;
    this.schedule(0);
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private schedule(delay: number): void {
    if (this.running) this.timer = setTimeout(() => void this.round(), delay);
  }

  /** One request per watched symbol, one after another: a provider sees at most one request of ours at a time. */
  async round(): Promise<void> {
    const started = Date.now();
    if (this.marketState() === 'open') {
      for (const symbol of [...this.watchedSymbols]) {
        if (!this.running) return;
        await this.poll(symbol);
      }
    }
    this.schedule(Math.max(0, this.options.intervalMs - (Date.now() - started)));
  }

  private async poll(symbol: string): Promise<void> {
    let tick: Tick | undefined;
    try {
      tick = await this.options.fetchQuote(symbol);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof SignalsError && error.code === 'PROVIDER_UNAVAILABLE') {
        if (!this.stalled) {
          this.stalled = true;
          this.announce({ state: 'stalled', reason: `no quotes: ${message}` });
        }
        return;
      }
      // A malformed answer or an unknown symbol: logged and skipped, the other symbols go on.
      this.options.logger.warn('quote skipped', { feed: this.name, symbol, error: message });
      return;
    }
    if (this.stalled) {
      this.stalled = false;
      this.announce({ state: 'running', reason: `${this.name} answers again` });
    }
    // Only today's trading, and only news: a quote from before today's open, or one already seen, is no tick.
    if (!tick || tick.bar.date !== tradingDateOf(this.clock()) || !this.watchedSymbols.has(symbol)) return;
    if (this.quotes.get(symbol)?.time === tick.time) return;
    this.publish(symbol, tick);
  }
}
