// Alpaca's real-time market-data stream (v2) as a MarketFeed: auth, subscribe, trades and minute bars, reconnect and gap fill.
import { backoffDelay } from '../backoff.js';
import type WebSocket from 'ws';
import { z } from 'zod';
import { marketState, tradingDateOf, type MarketState } from '../market/calendar.js';
import { QuotingFeed, type MarketFeed, type Tick } from '../market/feed.js';
import type { Bar } from '../market/types.js';
import { SignalsError } from '../protocol/errors.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import { AlpacaBar, type AlpacaKeys, type AlpacaRest } from './alpaca-rest.js';
import type { AlpacaFeedName } from './endpoints.js';
import type { ProviderLogger } from './provider.js';

/** The free plan's limit on symbols for trades (IEX); SIP plans have none. */
export const IEX_SYMBOL_LIMIT = 30;
/** Gap fills (REST requests) in flight at once after an outage: a slow or failing symbol holds one, the others go on. */
const FILLS_IN_FLIGHT = 4;

/** Every message is an array of these; `T` says which. */
const Control = z.object({ T: z.enum(['success', 'error', 'subscription']), msg: z.string().optional(), code: z.number().optional() });
const Trade = z.object({ T: z.literal('t'), S: z.string(), p: z.number().positive(), s: z.number().nonnegative(), t: z.string() });
const StreamBar = AlpacaBar.extend({ T: z.literal('b'), S: z.string() });

export interface AlpacaStreamOptions {
  baseUrl: string;
  feed: AlpacaFeedName;
  keys: AlpacaKeys;
  rest: AlpacaRest;
  has: (symbol: string) => boolean;
  /** Symbols subscribed at once, at most. */
  maxSymbols: number;
  logger: ProviderLogger;
  clock?: () => number;
  /** Reconnect backoff: the first wait and the largest, before jitter (default 1 s and 30 s). */
  backoffMs?: { first: number; max: number };
  /** How long to wait for the connection and authentication (default 10 s). */
  handshakeMs?: number;
  /** Between pings; a connection that has not answered the last one by the next is dropped (default 20 s). */
  pingMs?: number;
}

/** The day so far of one symbol: what a tick needs besides the last price. */
interface Day {
  previousClose: number;
  bar: Bar;
  /** Time of the last trade or bar folded in. */
  time: string;
}

/** Stream error codes (Alpaca market data docs): what each means to a user. */
const STREAM_ERRORS: Record<number, { code: 'PROVIDER_AUTH_FAILED' | 'PROVIDER_LIMIT' | 'PROVIDER_UNAVAILABLE'; text: string }> = {
  401: { code: 'PROVIDER_AUTH_FAILED', text: 'not authenticated' },
  402: { code: 'PROVIDER_AUTH_FAILED', text: 'auth failed: check APCA_API_KEY_ID and APCA_API_SECRET_KEY' },
  404: { code: 'PROVIDER_AUTH_FAILED', text: 'auth timeout' },
  405: { code: 'PROVIDER_LIMIT', text: 'symbol limit exceeded' },
  406: { code: 'PROVIDER_LIMIT', text: 'connection limit exceeded: another program uses this key' },
  409: { code: 'PROVIDER_AUTH_FAILED', text: 'insufficient subscription: this plan does not include the feed; try --alpaca-feed iex' },
};

/**
 * @example
 * const feed = new AlpacaStream({ baseUrl, feed: 'iex', keys, rest, has, maxSymbols: 30, logger });
 * await feed.open();   // throws PROVIDER_AUTH_FAILED for a refused key
 * feed.start();
 */
export class AlpacaStream extends QuotingFeed implements MarketFeed {
  readonly name = 'alpaca';
  private readonly clock: () => number;
  private readonly days = new Map<string, Day>();
  private ws: WebSocket | undefined;
  private authenticated = false;
  private stopped = false;
  private attempt = 0;
  private lostAt: number | undefined;
  private retry: NodeJS.Timeout | undefined;
  private pinger: NodeJS.Timeout | undefined;
  /** Per symbol, the time of the first trade or bar the stream sent since it came back: the gap ends there. */
  private readonly liveSince = new Map<string, string>();

