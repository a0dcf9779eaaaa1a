// The replay feed: paths through each day's real OHLC, minute bars where bundled, determinism under the seed, the clock.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ReplayFeed, syntheticPath } from '../../src/market/replay.js';
import { sessionOpen } from '../../src/market/session.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import type { FeedStatus, Tick } from '../../src/market/feed.js';

const store = new MarketStore();

/** Steps a feed through one session, collecting every tick of `symbol`. */
function session(feed: ReplayFeed, symbol: string): Tick[] {
  const ticks: Tick[] = [];
  feed.onTick((t) => t.symbol === symbol && ticks.push(t));
  feed.watch(symbol);
  // start() quotes the open at once; the test then drives the clock itself.
  feed.start();
  feed.stop();
  const day = feed.today();
  while (feed.today() === day && !feed.ended) feed.step();
  return ticks.filter((t) => t.bar.date === day);
}

describe('syntheticPath', () => {
  it('starts at the open, ends at the close, touches the high and the low, never leaves them', () => {
    const bar = { date: '2024-03-05', open: 100, high: 104, low: 97, close: 102, volume: 1e6 };
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const path = syntheticPath(bar, random);
    expect(path[0]).toBeCloseTo(100, 10);
    expect(path[390]).toBeCloseTo(102, 10);
    expect(Math.max(...path)).toBeCloseTo(104, 10);
    expect(Math.min(...path)).toBeCloseTo(97, 10);
  });
});

