// GET /api/v1/bars/{symbol}?from=&to=&limit=: a symbol's daily bars from the market history, up to the market clock, for a chart.
import type { MarketBars } from '../core/signal-core.js';
import { upperBound, type Bar } from '../market/types.js';
import { BarsQuery, DEFAULT_BARS_LIMIT, type BarsPage, type DailyBar } from '../protocol/bars.js';
import { ErrorCode, SignalsError } from '../protocol/errors.js';

/** Where the bars come from: the core. */
export interface BarsSource {
  has(symbol: string): boolean;
  bars(symbol: string): Promise<MarketBars>;
}

export type BarsAnswer = { status: 200; body: BarsPage } | { status: 404 | 503; body: { error: string; code: ErrorCode } };

/** The query's parameters as BarsQuery takes them; a parameter given twice counts once, as the history endpoint's do. */
export function barsQuery(params: URLSearchParams): ReturnType<typeof BarsQuery.safeParse> {
  const given = (name: string) => params.get(name) ?? undefined;
  return BarsQuery.safeParse({ from: given('from'), to: given('to'), limit: given('limit') });
}

const dateOf = (b: Bar) => b.date;
const dailyBar = (b: Bar): DailyBar => ({ date: b.date, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume });

/**
 * The newest `limit` bars (default 250) from `from` to `to` known at the market clock, oldest first; the session's bar
 * so far is the last, marked `partial`. `next_to` names the newest day the limit left out. Answers 404 with
 * UNKNOWN_SYMBOL, or 503 with the code when the bars cannot be read now (a provider that cannot be reached).
 * @example await barsAnswer(core, 'AAPL', { limit: 2 }) // { status: 200, body: { symbol: 'AAPL', bars: [{…}, {…}], next_to: '…' } }
 */
export async function barsAnswer(source: BarsSource, symbol: string, query: BarsQuery): Promise<BarsAnswer> {
  if (!source.has(symbol)) return { status: 404, body: { error: `unknown symbol ${symbol}`, code: ErrorCode.UNKNOWN_SYMBOL } };
  let market: MarketBars;
  try {
    market = await source.bars(symbol);
  } catch (error) {
    if (!(error instanceof SignalsError)) throw error;
    const status = error.code === ErrorCode.UNKNOWN_SYMBOL ? 404 : 503;
    return { status, body: { error: error.message, code: error.code } };
  }
  const { from, to, limit = DEFAULT_BARS_LIMIT } = query;
  const { rows, closed, live } = market;
  const end = to === undefined ? closed : Math.min(closed, upperBound(rows, to, dateOf));
  let start = from === undefined ? 0 : upperBound(rows, from, dateOf);
  if (start > 0 && rows.at(start - 1)!.date === from) start -= 1;
  start = Math.min(start, end);
  const today = live && (from === undefined || live.date >= from) && (to === undefined || live.date <= to) ? live : undefined;
  const first = Math.max(start, end - (limit - (today ? 1 : 0)));
  const bars = rows.slice(first, end).map(dailyBar);
  if (today) bars.push({ ...dailyBar(today), partial: true });
  return {
    status: 200,
    body: { symbol, as_of: market.asOf, bars, ...(first > start ? { next_to: rows.at(first - 1)!.date } : {}) },
  };
}
