// Alpaca against a local server speaking its wire format: REST bars with pagination, news, and the stream with its faults.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeedStatus, Tick } from '../../src/market/feed.js';
import { MarketStore } from '../../src/market/store.js';
import { SignalsError } from '../../src/protocol/errors.js';
import { AlpacaRest } from '../../src/providers/alpaca-rest.js';
import { AlpacaStream } from '../../src/providers/alpaca-stream.js';
import { startAlpaca } from '../helpers/providers.js';

const store = new MarketStore();
const KEYS = { keyId: 'test-key', secretKey: 'test-secret' };
/** 11:00 New York on a trading day inside the bundled data. */
const CLOCK = Date.parse('2025-10-07T15:00:00Z');

type Server = Awaited<ReturnType<typeof startAlpaca>>;
let server: Server | undefined;
let feed: AlpacaStream | undefined;
afterEach(async () => {
  feed?.stop();
  await server?.close();
  feed = undefined;
  server = undefined;
});

function logs() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => void lines.push({ level, message });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error') } };
}

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function stream(s: Server, options: Partial<ConstructorParameters<typeof AlpacaStream>[0]> = {}) {
  const rest = new AlpacaRest({ baseUrl: s.url, keys: options.keys ?? KEYS, feed: 'iex' });
  const log = logs();
  const f = new AlpacaStream({
    baseUrl: s.streamUrl,
    feed: 'iex',
    keys: KEYS,
    rest,
    has: (symbol) => store.has(symbol),
    maxSymbols: 30,
    logger: log.logger,
    clock: () => CLOCK,
    backoffMs: { first: 20, max: 100 },
    ...options,
  });
  const ticks: Tick[] = [];
  const statuses: FeedStatus[] = [];
  f.onTick((t) => ticks.push(t));
  f.onStatus((st) => statuses.push(st));
  return { feed: f, ticks, statuses, log: log.lines };
}

