// A HistorySource fed by a provider: daily bars and headlines fetched per symbol and as-of through the disk cache; macro series bundled.
import { tradingDateOf } from '../market/calendar.js';
import type { HistorySource } from '../market/history.js';
import { BENCHMARK, NEWS_DAYS } from '../market/snapshot.js';
import type { MarketStore } from '../market/store.js';
import type { Bar, Headline, MacroSeries, Observation, Rows } from '../market/types.js';
import { SignalsError } from '../protocol/errors.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { DiskCache } from './disk-cache.js';

export interface HistoryFetchers {
  /** The provider's name: the first part of every cache key. */
  name: string;
  dailyBars(symbol: string, from: string, to: string): Promise<Bar[]>;
  /** Absent: the bundled headlines are used (as of the same time, so mostly none for today). */
  headlines?(symbol: string, from: string, to: string): Promise<Headline[]>;
}

export interface ProviderHistoryOptions {
  fetchers: HistoryFetchers;
  bundled: MarketStore;
  /** Symbols beyond the bundled ones that may be asked for (`--symbols`). */
  extraSymbols?: string[];
  cache: DiskCache;
  clock?: () => number;
}

/** Calendar days of daily bars fetched before the as-of: 300 trading days and a year's momentum, with room. */
const BAR_DAYS = 800;
/** How long an answer is trusted: bars that include today (still trading) briefly, finished days long. */
const TTL = { today: 15 * 60_000, past: 30 * 86_400_000, news: 15 * 60_000, macro: 6 * 3_600_000 };

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * @example
 * const history = new ProviderHistory({ fetchers: yahoo, bundled: store, cache });
 * await history.load('AAPL', new Date().toISOString());
 * snapshotAt(history, 'AAPL', asOf);
 */
export class ProviderHistory implements HistorySource {
  private readonly bars = new Map<string, Bar[]>();
  private readonly news = new Map<string, Headline[]>();
  private readonly clock: () => number;
  private readonly extra: Set<string>;
  readonly calibrationSource: HistorySource;

  constructor(private readonly options: ProviderHistoryOptions) {
    this.calibrationSource = options.bundled;
    this.clock = options.clock ?? Date.now;
    this.extra = new Set((options.extraSymbols ?? []).map(normaliseSymbol));
  }

  symbols(): string[] {
    return [...new Set([...this.options.bundled.symbols(), ...this.extra])].sort();
  }

  has(symbol: string): boolean {
    const s = normaliseSymbol(symbol);
    return this.extra.has(s) || this.options.bundled.has(s);
  }

  barRows(symbol: string): Rows<Bar> {
    const bars = this.bars.get(normaliseSymbol(symbol));
    if (!bars) throw new SignalsError('DATA_ERROR', `no ${this.options.fetchers.name} bars of ${symbol} have been loaded`);
    return bars;
  }

  macro(series: MacroSeries): Rows<Observation> {
    return this.options.bundled.macro(series);
  }

  published(series: MacroSeries, date: string): string {
    return this.options.bundled.published(series, date);
  }

  headlines(symbol: string): Rows<Headline> {
    return this.news.get(normaliseSymbol(symbol)) ?? this.options.bundled.headlines(symbol);
  }

  /** Fetches (or reads from the cache) the symbol's and the benchmark's bars, its headlines and the macro series as of `asOf`. */
  async load(symbol: string, asOf: string): Promise<void> {
    const s = normaliseSymbol(symbol);
    const tasks: Promise<void>[] = [this.loadBars(s, asOf)];
    if (s !== BENCHMARK) tasks.push(this.loadBars(BENCHMARK, asOf));
    if (this.options.fetchers.headlines) tasks.push(this.loadNews(s, asOf));
    await Promise.all(tasks);
  }

  private async loadBars(symbol: string, asOf: string): Promise<void> {
    const { fetchers, cache } = this.options;
    const to = asOf.slice(0, 10);
    const from = day(Date.parse(to) - BAR_DAYS * 86_400_000);
    const live = to >= tradingDateOf(this.clock());
    const bars = await cache.get(`${fetchers.name}/bars/${symbol}/${to}`, live ? TTL.today : TTL.past, () => fetchers.dailyBars(symbol, from, to));
    if (bars.length === 0) throw new SignalsError('UNKNOWN_SYMBOL', `${fetchers.name} has no daily bars of ${symbol} up to ${to}`);
    this.bars.set(symbol, bars);
  }

  private async loadNews(symbol: string, asOf: string): Promise<void> {
    const { fetchers, cache } = this.options;
    const from = new Date(Date.parse(asOf) - NEWS_DAYS * 86_400_000).toISOString();
    // Keyed by the hour: analyses within an hour share one answer.
    const key = `${fetchers.name}/news/${symbol}/${asOf.slice(0, 13)}`;
    this.news.set(symbol, await cache.get(key, TTL.news, () => fetchers.headlines!(symbol, from, asOf)));
  }
}
