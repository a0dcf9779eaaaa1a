// Yahoo's chart JSON from a local server: daily history, quotes polled into ticks only in session, and the faults.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedStatus, Tick } from '../../src/market/feed.js';
import { MarketStore } from '../../src/market/store.js';
import { PollingFeed } from '../../src/providers/polling-feed.js';
import { YahooChart } from '../../src/providers/yahoo.js';
import { startYahoo } from '../helpers/providers.js';

const store = new MarketStore();
type Server = Awaited<ReturnType<typeof startYahoo>>;
let server: Server | undefined;
let feed: PollingFeed | undefined;
afterEach(async () => {
  feed?.stop();
  await server?.close();
  feed = undefined;
  server = undefined;
});

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function polling(s: Server, clock: number, http: { timeoutMs?: number } = {}) {
  const warnings: string[] = [];
  const chart = new YahooChart({ baseUrl: s.url, http: { retries: 0, ...http } });
  const f = new PollingFeed({
    name: 'yahoo',
    fetchQuote: (symbol) => chart.quote(symbol),
    has: (symbol) => store.has(symbol),
    intervalMs: 20,
    logger: { info: () => undefined, warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) },
    clock: () => clock,
    stateSpacingMs: 0,
  });
  const ticks: Tick[] = [];
  const statuses: FeedStatus[] = [];
  f.onTick((t) => ticks.push(t));
  f.onStatus((st) => statuses.push(st));
  return { feed: f, ticks, statuses, warnings };
}

describe('yahoo chart', () => {
  it('reads daily bars (period1/period2, adjusted) exactly as the bundled data holds them', async () => {
    server = await startYahoo();
    const bars = await new YahooChart({ baseUrl: server.url }).dailyBars('MSFT', '2025-06-02', '2025-10-07');
    const expected = store.bars('MSFT').filter((b) => b.date >= '2025-06-02' && b.date <= '2025-10-07');
    expect(bars).toHaveLength(expected.length);
    bars.forEach((b, i) => {
      expect(b.date).toBe(expected[i]!.date);
      expect(b.close).toBeCloseTo(expected[i]!.close, 9);
    });
    const q = server.requests[0]!.searchParams;
    expect(q.get('interval')).toBe('1d');
    expect(Number(q.get('period1'))).toBe(Date.parse('2025-06-02T00:00:00Z') / 1000);
  });

  it('an unknown symbol (404 with chart.error) is UNKNOWN_SYMBOL, naming Yahoo’s reason', async () => {
    server = await startYahoo();
    await expect(new YahooChart({ baseUrl: server.url }).dailyBars('ZZZZ', '2025-01-01', '2025-02-01')).rejects.toMatchObject({
      code: 'UNKNOWN_SYMBOL',
      message: expect.stringMatching(/No data found/),
    });
  });

  it('a body of the wrong shape is DATA_ERROR, an unreachable host PROVIDER_UNAVAILABLE', async () => {
    server = await startYahoo();
    server.faults.malformed = true;
    await expect(new YahooChart({ baseUrl: server.url }).quote('AAPL')).rejects.toMatchObject({ code: 'DATA_ERROR' });
    const url = server.url;
    await server.close();
    server = undefined;
    await expect(new YahooChart({ baseUrl: url }).quote('AAPL')).rejects.toMatchObject({
      code: 'PROVIDER_UNAVAILABLE',
      message: expect.stringMatching(/unreachable/),
    });
  });
});