describe('alpaca REST', () => {
  it('follows next_page_token to the last page of daily bars', async () => {
    server = await startAlpaca(undefined, 100);
    const bars = await new AlpacaRest({ baseUrl: server.url, keys: KEYS, feed: 'iex' }).dailyBars('AAPL', '2024-01-01', '2025-10-07');
    const expected = store.bars('AAPL').filter((b) => b.date >= '2024-01-01' && b.date <= '2025-10-07');
    expect(bars.length).toBe(expected.length);
    expect(bars[0]).toEqual(expected[0]);
    expect(bars.at(-1)).toEqual(expected.at(-1));
    const pages = server.requests.filter((u) => u.pathname === '/v2/stocks/AAPL/bars');
    expect(pages.length).toBe(Math.ceil(expected.length / 100));
    expect(pages[1]!.searchParams.get('page_token')).toBe('100');
    expect(pages[0]!.searchParams.get('feed')).toBe('iex');
    expect(pages[0]!.searchParams.get('adjustment')).toBe('all');
  });

  it('reads news headlines oldest first, and a refused key is PROVIDER_AUTH_FAILED', async () => {
    server = await startAlpaca();
    const news = await new AlpacaRest({ baseUrl: server.url, keys: KEYS, feed: 'iex' }).headlines(
      'AAPL',
      '2025-09-30T00:00:00Z',
      '2025-10-07T15:00:00Z',
    );
    expect(news.map((n) => n.published)).toEqual(['2025-10-06T18:41:00.000Z', '2025-10-07T13:05:12.000Z']);
    expect(news[0]!.title).toMatch(/Antitrust/);
    const bad = new AlpacaRest({ baseUrl: server.url, keys: { keyId: 'x', secretKey: 'y' }, feed: 'iex' });
    await expect(bad.dailyBars('AAPL', '2025-01-01', '2025-02-01')).rejects.toMatchObject({ code: 'PROVIDER_AUTH_FAILED' });
  });

  it('waits as Retry-After says on HTTP 429, then succeeds', async () => {
    server = await startAlpaca();
    server.faults.status429 = 1;
    server.faults.retryAfter = '1';
    const waits: number[] = [];
    const rest = new AlpacaRest({ baseUrl: server.url, keys: KEYS, feed: 'iex', http: { onRateLimited: (ms) => waits.push(ms) } });
    const started = Date.now();
    const bars = await rest.dailyBars('AAPL', '2025-09-01', '2025-10-07');
    expect(bars.length).toBeGreaterThan(20);
    expect(waits).toEqual([1000]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });
});

describe('alpaca stream', () => {
  it('authenticates, subscribes on watch, and turns trades into ticks on top of the day so far', async () => {
    server = await startAlpaca();
    const s = stream(server);
    feed = s.feed;
    await feed.open();
    feed.start();
    feed.watch('AAPL');
    await until(() => server!.subscribed.has('AAPL'), 'the subscription');
    // Let the REST priming (previous close, today's bar) land.
    await until(() => server!.requests.some((u) => u.pathname === '/v2/stocks/AAPL/bars'), 'priming');
    await new Promise((r) => setTimeout(r, 100));
    server.trade('AAPL', 300, '2025-10-07T15:00:01Z', 500);
    await until(() => s.ticks.length === 1, 'a tick');
    const today = store.bars('AAPL').find((b) => b.date === '2025-10-07')!;
    const before = store.bars('AAPL').find((b) => b.date === '2025-10-06')!;
    expect(s.ticks[0]).toMatchObject({ symbol: 'AAPL', price: 300, previousClose: before.close, time: '2025-10-07T15:00:01Z' });
    expect(s.ticks[0]!.bar).toMatchObject({ date: '2025-10-07', open: today.open, high: 300, close: 300, volume: today.volume + 500 });
    feed.unwatch('AAPL');
    await until(() => !server!.subscribed.has('AAPL'), 'the unsubscription');
  });

  it('a refused key fails open() with PROVIDER_AUTH_FAILED; a second connection with PROVIDER_LIMIT', async () => {
    server = await startAlpaca();
    const bad = stream(server, { keys: { keyId: 'wrong', secretKey: 'wrong' } });
    const error = await bad.feed.open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignalsError);
    expect(error).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', message: expect.stringMatching(/402 auth failed/) });
    server.stream.refuse = 'connection-limit';
    await expect(stream(server).feed.open()).rejects.toMatchObject({ code: 'PROVIDER_LIMIT', message: expect.stringMatching(/406/) });
  });

  it('an unreachable stream fails open() with PROVIDER_UNAVAILABLE', async () => {
    server = await startAlpaca();
    const url = server.streamUrl;
    await server.close();
    server = undefined;
    const rest = new AlpacaRest({ baseUrl: 'http://127.0.0.1:9', keys: KEYS, feed: 'iex' });
    const f = new AlpacaStream({ baseUrl: url, feed: 'iex', keys: KEYS, rest, has: () => true, maxSymbols: 30, logger: logs().logger });
    await expect(f.open()).rejects.toMatchObject({ code: 'PROVIDER_UNAVAILABLE', message: expect.stringMatching(/unreachable/) });
  });

  it('refuses a symbol past the feed limit with PROVIDER_LIMIT, keeping the others', async () => {
    server = await startAlpaca();
    const s = stream(server, { maxSymbols: 2 });
    feed = s.feed;
    await feed.open();
    feed.watch('AAPL');
    feed.watch('MSFT');
    expect(() => feed!.watch('NVDA')).toThrow(
      expect.objectContaining({ code: 'PROVIDER_LIMIT', message: expect.stringMatching(/at most 2 symbols/) }),
    );
    expect(feed.watched().sort()).toEqual(['AAPL', 'MSFT']);
  });

  it('logs and skips malformed payloads, and goes on with the next trade', async () => {
    server = await startAlpaca();
    const s = stream(server);
    feed = s.feed;
    await feed.open();
    feed.watch('AAPL');
    await until(() => server!.subscribed.has('AAPL'), 'the subscription');
    await new Promise((r) => setTimeout(r, 100));
    server.raw('not json');
    server.raw('{"T":"t"}');
    server.raw(JSON.stringify([{ T: 't', S: 'AAPL', p: 'high', s: 1, t: '2025-10-07T15:00:02Z' }]));
    server.trade('AAPL', 257, '2025-10-07T15:00:03Z');
    await until(() => s.ticks.length === 1, 'the good trade');
    expect(s.ticks[0]!.price).toBe(257);
    expect(s.log.filter((l) => l.level === 'warn' && /skipped/.test(l.message)).length).toBe(3);
  });

  it('outside the regular session, trades make no ticks', async () => {
    server = await startAlpaca();
    const s = stream(server, { clock: () => Date.parse('2025-10-07T21:00:00Z') });
    feed = s.feed;
    await feed.open();
    feed.watch('AAPL');
    await until(() => server!.subscribed.has('AAPL'), 'the subscription');
    await new Promise((r) => setTimeout(r, 100));
    server.trade('AAPL', 257, '2025-10-07T21:00:01Z');
    await new Promise((r) => setTimeout(r, 200));
    expect(feed.marketState()).toBe('post');
    expect(s.ticks).toEqual([]);
  });

  it('a dropped stream reconnects with backoff, resubscribes, fills the gap from REST minute bars and goes on', async () => {
    server = await startAlpaca();
    const s = stream(server);
    feed = s.feed;
    await feed.open();
    feed.start();
    feed.watch('AAPL');
    await until(() => server!.subscribed.has('AAPL'), 'the subscription');
    await new Promise((r) => setTimeout(r, 100));
    server.trade('AAPL', 257, '2025-10-07T15:00:01Z');
    await until(() => s.ticks.length === 1, 'the first tick');
    // What traded while the stream was down is only in the REST minute bars.
    server.minuteBars.set('AAPL', [{ t: '2025-10-07T15:01:00Z', o: 257, h: 262, l: 256.9, c: 261.5, v: 12_000 }]);
    const subscribesBefore = server.subscribeMessages.length;
    server.drop();
    await until(() => s.statuses.some((x) => x.state === 'reconnecting'), 'reconnecting');
    await until(() => s.statuses.some((x) => x.state === 'running'), 'running again');
    await until(() => s.ticks.some((t) => t.price === 261.5), 'the gap filled');
    expect(server.stream.connections).toBeGreaterThanOrEqual(2);
    expect(server.subscribeMessages.length).toBeGreaterThan(subscribesBefore);
    expect(server.subscribeMessages.at(-1)).toMatchObject({ action: 'subscribe', trades: ['AAPL'] });
    expect(s.ticks.at(-1)!.bar.high).toBe(262);
    server.trade('AAPL', 262.5, '2025-10-07T15:02:00Z');
    await until(() => s.ticks.at(-1)!.price === 262.5, 'live trades again');
  });
});