  constructor(private readonly options: AlpacaStreamOptions) {
    super();
    this.clock = options.clock ?? Date.now;
    this.onRefused = (symbol, why) => options.logger.warn('quote refused', { feed: this.name, symbol, why });
  }

  now(): string {
    return new Date(this.clock()).toISOString();
  }

  marketState(): MarketState {
    return marketState(this.clock());
  }

  /** Connects and authenticates; rejects with the stream's error (a refused key, a connection limit) or PROVIDER_UNAVAILABLE. */
  open(): Promise<void> {
    return this.connect();
  }

  start(): void {
    this.stopped = false;
    if (!this.ws) this.reconnectLater();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    clearInterval(this.pinger);
    this.ws?.close(1000);
    this.ws = undefined;
  }

  watch(symbol: string): void {
    const s = normaliseSymbol(symbol);
    if (this.watchedSymbols.has(s)) return;
    if (!this.options.has(s)) throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s}`);
    if (this.watchedSymbols.size >= this.options.maxSymbols) {
      throw new SignalsError(
        'PROVIDER_LIMIT',
        `alpaca's ${this.options.feed} feed streams at most ${this.options.maxSymbols} symbols at once; ${s} is one too many (unsubscribe another first)`,
      );
    }
    this.watchedSymbols.add(s);
    void this.prime(s);
    this.send({ action: 'subscribe', trades: [s], bars: [s] });
  }

  unwatch(symbol: string): void {
    const s = normaliseSymbol(symbol);
    if (!this.watchedSymbols.delete(s)) return;
    this.days.delete(s);
    this.liveSince.delete(s);
    this.send({ action: 'unsubscribe', trades: [s], bars: [s] });
  }

  private send(message: object): void {
    if (this.authenticated && this.ws !== undefined && this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
  }

  private async connect(): Promise<void> {
    const url = `${this.options.baseUrl.replace(/\/$/, '')}/v2/${this.options.feed}`;
    // Loaded on the first connection: every command's start-up would otherwise pay for parsing ws.
    const { default: Socket } = await import('ws');
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: SignalsError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) {
          clearInterval(this.pinger);
          ws.removeAllListeners('close');
          ws.on('error', () => undefined);
          ws.terminate();
          reject(error);
        } else resolve();
      };
      const ws = new Socket(url, { handshakeTimeout: this.options.handshakeMs ?? 10_000 });
      const timer = setTimeout(
        () => settle(new SignalsError('PROVIDER_UNAVAILABLE', `alpaca's stream at ${url} did not authenticate in time`)),
        this.options.handshakeMs ?? 10_000,
      );
      this.ws = ws;
      this.authenticated = false;
      ws.on('error', (error) => {
        if (!settled)
          settle(
            new SignalsError(
              'PROVIDER_UNAVAILABLE',
              `alpaca's stream is unreachable at ${url} (${(error as NodeJS.ErrnoException).code ?? error.message})`,
            ),
          );
      });
      ws.on('message', (data: Buffer) => this.onMessage(data.toString('utf8'), settle));
      // A connection that dies without a close (a silent network) is found by its missing pong.
      let alive = true;
      ws.on('pong', () => (alive = true));
      clearInterval(this.pinger);
      this.pinger = setInterval(() => {
        if (ws.readyState !== ws.OPEN) return;
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, this.options.pingMs ?? 20_000);
      ws.on('close', (code) => {
        if (!settled)
          settle(new SignalsError('PROVIDER_UNAVAILABLE', `alpaca's stream at ${url} closed the connection (${code}) before authenticating`));
        else if (this.ws === ws) this.lost(`closed (${code})`);
      });
    });
  }

  private onMessage(text: string, settle: (error?: SignalsError) => void): void {
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch {
      this.options.logger.warn('alpaca stream: a message that is not JSON was skipped', { message: text.slice(0, 200) });
      return;
    }
    if (!Array.isArray(items)) {
      this.options.logger.warn('alpaca stream: a message that is not an array was skipped', { message: text.slice(0, 200) });
      return;
    }
    for (const item of items) {
      const type = (item as { T?: unknown } | null)?.T;
      if (type === 't') this.onTrade(item);
      else if (type === 'b') this.onBar(item);
      else if (type === 'success' || type === 'error' || type === 'subscription') this.onControl(item, settle);
      // Quotes, statuses, corrections and whatever Alpaca adds later: not needed here.
    }
  }

  private onControl(item: unknown, settle: (error?: SignalsError) => void): void {
    const parsed = Control.safeParse(item);
    if (!parsed.success) return this.malformed(item);
    const m = parsed.data;
    if (m.T === 'success' && m.msg === 'connected') {
      this.ws?.send(JSON.stringify({ action: 'auth', key: this.options.keys.keyId, secret: this.options.keys.secretKey }));
    } else if (m.T === 'success' && m.msg === 'authenticated') {
      this.authenticated = true;
      const symbols = [...this.watchedSymbols];
      if (symbols.length > 0) this.send({ action: 'subscribe', trades: symbols, bars: symbols });
      settle();
      if (this.lostAt !== undefined) void this.restored();
    } else if (m.T === 'error') {
      const known = STREAM_ERRORS[m.code ?? 0];
      const message = `alpaca's stream: ${m.code} ${m.msg ?? ''}${known ? ` (${known.text})` : ''}`;
      if (!this.authenticated) settle(new SignalsError(known?.code ?? 'PROVIDER_UNAVAILABLE', message));
      else this.options.logger.error(message, { code: m.code });
    } else if (m.T === 'subscription') {
      this.options.logger.info('alpaca stream subscription', { trades: (item as { trades?: unknown }).trades });
    }
  }

  private malformed(item: unknown): void {
    this.options.logger.warn('alpaca stream: a malformed message was skipped', { message: JSON.stringify(item)?.slice(0, 200) });
  }

  private onTrade(item: unknown): void {
    const parsed = Trade.safeParse(item);
    if (!parsed.success) return this.malformed(item);
    const t = parsed.data;
    this.fold(normaliseSymbol(t.S), t.t, (bar) => {
      bar.close = t.p;
      bar.high = Math.max(bar.high, t.p);
      bar.low = Math.min(bar.low, t.p);
      bar.volume += t.s;
    });
  }

  private onBar(item: unknown): void {
    const parsed = StreamBar.safeParse(item);
    if (!parsed.success) return this.malformed(item);
    const b = parsed.data;
    this.fold(normaliseSymbol(b.S), b.t, (bar) => {
      bar.high = Math.max(bar.high, b.h);
      bar.low = Math.min(bar.low, b.l);
    });
  }

  /** Applies a trade or bar to the symbol's day and quotes it, in the regular session only. */
  private fold(symbol: string, time: string, apply: (bar: Bar) => void): void {
    const day = this.days.get(symbol);
    if (!day || !this.watchedSymbols.has(symbol) || Number.isNaN(Date.parse(time))) return;
    if (marketState(Date.parse(time)) !== 'open' || this.marketState() !== 'open') return;
    if (!this.liveSince.has(symbol)) this.liveSince.set(symbol, time);
    if (time < day.time) return;
    apply(day.bar);
    day.time = time;
    this.emit(symbol, day);
  }

  private emit(symbol: string, day: Day): void {
    const tick: Tick = {
      symbol,
      price: day.bar.close,
      volume: day.bar.volume,
      time: day.time,
      previousClose: day.previousClose,
      bar: { ...day.bar },
    };
    this.publish(symbol, tick);
  }

  /** Today's bar so far and the previous close, from the REST API, before the stream's trades are folded in. */
  private async prime(symbol: string): Promise<void> {
    const today = tradingDateOf(this.clock());
    const from = new Date(Date.parse(today) - 10 * 86_400_000).toISOString().slice(0, 10);
    try {
      const bars = await this.options.rest.dailyBars(symbol, from, today);
      const before = bars.filter((b) => b.date < today).at(-1);
      if (!before) throw new Error(`no daily bar before ${today}`);
      const current = bars.find((b) => b.date === today);
      const bar = current ?? { date: today, open: before.close, high: before.close, low: before.close, close: before.close, volume: 0 };
      if (this.watchedSymbols.has(symbol)) this.days.set(symbol, { previousClose: before.close, bar: { ...bar }, time: `${today}T00:00:00.000Z` });
    } catch (error) {
      this.options.logger.error('alpaca: no previous close for a symbol; it gets no prices', {
        symbol,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private lost(why: string): void {
    this.authenticated = false;
    this.ws = undefined;
    if (this.stopped) return;
    if (this.lostAt === undefined) {
      this.lostAt = this.clock();
      this.announce({ state: 'reconnecting', reason: `alpaca's stream ${why}; reconnecting` });
    }
    this.reconnectLater();
  }

  /** Exponential backoff with jitter (half the delay fixed, half random), so many clients do not return at once. */
  private reconnectLater(): void {
    const { first, max } = this.options.backoffMs ?? { first: 1_000, max: 30_000 };
    const delay = backoffDelay(this.attempt, first, max);
    this.attempt += 1;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      if (this.stopped) return;
      this.connect().catch((error: unknown) => {
        this.options.logger.warn('alpaca stream: reconnect failed', {
          attempt: this.attempt,
          error: error instanceof Error ? error.message : String(error),
        });
        this.lost('is still down');
      });
    }, delay);
  }

  /**
   * Back after an outage: what traded meanwhile comes from the REST minute bars, then the stream goes on. The
   * symbols are filled a few at a time, each on its own: one that hangs or fails (or waits out a 429's
   * Retry-After, which the REST client honours per host and logs) delays only itself, and live trades go on
   * meanwhile; a fill that comes after them still adds the gap's range and volume.
   */
  private async restored(): Promise<void> {
    const since = new Date(this.lostAt!).toISOString();
    this.lostAt = undefined;
    this.attempt = 0;
    this.liveSince.clear();
    this.announce({ state: 'running', reason: `alpaca's stream is back (down since ${since}); subscriptions restored` });
    const symbols = [...this.watchedSymbols];
    let next = 0;
    const worker = async () => {
      while (next < symbols.length && !this.stopped) await this.fill(symbols[next++]!, since);
    };
    await Promise.all(Array.from({ length: Math.min(FILLS_IN_FLIGHT, symbols.length) }, worker));
  }

  /** Folds the REST minute bars of `symbol` from `since` up to the stream's first trade since it came back into its day. */
  private async fill(symbol: string, since: string): Promise<void> {
    let bars: AlpacaBar[];
    try {
      bars = await this.options.rest.bars(symbol, '1Min', since);
    } catch (error) {
      this.options.logger.warn('alpaca: could not fill the gap from the REST API', {
        symbol,
        error: error instanceof Error ? error.message : String(error),
      });
      return;
    }
    const day = this.days.get(symbol);
    if (!day || !this.watchedSymbols.has(symbol) || this.marketState() !== 'open') return;
    // A minute the stream has sent trades of since it came back is the stream's: counting its bar too would count them twice.
    const live = this.liveSince.get(symbol);
    const liveMinute = live === undefined ? Infinity : Math.floor(Date.parse(live) / 60_000) * 60_000;
    let folded = false;
    for (const b of bars) {
      const t = Date.parse(b.t);
      if (Number.isNaN(t) || marketState(t) !== 'open' || t >= liveMinute) continue;
      day.bar.high = Math.max(day.bar.high, b.h);
      day.bar.low = Math.min(day.bar.low, b.l);
      day.bar.volume += b.v;
      if (b.t >= day.time) {
        day.bar.close = b.c;
        day.time = b.t;
      }
      folded = true;
    }
    if (folded) this.emit(symbol, day);
  }
}
