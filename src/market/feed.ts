// The market feed interface: what the monitor and the server need from any price source (replay or live).
import { FEED_STATES } from '../protocol/states.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { MarketState } from './calendar.js';
import { QuoteCheck } from './quote-check.js';
import type { Bar } from './types.js';

/** The latest quote of one symbol, with today's bar so far. */
export interface Tick {
  symbol: string;
  price: number;
  /** Volume traded today so far. */
  volume: number;
  /** Market time of the quote, ISO UTC. */
  time: string;
  previousClose: number;
  /** Today's bar up to this tick; what a live analysis sees of today. */
  bar: Bar;
}

export { FEED_STATES };
export type FeedState = (typeof FEED_STATES)[number];

export interface FeedStatus {
  state: FeedState;
  /** Why, for people: logged and sent to clients. */
  reason: string;
  /** A replay that looped: the number of the cycle now starting (the first is 1). */
  cycle?: number;
}

/**
 * A source of live prices. The replay of bundled history implements it; a live provider
 * (a broker or data vendor's stream) would too, without changes to the monitor or the server.
 */
export interface MarketFeed {
  readonly name: string;
  /** What a replay plays, in words (`bundled data`); undefined for a live market. */
  readonly source?: string;
  /** The market clock, ISO UTC: the as-of time of every analysis. */
  now(): string;
  /**
   * Starts quoting a symbol (again: no effect). Throws UNKNOWN_SYMBOL when the feed has no such symbol,
   * PROVIDER_LIMIT when a live provider's symbol limit is reached.
   */
  watch(symbol: string): void;
  unwatch(symbol: string): void;
  watched(): string[];
  /** The latest tick of a watched symbol, if it has traded yet. */
  quote(symbol: string): Tick | undefined;
  onTick(listener: (tick: Tick) => void): void;
  /** The US equities market's state at `now()`. */
  marketState(): MarketState;
  /** Called when the feed's state changes (a stream lost and back, a replay ending or starting a new cycle). */
  onStatus(listener: (status: FeedStatus) => void): void;
  start(): void;
  stop(): void;
}

/**
 * What every feed keeps alike: the watched symbols, the latest quote of each, and the tick and status listeners.
 * A feed decides when to watch, quote and announce; `publish` and `announce` tell the listeners.
 */
export abstract class QuotingFeed {
  protected readonly watchedSymbols = new Set<string>();
  protected readonly quotes = new Map<string, Tick>();
  private readonly listeners: ((tick: Tick) => void)[] = [];
  private readonly statusListeners: ((status: FeedStatus) => void)[] = [];
  private readonly check = new QuoteCheck();
  /** Told of each quote the check refuses: a feed with a logger logs it. */
  protected onRefused: ((symbol: string, why: string) => void) | undefined;

  watched(): string[] {
    return [...this.watchedSymbols];
  }

  quote(symbol: string): Tick | undefined {
    return this.quotes.get(normaliseSymbol(symbol));
  }

  onTick(listener: (tick: Tick) => void): void {
    this.listeners.push(listener);
  }

  onStatus(listener: (status: FeedStatus) => void): void {
    this.statusListeners.push(listener);
  }

  /**
   * Keeps `tick` as the quote of `symbol` (normalised) and tells every tick listener, unless the quote check
   * refuses it (see quote-check.ts): then `onRefused` is told why, and nothing else happens.
   */
  protected publish(symbol: string, tick: Tick): void {
    const why = this.check.refuse(tick);
    if (why !== undefined) return this.onRefused?.(symbol, why);
    this.quotes.set(symbol, tick);
    for (const listener of this.listeners) listener(tick);
  }

  protected announce(status: FeedStatus): void {
    for (const listener of this.statusListeners) listener(status);
  }
}
