// Alpaca's market-data REST API (v2): daily and minute bars with next_page_token pagination, and news headlines (v1beta1).
import { z } from 'zod';
import type { Bar, Headline } from '../market/types.js';
import type { AlpacaFeedName } from './endpoints.js';
import { getJson, type HttpOptions } from './http.js';

/** One bar as Alpaca sends it, over REST and on the stream: t (RFC 3339), o, h, l, c, v, n (trades), vw (VWAP). */
export const AlpacaBar = z.object({ t: z.string(), o: z.number(), h: z.number(), l: z.number(), c: z.number(), v: z.number() });
export type AlpacaBar = z.infer<typeof AlpacaBar>;

/** `GET /v2/stocks/{symbol}/bars`: `bars` (null when there are none) and `next_page_token` (null on the last page). */
export const BarsResponse = z.object({
  bars: z.array(AlpacaBar).nullable(),
  symbol: z.string().optional(),
  next_page_token: z.string().nullable().optional(),
});

/** `GET /v1beta1/news`: `news` articles and `next_page_token`. */
export const NewsResponse = z.object({
  news: z.array(z.object({ headline: z.string(), created_at: z.string(), source: z.string().optional(), author: z.string().optional() })),
  next_page_token: z.string().nullable().optional(),
});

export interface AlpacaKeys {
  keyId: string;
  secretKey: string;
}

export interface AlpacaRestOptions {
  baseUrl: string;
  keys: AlpacaKeys;
  feed: AlpacaFeedName;
  http?: Omit<HttpOptions, 'provider' | 'headers'>;
}

/** Pages followed at most per request: 10,000 bars a page is 40 years of daily bars. */
const MAX_PAGES = 20;
/** Alpaca's largest page of news. */
const NEWS_PAGE = 50;
const NEWS_PAGES = 4;

/** The New York date of a daily bar's timestamp (midnight New York: 04:00 or 05:00 UTC). */
export const barDate = (t: string) => new Date(Date.parse(t) - 4 * 3_600_000).toISOString().slice(0, 10);

export class AlpacaRest {
  constructor(private readonly options: AlpacaRestOptions) {}

  private async get<T>(path: string, params: Record<string, string>, schema: z.ZodType<T>): Promise<T> {
    const url = new URL(path, this.options.baseUrl);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const headers = { 'APCA-API-KEY-ID': this.options.keys.keyId, 'APCA-API-SECRET-KEY': this.options.keys.secretKey };
    return (await getJson(url, schema, { provider: 'alpaca', headers, ...this.options.http })).body;
  }

  /** Bars of one symbol from `start` (RFC 3339 or YYYY-MM-DD), every page of them, oldest first. */
  async bars(symbol: string, timeframe: '1Day' | '1Min', start: string, end?: string): Promise<AlpacaBar[]> {
    const all: AlpacaBar[] = [];
    let token: string | null | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const params: Record<string, string> = { timeframe, start, limit: '10000', adjustment: 'all', feed: this.options.feed };
      if (end) params.end = end;
      if (token) params.page_token = token;
      const body = await this.get(`/v2/stocks/${encodeURIComponent(symbol)}/bars`, params, BarsResponse);
      all.push(...(body.bars ?? []));
      token = body.next_page_token;
      if (!token) break;
    }
    return all;
  }

  /** Daily bars from `from` to `to` (YYYY-MM-DD, both included), split- and dividend-adjusted. */
  async dailyBars(symbol: string, from: string, to: string): Promise<Bar[]> {
    const bars = await this.bars(symbol, '1Day', from, `${to}T23:59:59Z`);
    return bars.map((b) => ({ date: barDate(b.t), open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v }));
  }

  /** Headlines about a symbol published from `from` to `to` (ISO), oldest first. */
  async headlines(symbol: string, from: string, to: string): Promise<Headline[]> {
    const all: Headline[] = [];
    let token: string | null | undefined;
    for (let page = 0; page < NEWS_PAGES; page++) {
      const params: Record<string, string> = { symbols: symbol, start: from, end: to, limit: String(NEWS_PAGE), sort: 'desc' };
      if (token) params.page_token = token;
      const body = await this.get('/v1beta1/news', params, NewsResponse);
      for (const n of body.news)
        all.push({ published: new Date(n.created_at).toISOString(), title: n.headline, source: n.source ?? n.author ?? 'alpaca' });
      token = body.next_page_token;
      if (!token) break;
    }
    return all.sort((a, b) => (a.published < b.published ? -1 : a.published > b.published ? 1 : 0));
  }
}
