// Yahoo Finance's public chart endpoint (the JSON yfinance reads): daily history, and the latest quote of the day.
import { z } from 'zod';
import type { Tick } from '../market/feed.js';
import type { Bar } from '../market/types.js';
import { SignalsError } from '../protocol/errors.js';
import { VERSION } from '../version.js';
import { getJson, type HttpOptions } from './http.js';

const Prices = z.array(z.number().nullable());

/** `GET /v8/finance/chart/{symbol}`: `chart.result[0]` with `meta`, `timestamp` and `indicators.quote[0]`, or `chart.error`. */
export const ChartResponse = z.object({
  chart: z.object({
    result: z
      .array(
        z.object({
          meta: z.object({
            symbol: z.string(),
            regularMarketPrice: z.number().optional(),
            regularMarketTime: z.number().optional(),
            regularMarketVolume: z.number().optional(),
            regularMarketDayHigh: z.number().optional(),
            regularMarketDayLow: z.number().optional(),
            chartPreviousClose: z.number().optional(),
            previousClose: z.number().optional(),
          }),
          timestamp: z.array(z.number()).optional(),
          indicators: z.object({
            quote: z.array(
              z.object({
                open: Prices.optional(),
                high: Prices.optional(),
                low: Prices.optional(),
                close: Prices.optional(),
                volume: Prices.optional(),
              }),
            ),
            adjclose: z.array(z.object({ adjclose: Prices })).optional(),
          }),
        }),
      )
      .nullable(),
    error: z.object({ code: z.string(), description: z.string() }).nullable(),
  }),
});
type ChartResult = NonNullable<z.infer<typeof ChartResponse>['chart']['result']>[number];

export interface YahooOptions {
  baseUrl: string;
  http?: Omit<HttpOptions, 'provider'>;
}

/** The New York date of a session's timestamp (epoch seconds at or after 09:30 New York, so any US offset gives the same day). */
const dateOf = (seconds: number) => new Date(seconds * 1000 - 5 * 3_600_000).toISOString().slice(0, 10);

export class YahooChart {
  constructor(private readonly options: YahooOptions) {}

  private async chart(symbol: string, params: Record<string, string>): Promise<ChartResult> {
    const url = new URL(`/v8/finance/chart/${encodeURIComponent(symbol)}`, this.options.baseUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const { body } = await getJson(url, ChartResponse, {
      provider: 'yahoo',
      headers: { 'user-agent': `signals/${VERSION}` },
      accept: [404],
      ...this.options.http,
    });
    const result = body.chart.result?.[0];
    if (body.chart.error || !result) {
      const why = body.chart.error ? `${body.chart.error.code}: ${body.chart.error.description}` : 'no result';
      throw new SignalsError('UNKNOWN_SYMBOL', `yahoo has no chart for ${symbol} (${why})`);
    }
    return result;
  }

  /** Daily bars from `from` to `to` (YYYY-MM-DD, both included), split- and dividend-adjusted as the bundled data is. */
  async dailyBars(symbol: string, from: string, to: string): Promise<Bar[]> {
    const period1 = String(Date.parse(`${from}T00:00:00Z`) / 1000);
    const period2 = String(Date.parse(`${to}T00:00:00Z`) / 1000 + 86_400);
    const r = await this.chart(symbol, { period1, period2, interval: '1d', events: 'div,split', includeAdjustedClose: 'true' });
    const q = r.indicators.quote[0];
    const adj = r.indicators.adjclose?.[0]?.adjclose;
    const bars: Bar[] = [];
    (r.timestamp ?? []).forEach((t, i) => {
      const [open, high, low, close, volume] = [q?.open?.[i], q?.high?.[i], q?.low?.[i], q?.close?.[i], q?.volume?.[i]];
      // A day without trades comes as nulls: skipped, as Yahoo's own pages do.
      if (open == null || high == null || low == null || close == null || !(close > 0)) return;
      const adjusted = adj?.[i];
      const k = adjusted != null ? adjusted / close : 1;
      bars.push({ date: dateOf(t), open: open * k, high: high * k, low: low * k, close: close * k, volume: volume ?? 0 });
    });
    return bars;
  }

  /** The latest regular-session quote of today, from the 1-minute chart; undefined when the symbol has not traded. */
  async quote(symbol: string): Promise<Tick | undefined> {
    const r = await this.chart(symbol, { range: '1d', interval: '1m' });
    const m = r.meta;
    const previousClose = m.chartPreviousClose ?? m.previousClose;
    if (m.regularMarketPrice === undefined || m.regularMarketTime === undefined || previousClose === undefined) return undefined;
    const opens = r.indicators.quote[0]?.open ?? [];
    const open = opens.find((o) => o != null) ?? m.regularMarketPrice;
    const price = m.regularMarketPrice;
    const volume = m.regularMarketVolume ?? 0;
    return {
      symbol,
      price,
      volume,
      time: new Date(m.regularMarketTime * 1000).toISOString(),
      previousClose,
      bar: {
        date: dateOf(m.regularMarketTime),
        open,
        high: Math.max(m.regularMarketDayHigh ?? price, price),
        low: Math.min(m.regularMarketDayLow ?? price, price),
        close: price,
        volume,
      },
    };
  }
}
