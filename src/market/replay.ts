// The embedded market feed: the bundled daily history replayed as a live market, faster than real time.
import { SignalsError } from '../protocol/errors.js';
import { marketState, type MarketState } from './calendar.js';
import { QuotingFeed, type MarketFeed, type Tick } from './feed.js';
import { minuteOfSession, sessionOpen, SESSION_MINUTES } from './session.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { HistorySource } from './history.js';
import type { MarketStore } from './store.js';
import { upperBound, type Bar } from './types.js';

export interface ReplayOptions {
  /** First trading day of the replay (YYYY-MM-DD). */
  from: string;
  /** Market time per wall time; 390 replays one 6.5-hour session per minute. */
  speed: number;
  /** Seed of the synthetic intraday paths (days without bundled minute bars). */
  seed: number;
  /** Wall time between ticks. */
  stepMs?: number;
  /** At the end of the data, start again at `from` (default); false: stop there. */
  loop?: boolean;
  /**
   * Called once for a symbol whose data fails to load while the replay runs: that symbol gets no more
   * ticks, the others go on (the error must not escape the timer and end the process).
   */
  onError?: (symbol: string, error: unknown) => void;
}

/** Intraday path of one symbol on one day: price and cumulative volume at each session minute 0..390. */
interface DayPath {
  date: string;
  bar: Bar;
  previousClose: number;
  prices: Float64Array;
  volumes: Float64Array;
  highs: Float64Array;
  lows: Float64Array;
}

/** mulberry32: a small, fast, seedable PRNG; the replay must be reproducible under --seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * A path through the day's real open, high, low and close: a Brownian bridge from open to close,
 * its upward excursions scaled to touch the high and downward ones the low.
 */
export function syntheticPath(bar: Bar, random: () => number): Float64Array {
  const n = SESSION_MINUTES;
  const walk = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) {
    const u = Math.max(random(), 1e-12);
    walk[i] = walk[i - 1]! + Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  const bridge = walk.map((w, i) => w - (i / n) * walk[n]!);
  const line = (i: number) => bar.open + ((bar.close - bar.open) * i) / n;
  let up = 0;
  let down = 0;
  for (let i = 0; i <= n; i++) {
    if (bridge[i]! > bridge[up]!) up = i;
    if (bridge[i]! < bridge[down]!) down = i;
  }
  const kUp = bridge[up]! > 0 ? (bar.high - line(up)) / bridge[up]! : 0;
  const kDown = bridge[down]! < 0 ? (line(down) - bar.low) / -bridge[down]! : 0;
  return bridge.map((b, i) => Math.min(bar.high, Math.max(bar.low, line(i) + (b > 0 ? kUp * b : kDown * b))));
}

export class ReplayFeed extends QuotingFeed implements MarketFeed {
  readonly name = 'replay';
  readonly source: string;
  private clock: number;
  private readonly days: string[];
  private dayIndex: number;
  private readonly paths = new Map<string, DayPath | null>();
  private readonly failed = new Set<string>();
  private readonly firstDay: number;
  private cycle = 1;
  private timer: NodeJS.Timeout | undefined;
  private readonly stepMs: number;
  ended = false;

  /**
   * `bars`: where the replayed daily bars come from (default the store; the S&P 500 universe's history for
   * `--universe sp500`); minute bars, where bundled, always come from the store.
   */
  constructor(
    private readonly store: MarketStore,
    private readonly options: ReplayOptions,
    private readonly bars: Pick<HistorySource, 'has' | 'barRows'> = store,
  ) {
    super();
    this.source = store.dataDir === undefined ? 'bundled data' : 'bundled and --data-dir data';
    this.stepMs = options.stepMs ?? 250;
    // The calendar: trading days of the benchmark (the broadest history) from `from` on.
    const calendar = store.bars('SPY').map((b) => b.date);
    this.dayIndex = upperBound(calendar, options.from, (d) => d) - 1;
    if (calendar[this.dayIndex] !== options.from) this.dayIndex += 1;
    this.days = calendar;
    if (options.from < calendar[0]! || this.dayIndex >= calendar.length) {
      throw new SignalsError('DATE_OUT_OF_RANGE', `--from ${options.from} is outside the replay calendar (${calendar[0]} to ${calendar.at(-1)})`);
    }
    this.firstDay = this.dayIndex;
    this.clock = sessionOpen(this.days[this.dayIndex]!);
  }

  now(): string {
    return new Date(this.clock).toISOString();
  }

  today(): string {
    return this.days[this.dayIndex]!;
  }

