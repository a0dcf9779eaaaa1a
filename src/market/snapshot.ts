// Builds what agents may see at an as-of time: bars closed by then, macro data published by then, recent headlines.
import { SignalsError } from '../protocol/errors.js';
import { headlinesAbout } from './headlines.js';
import { closeOf } from './publication.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { HistorySource } from './history.js';
import type { MarketStore } from './store.js';
import { MACRO_SERIES, upperBound, type Bar, type Headline, type MacroSeries, type MarketSnapshot, type Observation, type Rows } from './types.js';

export const BENCHMARK = 'SPY';
/** Daily bars given to agents: enough for a 200-day average, 12-month momentum and a year of volatility history. */
export const BAR_WINDOW = 300;
export const NEWS_DAYS = 7;
const MACRO_WINDOW = 400;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface SnapshotOptions {
  /** Today's bar so far, when the as-of is inside a trading session (the live feed). */
  live?: Bar;
  newsDays?: number;
}

/** How many of `bars` (oldest first) have closed by `asOf`: a daily bar is known once its day has closed. */
export function closedCount(bars: Rows<Bar>, asOf: string): number {
  const day = asOf.slice(0, 10);
  const end = upperBound(bars, day, (b) => b.date);
  return end > 0 && bars.at(end - 1)!.date === day && asOf < closeOf(day) ? end - 1 : end;
}

/** The last BAR_WINDOW bars of `bars` closed by `asOf`: what a snapshot as of then holds. */
export function closedBars(bars: Rows<Bar>, asOf: string): Bar[] {
  const end = closedCount(bars, asOf);
  return bars.slice(Math.max(0, end - BAR_WINDOW), end);
}

/** Everything known about `symbol` at `asOf` (ISO timestamp); nothing published later reaches an agent. */
export function snapshotAt(store: HistorySource, symbol: string, asOf: string, options: SnapshotOptions = {}): MarketSnapshot {
  const s = normaliseSymbol(symbol);
  const bars = closedBars(store.barRows(s), asOf);
  const benchmark = s === BENCHMARK || !store.has(BENCHMARK) ? [] : closedBars(store.barRows(BENCHMARK), asOf);
  if (options.live) {
    bars.push(options.live);
    if (bars.length > BAR_WINDOW) bars.shift();
  }
  const macro = {} as Record<MacroSeries, Observation[]>;
  for (const series of MACRO_SERIES) {
    const all = store.macro(series);
    // Publication time grows with the observation date, so a binary search finds the last one out.
    const end = upperBound(all, asOf, (o) => store.published(series, o.date));
    macro[series] = all.slice(Math.max(0, end - MACRO_WINDOW), end);
  }
  const headlines = recentHeadlines(store.headlines(s), s, asOf, options.newsDays);
  return { symbol: s, asOf, bars, benchmark, macro, headlines };
}

/** The headlines about `symbol` of `news` published in the `days` up to `asOf`, each story once: what a snapshot holds. */
export function recentHeadlines(news: Rows<Headline>, symbol: string, asOf: string, days = NEWS_DAYS): Headline[] {
  const from = new Date(Date.parse(asOf) - days * 86_400_000).toISOString();
  return headlinesAbout(
    symbol,
    news.slice(
      upperBound(news, from, (h) => h.published),
      upperBound(news, asOf, (h) => h.published),
    ),
  );
}

/** Whether `date` is a real YYYY-MM-DD day (2024-02-30 is not, though Date.parse accepts it). */
export function isCalendarDate(date: string): boolean {
  return DATE.test(date) && !Number.isNaN(Date.parse(date)) && new Date(`${date}T00:00:00.000Z`).toISOString().slice(0, 10) === date;
}

/**
 * Resolves a CLI `--as-of` date (default: the symbol's last bar) to an as-of timestamp after that day's close.
 * Throws BAD_ARGUMENT for a malformed date and DATE_OUT_OF_RANGE outside the symbol's data.
 */
export function resolveAsOf(store: Pick<MarketStore, 'range'>, symbol: string, date?: string): string {
  const range = store.range(symbol);
  if (date === undefined) return closeOf(range.last);
  if (!isCalendarDate(date)) {
    throw new SignalsError('BAD_ARGUMENT', `--as-of "${date}" is not a date; use YYYY-MM-DD`);
  }
  if (date < range.first || date > range.last) {
    throw new SignalsError(
      'DATE_OUT_OF_RANGE',
      `--as-of ${date} is outside ${range.symbol}'s data (${range.first} to ${range.last}); pick a date in that range`,
    );
  }
  return closeOf(date);
}
