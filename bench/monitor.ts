// Market monitor throughput: ticks per second through the threshold check and the per-symbol conflation.
import type { MarketFeed, Tick } from '../src/market/feed.js';
import { MarketMonitor } from '../src/market/monitor.js';

export function benchMonitor(seconds: number): { ticks_per_s: number; published: number; triggers: number } {
  const feed: MarketFeed = {
    name: 'bench',
    now: () => '2025-07-08T14:00:00.000Z',
    watch: () => undefined,
    unwatch: () => undefined,
    watched: () => [],
    quote: () => undefined,
    onTick: () => undefined,
    marketState: () => 'open',
    onStatus: () => undefined,
    start: () => undefined,
    stop: () => undefined,
  };
  let published = 0;
  let triggers = 0;
  const monitor = new MarketMonitor(
    feed,
    { publishPrice: () => void (published += 1), trigger: () => void (triggers += 1) },
    { thresholdPct: 1, priceRate: 4 },
  );
  const symbols = Array.from({ length: 50 }, (_, i) => `S${i}`);
  const ticks: Tick[] = [];
  // A deterministic walk of ±0.05% steps: mostly below the threshold, crossing it now and then.
  for (let i = 0; i < 100_000; i++) {
    const symbol = symbols[i % symbols.length]!;
    const price = 100 * (1 + 0.015 * Math.sin(i / 997));
    ticks.push({
      symbol,
      price,
      volume: i,
      time: '2025-07-08T14:00:00.000Z',
      previousClose: 100,
      bar: { date: '2025-07-08', open: 100, high: 101, low: 99, close: price, volume: i },
    });
  }
  for (const s of symbols) monitor.setReference(s, 100);
  let count = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < ticks.length; i++) {
      monitor.onTick(ticks[i]!);
      // Four flushes a second at a million ticks a second: flush every 250,000 ticks.
      if ((count + i) % 250_000 === 0) monitor.flush();
    }
    count += ticks.length;
  }
  monitor.flush();
  return { ticks_per_s: Math.round(count / ((performance.now() - start) / 1000)), published, triggers };
}
