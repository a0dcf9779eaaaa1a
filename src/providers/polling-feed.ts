// A MarketFeed that polls a provider for each watched symbol's latest quote, each symbol on its own, and only while the market is open.
import { marketState, tradingDateOf, type MarketState } from '../market/calendar.js';
import { QuotingFeed, type FeedState, type MarketFeed, type Tick } from '../market/feed.js';
import { SignalsError } from '../protocol/errors.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import { RateLimitedError } from './http.js';
import type { ProviderLogger } from './provider.js';

/** Requests to the provider in flight at once: a slow symbol holds one, the others go on. */
const MAX_IN_FLIGHT = 4;
/** The feed's state changes at most once per this: a flapping provider is not told to every client each time. */
export const STATE_SPACING_MS = 5_000;

export interface PollingFeedOptions {
  name: string;
  /** The latest quote of a symbol today; undefined when it has not traded. */
  fetchQuote: (symbol: string) => Promise<Tick | undefined>;
  has: (symbol: string) => boolean;
  /** Between the starts of two polls of one symbol. */
  intervalMs: number;
  logger: ProviderLogger;
  /** Wall clock (epoch ms); tests set the market's time. */
  clock?: () => number;
  /** See STATE_SPACING_MS (tests shorten it). */
  stateSpacingMs?: number;
}

/**
 * Quotes only what the provider reports as traded today in the regular session: outside it, and for a
 * quote that has not changed, no tick at all. Each symbol is polled on its own schedule, a few requests
 * at a time, so a symbol that hangs or fails delays and stalls only itself. The feed is `stalled` while
 * no symbol gets an answer, or while the provider's Retry-After holds every request back (the reason
 * says until when); its state changes at most once per STATE_SPACING_MS.
 */
export class PollingFeed extends QuotingFeed implements MarketFeed {
  readonly name: string;
  private readonly clock: () => number;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private running = false;
  /** Symbols whose last poll failed for want of the provider. */
  private readonly failing = new Set<string>();
  /** No request before this (ms): the provider's Retry-After. */
  private heldUntil = 0;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** The state clients were last told, when, and the change waiting for its turn. */
  private told: FeedState = 'running';
  private toldAt = -Infinity;
  private pending: NodeJS.Timeout | undefined;
  private wanted: { state: FeedState; reason: string } | undefined;

  constructor(private readonly options: PollingFeedOptions) {
    super();
    this.name = options.name;
    this.clock = options.clock ?? Date.now;
    this.onRefused = (symbol, why) => options.logger.warn('quote refused', { feed: this.name, symbol, why });
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
    if (this.running && !this.timers.has(s)) this.schedule(s, 0);
  }

  unwatch(symbol: string): void {
    const s = normaliseSymbol(symbol);
    this.watchedSymbols.delete(s);
    this.failing.delete(s);
    clearTimeout(this.timers.get(s));
    this.timers.delete(s);
  }

  start(): void {
    this.running = true;
    for (const symbol of this.watchedSymbols) this.schedule(symbol, 0);
  }

  stop(): void {
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    clearTimeout(this.pending);
  }

  private schedule(symbol: string, delay: number): void {
    if (this.running && this.watchedSymbols.has(symbol))
      this.timers.set(
        symbol,
        setTimeout(() => void this.cycle(symbol), delay),
      );
  }

  /** One poll of `symbol` in session (unless the provider holds us back), then the next one `intervalMs` after this one began. */
  private async cycle(symbol: string): Promise<void> {
    const started = Date.now();
    if (this.marketState() === 'open' && Date.now() >= this.heldUntil) {
      await this.slot();
      try {
        if (this.running && this.watchedSymbols.has(symbol)) await this.poll(symbol);
      } finally {
        this.release();
      }
    }
    this.schedule(symbol, Math.max(0, this.options.intervalMs - (Date.now() - started), this.heldUntil - Date.now()));
  }

  private async slot(): Promise<void> {
    if (this.inFlight < MAX_IN_FLIGHT) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight -= 1;
  }

  private async poll(symbol: string): Promise<void> {
    let tick: Tick | undefined;
    try {
      tick = await this.options.fetchQuote(symbol);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof RateLimitedError) {
        this.heldUntil = Math.max(this.heldUntil, error.until);
        this.setState('stalled', `no quotes: ${message}`);
        return;
      }
      if (error instanceof SignalsError && error.code === 'PROVIDER_UNAVAILABLE') {
        this.failing.add(symbol);
        // The provider is down when no symbol gets an answer; one symbol's failures are that symbol's.
        if ([...this.watchedSymbols].every((s) => this.failing.has(s))) this.setState('stalled', `no quotes: ${message}`);
        else this.options.logger.warn('quote failed', { feed: this.name, symbol, error: message });
        return;
      }
      // A malformed answer or an unknown symbol: logged and skipped, the other symbols go on.
      this.options.logger.warn('quote skipped', { feed: this.name, symbol, error: message });
      return;
    }
    this.failing.delete(symbol);
    // An answer to a request sent before a 429 does not end the wait that 429 asked for.
    if (Date.now() >= this.heldUntil) this.setState('running', `${this.name} answers again`);
    // Only today's trading, and only news: a quote from before today's open, or one already seen, is no tick.
    if (!tick || tick.bar.date !== tradingDateOf(this.clock()) || !this.watchedSymbols.has(symbol)) return;
    if (this.quotes.get(symbol)?.time === tick.time) return;
    this.publish(symbol, tick);
  }

  /** Tells clients of a new state at once, unless a change was told less than the spacing ago: then at the end of it, if it still holds. */
  private setState(state: FeedState, reason: string): void {
    this.wanted = state === this.told ? undefined : { state, reason };
    if (!this.wanted || this.pending) return;
    const spacing = this.options.stateSpacingMs ?? STATE_SPACING_MS;
    const tell = () => {
      this.pending = undefined;
      if (!this.wanted || !this.running) return;
      this.told = this.wanted.state;
      this.toldAt = Date.now();
      this.announce(this.wanted);
      this.wanted = undefined;
    };
    const wait = this.toldAt + spacing - Date.now();
    if (wait <= 0) tell();
    else this.pending = setTimeout(tell, wait);
  }
}