describe('alpaca gap fill after an outage', () => {
  it('fills each symbol on its own: one whose REST request hangs delays only itself, and its late fill still adds the gap to the day', async () => {
    server = await startAlpaca();
    const s = stream(server);
    feed = s.feed;
    await feed.open();
    feed.start();
    feed.watch('AAPL');
    feed.watch('MSFT');
    await until(() => server!.subscribed.has('AAPL') && server!.subscribed.has('MSFT'), 'the subscriptions');
    await new Promise((r) => setTimeout(r, 100));
    server.trade('AAPL', 257, '2025-10-07T15:00:01Z');
    server.trade('MSFT', 523, '2025-10-07T15:00:01Z');
    await until(() => s.ticks.length === 2, 'the first ticks');
    server.minuteBars.set('AAPL', [{ t: '2025-10-07T15:01:00Z', o: 257, h: 262, l: 256.9, c: 261.5, v: 12_000 }]);
    server.minuteBars.set('MSFT', [{ t: '2025-10-07T15:01:00Z', o: 523, h: 530, l: 522, c: 529.5, v: 5_000 }]);
    let release = () => undefined as void;
    server.minuteHolds.set('AAPL', new Promise<void>((resolve) => (release = resolve)));
    server.drop();
    await until(() => s.statuses.some((x) => x.state === 'running' && x.reason?.includes('back')), 'running again');
    // AAPL was watched first and its request hangs: MSFT is filled all the same.
    await until(() => s.ticks.some((t) => t.symbol === 'MSFT' && t.price === 529.5), 'MSFT filled');
    expect(s.ticks.some((t) => t.symbol === 'AAPL' && t.bar.high === 262)).toBe(false);
    // Live trades go on meanwhile; AAPL's fill, once it comes, adds the gap's range and volume under the live price.
    server.trade('AAPL', 258, '2025-10-07T15:02:30Z');
    await until(() => s.ticks.at(-1)!.symbol === 'AAPL' && s.ticks.at(-1)!.price === 258, 'a live AAPL trade');
    const volume = s.ticks.at(-1)!.volume;
    release();
    await until(() => s.ticks.some((t) => t.symbol === 'AAPL' && t.bar.high === 262), 'AAPL filled late');
    expect(s.ticks.at(-1)).toMatchObject({ symbol: 'AAPL', price: 258, volume: volume + 12_000 });
  });
});

describe('alpaca stream liveness', () => {
  it('a connection that stops answering pings is dropped and reconnected', async () => {
    server = await startAlpaca();
    const s = stream(server, { pingMs: 50 });
    feed = s.feed;
    await feed.open();
    feed.start();
    // The server stops answering pings (as a dead network would): the socket is paused, nothing comes back.
    for (const ws of server.clients) (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await until(() => s.statuses.some((x) => x.state === 'reconnecting'), 'reconnecting');
    await until(() => s.statuses.some((x) => x.state === 'running'), 'running again');
    expect(server.stream.connections).toBe(2);
  });
});
