// The market monitor's price flush: its timer stays inside Node's range whatever the price rate.
import { describe, expect, it } from 'vitest';
import type { Tick } from '../../src/market/feed.js';
import { MarketMonitor } from '../../src/market/monitor.js';
import { ManualFeed } from '../helpers/server.js';

const tick: Tick = {
  symbol: 'AAPL',
  price: 101,
  volume: 10,
  time: '2024-03-05T15:00:00.000Z',
  previousClose: 100,
  bar: { date: '2024-03-05', open: 100, high: 101, low: 100, close: 101, volume: 10 },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('MarketMonitor price flush', () => {
  it('a rate so low that its interval passes 2^31-1 ms does not flush every millisecond', async () => {
    let published = 0;
    const monitor = new MarketMonitor(
      new ManualFeed(),
      { publishPrice: () => (published += 1), trigger: () => undefined },
      { thresholdPct: 1, priceRate: 1e-9 },
    );
    monitor.start();
    for (let i = 0; i < 5; i++) {
      monitor.onTick(tick);
      await sleep(10);
    }
    monitor.stop();
    expect(published).toBe(0);
  });

  it('flushes the latest tick at the configured rate', async () => {
    const prices: number[] = [];
    const monitor = new MarketMonitor(
      new ManualFeed(),
      { publishPrice: (t) => prices.push(t.price), trigger: () => undefined },
      { thresholdPct: 1, priceRate: 50 },
    );
    monitor.start();
    monitor.onTick(tick);
    monitor.onTick({ ...tick, price: 102 });
    await expect.poll(() => prices, { timeout: 1_000 }).toEqual([102]);
    monitor.stop();
  });

  it('refuses a rate that is not above 0', () => {
    const handlers = { publishPrice: () => undefined, trigger: () => undefined };
    for (const priceRate of [0, -1, Number.NaN]) {
      expect(() => new MarketMonitor(new ManualFeed(), handlers, { thresholdPct: 1, priceRate })).toThrow(RangeError);
    }
  });
});