describe('polling feed on yahoo', () => {
  it('in session, each new quote becomes one tick; an unchanged quote none', async () => {
    server = await startYahoo();
    server.quotes.set('AAPL', { price: 256.1, time: '2025-10-07T15:00:00Z', previousClose: 256.69, volume: 20_000_000 });
    const p = polling(server, Date.parse('2025-10-07T15:00:30Z'));
    feed = p.feed;
    feed.watch('AAPL');
    feed.start();
    await until(() => p.ticks.length === 1, 'the first tick');
    const polls = server.requests.length;
    await until(() => server!.requests.length >= polls + 3, 'more polls');
    expect(p.ticks).toHaveLength(1);
    expect(p.ticks[0]).toMatchObject({ symbol: 'AAPL', price: 256.1, previousClose: 256.69, volume: 20_000_000, time: '2025-10-07T15:00:00.000Z' });
    expect(p.ticks[0]!.bar).toMatchObject({ date: '2025-10-07', open: 256.81, close: 256.1 });
    server.quotes.set('AAPL', { price: 259, time: '2025-10-07T15:00:20Z', previousClose: 256.69, volume: 20_100_000 });
    await until(() => p.ticks.length === 2, 'the second tick');
    expect(p.ticks[1]!.price).toBe(259);
  });

  it('outside the session, asks nothing and quotes nothing', async () => {
    server = await startYahoo();
    server.quotes.set('AAPL', { price: 256.1, time: '2025-10-07T15:00:00Z', previousClose: 256.69, volume: 1 });
    // A Saturday.
    const p = polling(server, Date.parse('2025-10-11T15:00:00Z'));
    feed = p.feed;
    feed.watch('AAPL');
    feed.start();
    await new Promise((r) => setTimeout(r, 200));
    expect(feed.marketState()).toBe('closed');
    expect(server.requests).toHaveLength(0);
    expect(p.ticks).toHaveLength(0);
  });

  it('a quote from before today (the market open, nothing traded yet) is no tick', async () => {
    server = await startYahoo();
    server.quotes.set('AAPL', { price: 256.69, time: '2025-10-06T20:00:00Z', previousClose: 256.0, volume: 1 });
    const p = polling(server, Date.parse('2025-10-07T13:30:05Z'));
    feed = p.feed;
    feed.watch('AAPL');
    feed.start();
    await until(() => server!.requests.length >= 3, 'polls');
    expect(p.ticks).toHaveLength(0);
  });

  it('stalls visibly while Yahoo is down, runs again when it answers; a malformed answer is skipped and logged', async () => {
    server = await startYahoo();
    server.quotes.set('AAPL', { price: 256.1, time: '2025-10-07T15:00:00Z', previousClose: 256.69, volume: 1 });
    const p = polling(server, Date.parse('2025-10-07T15:00:30Z'));
    feed = p.feed;
    feed.watch('AAPL');
    server.faults.down = true;
    feed.start();
    await until(() => p.statuses.length === 1, 'stalled');
    expect(p.statuses[0]).toMatchObject({ state: 'stalled', reason: expect.stringMatching(/unreachable/) });
    server.faults.down = false;
    server.faults.malformed = true;
    await until(() => p.warnings.some((w) => /quote skipped/.test(w)), 'the malformed answer logged');
    server.faults.malformed = false;
    await until(() => p.ticks.length === 1, 'a tick after recovery');
    expect(p.statuses.map((s) => s.state)).toEqual(['stalled', 'running']);
  });

  it('one symbol that hangs or fails delays and stalls only itself: the others keep ticking, the feed keeps running', async () => {
    server = await startYahoo();
    server.quotes.set('AAPL', { price: 256.1, time: '2025-10-07T15:00:00Z', previousClose: 256.69, volume: 1 });
    server.hanging.add('MSFT');
    server.failing.add('NVDA');
    const p = polling(server, Date.parse('2025-10-07T15:00:30Z'), { timeoutMs: 60_000 });
    feed = p.feed;
    for (const s of ['MSFT', 'NVDA', 'AAPL']) feed.watch(s);
    feed.start();
    await until(() => p.ticks.length === 1, 'the first tick of AAPL');
    for (let i = 1; i <= 3; i++) {
      server.quotes.set('AAPL', { price: 256.1 + i, time: `2025-10-07T15:00:0${i}Z`, previousClose: 256.69, volume: 1 + i });
      await until(() => p.ticks.length === 1 + i, `tick ${1 + i} of AAPL while MSFT hangs`);
    }
    expect(p.statuses).toEqual([]);
    expect(p.warnings.some((w) => /quote failed/.test(w))).toBe(true);
  });

  it('a 429 with Retry-After holds every poll back until then, and the feed says so; then it runs again', async () => {
    server = await startYahoo();
    server.quotes.set('AAPL', { price: 256.1, time: '2025-10-07T15:00:00Z', previousClose: 256.69, volume: 1 });
    server.faults.status429 = 1;
    server.faults.retryAfter = '1';
    const p = polling(server, Date.parse('2025-10-07T15:00:30Z'));
    feed = p.feed;
    feed.watch('AAPL');
    feed.watch('MSFT');
    feed.start();
    await until(() => p.statuses.length === 1, 'stalled');
    const refusedAt = Date.now();
    expect(p.statuses[0]).toMatchObject({
      state: 'stalled',
      reason: expect.stringMatching(/rate limited us \(HTTP 429\): no requests to .* until /),
    });
    const before = server.requests.length;
    await until(() => p.statuses.length === 2, 'running again after the wait');
    // Polled every 20 ms, two symbols would have asked about a hundred times in that second: they asked once each
    // after it (and at most one request more was already on its way when the 429 came).
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(900);
    expect(server.requests.length - before).toBeLessThanOrEqual(3);
    expect(p.statuses.map((s) => s.state)).toEqual(['stalled', 'running']);
  });

  it('a body past the cap is DATA_ERROR and is not read further; a negative, zero or 1e308 price is no tick', async () => {
    server = await startYahoo();
    const capped = new YahooChart({ baseUrl: server.url, http: { retries: 0, maxBodyBytes: 200 } });
    await expect(capped.dailyBars('AAPL', '2025-01-02', '2025-03-01')).rejects.toMatchObject({ code: 'DATA_ERROR', message: /more than 200 bytes/ });
    const p = polling(server, Date.parse('2025-10-07T15:00:30Z'));
    feed = p.feed;
    feed.watch('AAPL');
    feed.start();
    for (const [i, price] of [-48.98, 0, 1e308].entries()) {
      server.quotes.set('AAPL', { price, time: `2025-10-07T15:00:0${i}Z`, previousClose: 256.69, volume: 1 });
      await until(() => p.warnings.filter((w) => w === 'quote refused').length === i + 1, `price ${price} refused`);
    }
    expect(p.ticks).toEqual([]);
  });
});