describe('ReplayFeed', () => {
  it('starts at the session open of --from and moves to the next trading day after the close', () => {
    const feed = new ReplayFeed(store, { from: '2024-03-01', speed: 390 * 4, seed: 1 });
    expect(feed.now()).toBe(new Date(sessionOpen('2024-03-01')).toISOString());
    const ticks = session(feed, 'MSFT');
    expect(feed.today()).toBe('2024-03-04');
    expect(feed.now()).toBe(new Date(sessionOpen('2024-03-04')).toISOString());
    expect(ticks.at(-1)!.time).toBe(new Date(sessionOpen('2024-03-01') + 390 * 60_000).toISOString());
  });

  it('follows the day: the last tick is the real close, the running high and low stay inside the real ones', () => {
    const feed = new ReplayFeed(store, { from: '2024-03-05', speed: 390 * 4, seed: 1 });
    const ticks = session(feed, 'AAPL');
    const real = store.bars('AAPL').find((b) => b.date === '2024-03-05')!;
    expect(ticks[0]!.price).toBeCloseTo(real.open, 6);
    expect(ticks.at(-1)!.price).toBeCloseTo(real.close, 6);
    expect(Math.max(...ticks.map((t) => t.bar.high))).toBeLessThanOrEqual(real.high + 1e-9);
    expect(Math.min(...ticks.map((t) => t.bar.low))).toBeGreaterThanOrEqual(real.low - 1e-9);
    expect(ticks.at(-1)!.previousClose).toBe(store.bars('AAPL').find((b) => b.date === '2024-03-04')!.close);
    expect(ticks.at(-1)!.volume).toBe(real.volume);
  });

  it('is deterministic under --seed, and another seed gives another path', () => {
    const prices = (seed: number) => session(new ReplayFeed(store, { from: '2024-03-05', speed: 390 * 4, seed }), 'NVDA').map((t) => t.price);
    expect(prices(3)).toEqual(prices(3));
    expect(prices(3)).not.toEqual(prices(4));
  });

  it('uses the bundled minute bars where they exist, scaled onto the adjusted daily bar', () => {
    const feed = new ReplayFeed(store, { from: '2025-07-08', speed: 60, seed: 1 });
    const ticks = session(feed, 'SPY');
    const minutes = store.minutesOn('SPY', '2025-07-08');
    const daily = store.bars('SPY').find((b) => b.date === '2025-07-08')!;
    const k = daily.close / minutes.at(-1)!.close;
    // 60x with 250 ms steps: one tick every 15 market seconds; 10:30 is minute 60 of the session.
    const at1030 = ticks.find((t) => t.time === new Date(sessionOpen('2025-07-08') + 60 * 60_000).toISOString())!;
    const bar1029 = minutes.find((m) => m.time === '2025-07-08 10:29')!;
    expect(at1030.price).toBeCloseTo(bar1029.close * k, 6);
    // Another seed does not change a day replayed from real minute bars.
    const other = session(new ReplayFeed(store, { from: '2025-07-08', speed: 60, seed: 99 }), 'SPY');
    expect(other.map((t) => t.price)).toEqual(ticks.map((t) => t.price));
  });

  it('no look-ahead: a snapshot at the replay clock sees yesterday closed and today only so far', () => {
    const feed = new ReplayFeed(store, { from: '2024-03-05', speed: 390, seed: 1 });
    const ticks: Tick[] = [];
    feed.onTick((t) => ticks.push(t));
    feed.watch('AAPL');
    for (let i = 0; i < 100; i++) feed.step();
    const tick = ticks.at(-1)!;
    const snap = snapshotAt(store, 'AAPL', feed.now(), { live: tick.bar });
    expect(snap.bars.at(-2)!.date).toBe('2024-03-04');
    expect(snap.bars.at(-1)).toEqual(tick.bar);
    expect(snap.bars.at(-1)!.close).toBe(tick.price);
  });

  it('with --no-loop, stops at the end of the data and says so once', () => {
    const feed = new ReplayFeed(store, { from: '2025-10-07', speed: 390 * 8, seed: 1, loop: false });
    const statuses: FeedStatus[] = [];
    feed.onStatus((s) => statuses.push(s));
    feed.watch('SPY');
    for (let i = 0; i < 200; i++) feed.step();
    expect(feed.ended).toBe(true);
    expect(statuses.map((s) => s.state)).toEqual(['ended']);
    expect(feed.today()).toBe('2025-10-07');
  });

  it('by default, loops back to --from at the end of the data, announcing each new cycle, and keeps quoting', () => {
    const feed = new ReplayFeed(store, { from: '2025-10-06', speed: 390 * 8, seed: 1 });
    const statuses: FeedStatus[] = [];
    const days = new Set<string>();
    feed.onStatus((s) => statuses.push(s));
    feed.onTick((t) => days.add(t.bar.date));
    feed.watch('SPY');
    // Two days a cycle, about 13 steps a day at this speed: 200 steps is several cycles.
    for (let i = 0; i < 200; i++) feed.step();
    expect(feed.ended).toBe(false);
    expect(statuses.length).toBeGreaterThanOrEqual(3);
    expect(statuses.map((s) => s.cycle)).toEqual(statuses.map((_, i) => i + 2));
    expect(statuses.every((s) => s.state === 'running' && s.reason.includes('starts again at 2025-10-06'))).toBe(true);
    expect([...days].sort()).toEqual(['2025-10-06', '2025-10-07']);
    expect(feed.marketState()).toBe('open');
  });

  it('a symbol whose data fails to load mid-replay is reported once and gets no ticks; the others go on', () => {
    // A data folder with real SPY and a BAD file that only fails when the replay first reads it.
    const dir = mkdtempSync(join(tmpdir(), 'signals-bundled-'));
    mkdirSync(join(dir, 'daily'));
    copyFileSync(join(store.bundledDir, 'daily', 'SPY.csv.gz'), join(dir, 'daily', 'SPY.csv.gz'));
    writeFileSync(
      join(dir, 'daily', 'BAD.csv.gz'),
      gzipSync('Date,Open,High,Low,Close,Volume\n2024-03-01,1,2,0.5,1.5,10\n2024-03-04,1,2,oops,1.5,10\n'),
    );
    const errors: [string, string][] = [];
    const feed = new ReplayFeed(new MarketStore({ bundledDir: dir }), {
      from: '2024-03-01',
      speed: 390 * 4,
      seed: 1,
      onError: (symbol, error) => errors.push([symbol, (error as Error).message]),
    });
    feed.watch('BAD');
    const ticks = session(feed, 'SPY');
    for (let i = 0; i < 30; i++) feed.step();
    expect(ticks.length).toBeGreaterThan(20);
    expect(feed.quote('BAD')).toBeUndefined();
    expect(errors).toEqual([['BAD', expect.stringMatching(/BAD\.csv\.gz:3: bad Low "oops"$/)]]);
  });

  it('refuses a --from outside the data', () => {
    expect(() => new ReplayFeed(store, { from: '2030-01-01', speed: 390, seed: 1 })).toThrow(/outside the replay calendar/);
  });
});
