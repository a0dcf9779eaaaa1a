// What the web view's chart draws, without a DOM: candle sizes, prices from quotes and publications, the calls as markers, the votes, the levels, and one replay run at a time.
import { describe, expect, it } from 'vitest';
import { chartData, chooseBucket, currentRun, MAX_CANDLES } from '../../src/web/candles.js';
import { emptyModel, observe, symbolData, type Minute, type Publication } from '../../src/web/model.js';
import { signal } from '../helpers/web.js';

const T0 = Date.parse('2025-07-08T14:00:00Z');
const S0 = T0 / 1000;

function minutes(prices: number[], start = T0): Minute[] {
  const data = symbolData(emptyModel(), 'AAPL');
  prices.forEach((p, i) => observe(data, start + i * 60_000, p));
  return data.minutes;
}

describe('the candle size', () => {
  it('is the smallest that keeps the candles under the limit', () => {
    expect(chooseBucket([S0, S0 + 60])).toBe(60);
    const day = Array.from({ length: 390 }, (_, i) => S0 + i * 60);
    expect(chooseBucket(day)).toBe(300);
    const months = Array.from({ length: 90 }, (_, d) => Array.from({ length: 7 }, (_, h) => S0 + d * 86_400 + h * 3600)).flat();
    expect(chooseBucket(months)).toBe(86_400);
    expect(new Set(months.map((t) => Math.floor(t / 3600))).size).toBeGreaterThan(MAX_CANDLES);
  });
});

describe('the chart of a symbol', () => {
  it('makes candles of the quotes and the publications, with BUY and SELL marked and every vote', () => {
    const pubs: Publication[] = [
      signal('AAPL', 1, 'BUY', T0 + 30_000, 104),
      signal('AAPL', 2, 'HOLD', T0 + 90_000, 99),
      signal('AAPL', 3, 'SELL', T0 + 150_000, 101),
    ];
    const chart = chartData(minutes([100, 102, 103]), pubs);
    expect(chart.bucket).toBe(60);
    expect(chart.candles).toEqual([
      { time: S0, open: 100, high: 104, low: 100, close: 104 },
      { time: S0 + 60, open: 102, high: 102, low: 99, close: 99 },
      { time: S0 + 120, open: 103, high: 103, low: 101, close: 101 },
    ]);
    expect(chart.markers).toEqual([
      { time: S0, action: 'BUY', seq: 1 },
      { time: S0 + 120, action: 'SELL', seq: 3 },
    ]);
    expect(chart.votes.get('technical')!.map((v) => v.signal)).toEqual(['BUY', 'HOLD', 'SELL']);
    expect(chart.votes.get('momentum')!.map((v) => v.time)).toEqual([S0, S0 + 60, S0 + 120]);
    expect(chart.levels).toEqual({ action: 'SELL', target: 103, stop: 99.5 });
  });

  it('shows no levels after a HOLD, and in a candle with two analyses the votes of the last', () => {
    const chart = chartData(minutes([100]), [signal('AAPL', 1, 'BUY', T0 + 10_000), signal('AAPL', 2, 'HOLD', T0 + 20_000)]);
    expect(chart.levels).toBeUndefined();
    expect(chart.votes.get('technical')).toEqual([{ time: S0, signal: 'HOLD', confidence: 0.6 }]);
  });

  it('draws the run now going: publications before the replay started again, or after the newest quote, are left out', () => {
    const old = [signal('AAPL', 1, 'BUY', T0 + 5 * 86_400_000), signal('AAPL', 2, 'SELL', T0 + 6 * 86_400_000)];
    const now = [signal('AAPL', 3, 'SELL', T0 + 30_000), signal('AAPL', 4, 'BUY', T0 + 10 * 60_000)];
    expect(currentRun([...old, ...now]).map((p) => p.data.seq)).toEqual([3, 4]);
    const chart = chartData(minutes([100, 101]), [...old, ...now]);
    expect(chart.markers.map((m) => m.seq)).toEqual([3]);
    expect(chart.candles.map((c) => c.time)).toEqual([S0, S0 + 60]);
    // The levels are the newest publication's, whichever run: it is the call in force.
    expect(chart.levels?.action).toBe('BUY');
  });

  it('with no quotes yet, draws what the publications say', () => {
    const chart = chartData([], [signal('AAPL', 1, 'BUY', T0, 100), signal('AAPL', 2, 'SELL', T0 + 86_400_000, 90)]);
    expect(chart.candles.map((c) => c.close)).toEqual([100, 90]);
    expect(chart.markers).toHaveLength(2);
  });
});