  watch(symbol: string): void {
    const s = normaliseSymbol(symbol);
    if (!this.bars.has(s)) throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s}`);
    this.watchedSymbols.add(s);
  }

  unwatch(symbol: string): void {
    this.watchedSymbols.delete(normaliseSymbol(symbol));
  }

  marketState(): MarketState {
    return marketState(this.clock);
  }

  start(): void {
    this.emitTicks();
    this.timer = setInterval(() => this.step(), this.stepMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Advances the market clock by one step (speed x step) and quotes every watched symbol. */
  step(): void {
    if (this.ended) return;
    const close = sessionOpen(this.today()) + SESSION_MINUTES * 60_000;
    if (this.clock < close) {
      // The last step of a session lands on the close exactly, so every day ends on its real close.
      this.clock = Math.min(close, this.clock + this.stepMs * this.options.speed);
    } else {
      if (this.dayIndex + 1 < this.days.length) {
        this.dayIndex += 1;
      } else if (this.options.loop ?? true) {
        this.dayIndex = this.firstDay;
        this.cycle += 1;
        this.announce({
          state: 'running',
          reason: `the replay reached the end of the data (${this.days.at(-1)}) and starts again at ${this.today()}`,
          cycle: this.cycle,
        });
      } else {
        this.ended = true;
        this.stop();
        this.announce({
          state: 'ended',
          reason: `the replay reached the end of the data (${this.days.at(-1)}); restart with an earlier --from, or without --no-loop`,
        });
        return;
      }
      this.clock = sessionOpen(this.today());
      this.paths.clear();
    }
    this.emitTicks();
  }

  private emitTicks(): void {
    const minute = (this.clock - sessionOpen(this.today())) / 60_000;
    for (const symbol of this.watchedSymbols) {
      if (this.failed.has(symbol)) continue;
      let tick: Tick | undefined;
      try {
        tick = this.tickAt(symbol, minute);
      } catch (error) {
        this.failed.add(symbol);
        this.options.onError?.(symbol, error);
        continue;
      }
      if (!tick) continue;
      this.publish(symbol, tick);
    }
  }

  private tickAt(symbol: string, minute: number): Tick | undefined {
    const path = this.path(symbol);
    if (!path) return undefined;
    const i = Math.min(SESSION_MINUTES, Math.max(0, Math.floor(minute)));
    const j = Math.min(SESSION_MINUTES, i + 1);
    const f = Math.min(1, Math.max(0, minute - i));
    const price = path.prices[i]! + (path.prices[j]! - path.prices[i]!) * f;
    const volume = Math.round(path.volumes[i]! + (path.volumes[j]! - path.volumes[i]!) * f);
    return {
      symbol,
      price,
      volume,
      time: this.now(),
      previousClose: path.previousClose,
      bar: {
        date: path.date,
        open: path.prices[0]!,
        high: Math.max(path.highs[i]!, price),
        low: Math.min(path.lows[i]!, price),
        close: price,
        volume,
      },
    };
  }

  private path(symbol: string): DayPath | undefined {
    const cached = this.paths.get(symbol);
    if (cached !== undefined) return cached ?? undefined;
    const date = this.today();
    const bars = this.bars.barRows(symbol);
    const index = upperBound(bars, date, (b) => b.date) - 1;
    // A day before the symbol's second bar has no previous close to quote against.
    const bar = index > 0 ? bars.at(index) : undefined;
    if (!bar || bar.date !== date) {
      this.paths.set(symbol, null);
      return undefined;
    }
    const minutes = this.store.minutesOn(symbol, date);
    let prices: Float64Array;
    let volumes: Float64Array;
    if (minutes.length > 0) {
      // Bundled minute bars are as traded; scale them onto the adjusted daily bar.
      const k = bar.close / minutes.at(-1)!.close;
      prices = new Float64Array(SESSION_MINUTES + 1);
      volumes = new Float64Array(SESSION_MINUTES + 1);
      let m = 0;
      let cumulative = 0;
      let last = minutes[0]!.open * k;
      for (let i = 0; i <= SESSION_MINUTES; i++) {
        while (m < minutes.length && minuteOfSession(minutes[m]!.time) < i) {
          last = minutes[m]!.close * k;
          cumulative += minutes[m]!.volume;
          m += 1;
        }
        prices[i] = last;
        volumes[i] = cumulative;
      }
      prices[SESSION_MINUTES] = bar.close;
    } else {
      prices = syntheticPath(bar, prng(hash(`${this.options.seed}:${symbol}:${date}`)));
      // Volume through the day in the usual U shape: intensity 1 + 2(2x - 1)^2, heavier at open and close.
      const cumulative = (x: number) => (x + ((2 * x - 1) ** 3 + 1) / 3) / (5 / 3);
      volumes = prices.map((_, i) => bar.volume * cumulative(i / SESSION_MINUTES));
    }
    const highs = new Float64Array(prices.length);
    const lows = new Float64Array(prices.length);
    for (let i = 0; i < prices.length; i++) {
      highs[i] = Math.max(i > 0 ? highs[i - 1]! : -Infinity, prices[i]!);
      lows[i] = Math.min(i > 0 ? lows[i - 1]! : Infinity, prices[i]!);
    }
    const path = { date, bar, previousClose: bars.at(index - 1)!.close, prices, volumes, highs, lows };
    this.paths.set(symbol, path);
    return path;
  }
}
