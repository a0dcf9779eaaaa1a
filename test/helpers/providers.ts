// Local stand-ins for Yahoo, Alpaca and FRED on 127.0.0.1, speaking each service's documented wire format, with faults on demand.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { publishedAt } from '../../src/market/publication.js';
import { MarketStore } from '../../src/market/store.js';
import type { MacroSeries } from '../../src/market/types.js';
import { FRED_IDS } from '../../src/providers/fred.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../fixtures/providers/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
export const ALPACA_SESSION = fixture('alpaca-stream-session.json') as Record<string, object[]>;

const store = new MarketStore();

/** Faults a test turns on: the next `status429` answers are 429 with this Retry-After, `down` closes every request's socket, `malformed` sends a body of the wrong shape. */
export interface Faults {
  status429: number;
  retryAfter: string;
  down: boolean;
  malformed: boolean;
}

interface Local {
  url: string;
  port: number;
  requests: URL[];
  faults: Faults;
  close(): Promise<void>;
}

/** An HTTP server that records every request and applies the faults before `route`. */
async function listen(
  route: (url: URL, req: IncomingMessage, res: ServerResponse) => void,
  server: Server = createServer(),
): Promise<Local & { server: Server }> {
  const requests: URL[] = [];
  const faults: Faults = { status429: 0, retryAfter: '1', down: false, malformed: false };
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    if (faults.down) return req.socket.destroy();
    if (faults.status429 > 0) {
      faults.status429 -= 1;
      res.writeHead(429, { 'retry-after': faults.retryAfter, 'content-type': 'application/json' });
      return res.end('{"message":"too many requests"}');
    }
    if (faults.malformed) return json(res, 200, { unexpected: true });
    route(url, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const epoch = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** The bundled daily bars of a symbol between two dates (both included). */
function bundledBars(symbol: string, from: string, to: string) {
  return store.has(symbol) ? store.bars(symbol).filter((b) => b.date >= from && b.date <= to) : [];
}

/**
 * Yahoo's chart endpoint: daily bars from the bundled data (period1/period2), and `quotes` set by the test (range=1d).
 * Quotes of a symbol in `hanging` are never answered; of one in `failing`, answered with HTTP 500.
 */
export async function startYahoo() {
  const quotes = new Map<string, { price: number; time: string; previousClose: number; volume: number }>();
  const hanging = new Set<string>();
  const failing = new Set<string>();
  const local = await listen((url, _req, res) => {
    const m = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    const symbol = m ? decodeURIComponent(m[1]!) : '';
    if (!m || !store.has(symbol)) return json(res, 404, fixture('yahoo-chart-not-found.json'));
    const q = url.searchParams;
    if (q.get('range') === '1d' && hanging.has(symbol)) return;
    if (q.get('range') === '1d' && failing.has(symbol)) return json(res, 500, { finance: { error: 'internal' } });
    if (q.get('range') === '1d') {
      const quote = quotes.get(symbol);
      const body = structuredClone(fixture('yahoo-chart-quote.json')) as { chart: { result: { meta: Record<string, unknown> }[] } };
      const meta = body.chart.result[0]!.meta;
      meta.symbol = symbol;
      if (quote) {
        Object.assign(meta, {
          regularMarketPrice: quote.price,
          regularMarketTime: epoch(quote.time),
          chartPreviousClose: quote.previousClose,
          previousClose: quote.previousClose,
          regularMarketVolume: quote.volume,
        });
        Object.assign(meta, { regularMarketDayHigh: quote.price, regularMarketDayLow: quote.price });
      }
      return json(res, 200, body);
    }
    const from = new Date(Number(q.get('period1')) * 1000).toISOString().slice(0, 10);
    const to = new Date(Number(q.get('period2')) * 1000 - 1).toISOString().slice(0, 10);
    const bars = bundledBars(symbol, from, to);
    // Daily timestamps are the session's open (09:30 New York), as Yahoo sends them.
    const timestamp = bars.map((b) => epoch(`${b.date}T13:30:00Z`));
    const col = (k: 'open' | 'high' | 'low' | 'close' | 'volume') => bars.map((b) => b[k]);
    return json(res, 200, {
      chart: {
        result: [
          {
            meta: { currency: 'USD', symbol, exchangeTimezoneName: 'America/New_York', gmtoffset: -14400, dataGranularity: '1d' },
            timestamp,
            indicators: {
              quote: [{ open: col('open'), high: col('high'), low: col('low'), close: col('close'), volume: col('volume') }],
              adjclose: [{ adjclose: col('close') }],
            },
          },
        ],
        error: null,
      },
    });
  });
  return { ...local, quotes, hanging, failing };
}

export interface AlpacaKeys {
  key: string;
  secret: string;
}

/**
 * Alpaca's market data: REST bars (pages of `pageSize`, next_page_token) from the bundled data, minute bars and
 * news set by the test, and the v2 stream at /v2/iex with its auth, subscription and error replies.
 */
export async function startAlpaca(keys: AlpacaKeys = { key: 'test-key', secret: 'test-secret' }, pageSize = 250) {
  const minuteBars = new Map<string, { t: string; o: number; h: number; l: number; c: number; v: number }[]>();
  /** A symbol's minute bars are answered only once its promise resolves (a request that hangs). */
  const minuteHolds = new Map<string, Promise<void>>();
  const clients = new Set<WebSocket>();
  const subscribed = new Set<string>();
  const subscribeMessages: unknown[] = [];
  const stream = { refuse: undefined as undefined | 'connection-limit', connections: 0 };
  const authorised = (req: IncomingMessage) => req.headers['apca-api-key-id'] === keys.key && req.headers['apca-api-secret-key'] === keys.secret;
  const local = await listen((url, req, res) => {
    if (!authorised(req)) return json(res, 401, { message: 'unauthorized.' });
    const m = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(url.pathname);
    if (m) {
      const symbol = decodeURIComponent(m[1]!);
      const q = url.searchParams;
      if (q.get('timeframe') === '1Min') {
        const answer = () =>
          json(res, 200, { bars: (minuteBars.get(symbol) ?? []).filter((b) => b.t >= q.get('start')!), symbol, next_page_token: null });
        return void (minuteHolds.get(symbol) ?? Promise.resolve()).then(answer);
      }
      const all = bundledBars(symbol, q.get('start')!.slice(0, 10), (q.get('end') ?? '9999-12-31').slice(0, 10)).map((b) => ({
        // Daily bars are stamped at midnight New York.
        t: `${b.date}T04:00:00Z`,
        o: b.open,
        h: b.high,
        l: b.low,
        c: b.close,
        v: b.volume,
        n: 1000,
        vw: (b.high + b.low + b.close) / 3,
      }));
      const offset = Number(q.get('page_token') ?? 0);
      const page = all.slice(offset, offset + Math.min(pageSize, Number(q.get('limit') ?? 1000)));
      const next = offset + page.length < all.length ? String(offset + page.length) : null;
      return json(res, 200, { bars: page.length > 0 ? page : null, symbol, next_page_token: next });
    }
    if (url.pathname === '/v1beta1/news') return json(res, 200, fixture('alpaca-news.json'));
    json(res, 404, { message: 'Not Found' });
  });
  const wss = new WebSocketServer({ server: local.server, path: '/v2/iex' });
  const send = (ws: WebSocket, items: unknown) => ws.send(JSON.stringify(items));
  wss.on('connection', (ws) => {
    stream.connections += 1;
    clients.add(ws);
    ws.on('close', () => clients.delete(ws));
    send(ws, ALPACA_SESSION.connected);
    if (stream.refuse === 'connection-limit') {
      send(ws, ALPACA_SESSION.connectionLimit);
      return ws.close();
    }
    let authed = false;
    ws.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8')) as { action: string; key?: string; secret?: string; trades?: string[] };
      if (m.action === 'auth') {
        if (m.key !== keys.key || m.secret !== keys.secret) {
          send(ws, ALPACA_SESSION.authFailed);
          return ws.close();
        }
        authed = true;
        return send(ws, ALPACA_SESSION.authenticated);
      }
      if (!authed) return send(ws, [{ T: 'error', code: 401, msg: 'not authenticated' }]);
      subscribeMessages.push(m);
      for (const s of m.trades ?? []) {
        if (m.action === 'subscribe') subscribed.add(s);
        else subscribed.delete(s);
      }
      send(ws, [{ ...ALPACA_SESSION.subscription![0], trades: [...subscribed], bars: [...subscribed] }]);
    });
  });
  return {
    ...local,
    streamUrl: `ws://127.0.0.1:${local.port}`,
    stream,
    minuteBars,
    minuteHolds,
    subscribed,
    subscribeMessages,
    clients,
    /** Sends one trade, as the stream does, to every connected client. */
    trade(symbol: string, price: number, time: string, size = 100) {
      for (const ws of clients) send(ws, [{ ...ALPACA_SESSION.trade![0], S: symbol, p: price, s: size, t: time }]);
    },
    /** Sends raw text to every client (malformed payloads). */
    raw(text: string) {
      for (const ws of clients) ws.send(text);
    },
    /** Drops every stream connection without a closing handshake, as a network failure would. */
    drop() {
      for (const ws of clients) ws.terminate();
    },
    async close() {
      for (const ws of clients) ws.terminate();
      wss.close();
      await local.close();
    },
  };
}

/** FRED's series observations from the bundled macro series, first releases dated by the usual publication lag. */
export async function startFred(apiKey = 'fred-test-key') {
  const ids = new Map(Object.entries(FRED_IDS).map(([series, id]) => [id, series as MacroSeries]));
  return listen((url, _req, res) => {
    const q = url.searchParams;
    if (q.get('api_key') !== apiKey) return json(res, 400, fixture('fred-error-bad-key.json'));
    const series = ids.get(q.get('series_id') ?? '');
    if (url.pathname !== '/fred/series/observations' || !series)
      return json(res, 400, { error_code: 400, error_message: 'Bad Request.  The series does not exist.' });
    const start = q.get('observation_start') ?? '1776-07-04';
    const observations = store
      .macro(series)
      .slice()
      .filter((o) => o.date >= start)
      .map((o) => {
        const released = publishedAt(series, o.date).slice(0, 10);
        return { realtime_start: released, realtime_end: released, date: o.date, value: String(o.value) };
      });
    json(res, 200, {
      realtime_start: '1776-07-04',
      realtime_end: '9999-12-31',
      output_type: 4,
      file_type: 'json',
      order_by: 'observation_date',
      sort_order: 'asc',
      count: observations.length,
      offset: 0,
      limit: 100000,
      observations,
    });
  });
}
