// What the web view's chart draws, without a DOM: daily candles of the server's bars carried on by the quotes, the calls as markers, the votes, the levels, and one replay run at a time.
import { describe, expect, it } from 'vitest';
import type { DailyBar } from '../../src/protocol/bars.js';
import { barsAhead, chartData, currentRun, dayTime, marketDay } from '../../src/web/candles.js';
import { emptyModel, observe, symbolData, type Minute, type Publication } from '../../src/web/model.js';
import { signal } from '../helpers/web.js';

/** 2025-07-08 10:00 in New York (EDT): the session's first half hour. */
const T0 = Date.parse('2025-07-08T14:00:00Z');
const DAY = 86_400_000;

function minutes(prices: number[], start = T0): Minute[] {
  const data = symbolData(emptyModel(), 'AAPL');
  prices.forEach((p, i) => observe(data, start + i * 60_000, p));
  return data.minutes;
}

const bar = (date: string, close: number, partial = false): DailyBar => ({
  date,
  open: close - 1,
  high: close + 2,
  low: close - 3,
  close,
  volume: 1_000,
  ...(partial ? { partial: true as const } : {}),
});
const BARS = [bar('2025-07-03', 100), bar('2025-07-07', 102)];

describe('the trading day of a market time', () => {
  it("is New York's date, not UTC's: an analysis at 20:30 New York time is that day's", () => {
    expect(marketDay(Date.parse('2025-07-09T00:30:00Z'))).toBe('2025-07-08');
    expect(dayTime('2025-07-08')).toBe(Date.parse('2025-07-08T00:00:00Z') / 1000);
  });
});

describe('the chart of a symbol', () => {
  it("draws the bars, and the quotes as the next session's candle, with BUY and SELL marked and every vote", () => {
    const pubs: Publication[] = [
      signal('AAPL', 1, 'BUY', Date.parse('2025-07-03T18:00:00Z')),
      signal('AAPL', 2, 'HOLD', Date.parse('2025-07-07T15:00:00Z')),
      signal('AAPL', 3, 'HOLD', Date.parse('2025-07-07T19:00:00Z')),
      signal('AAPL', 4, 'SELL', T0 + 30_000),
    ];
    const chart = chartData(BARS, minutes([104, 106, 103]), pubs);
    expect(chart.candles).toEqual([
      { time: dayTime('2025-07-03'), open: 99, high: 102, low: 97, close: 100 },
      { time: dayTime('2025-07-07'), open: 101, high: 104, low: 99, close: 102 },
      { time: dayTime('2025-07-08'), open: 104, high: 106, low: 103, close: 103 },
    ]);
    expect(chart.markers).toEqual([
      { time: dayTime('2025-07-03'), action: 'BUY', seq: 1, count: 1 },
      { time: dayTime('2025-07-08'), action: 'SELL', seq: 4, count: 1 },
    ]);
    // One vote per agent a day: the day's last analysis.
    expect(chart.votes.get('technical')!.map((v) => v.signal)).toEqual(['BUY', 'HOLD', 'SELL']);
    expect(chart.votes.get('momentum')!.map((v) => v.time)).toEqual(['2025-07-03', '2025-07-07', '2025-07-08'].map(dayTime));
    expect(chart.levels).toEqual({ action: 'SELL', target: 102, stop: 98.5 });
  });

  it("carries the session's bar so far on with the quotes; a closed bar takes nothing from them", () => {
    const today = [...BARS, bar('2025-07-08', 105, true)];
    const chart = chartData(today, minutes([110, 96, 104]), []);
    expect(chart.candles.at(-1)).toEqual({ time: dayTime('2025-07-08'), open: 104, high: 110, low: 96, close: 104 });
    expect(chart.candles).toHaveLength(3);
    const closed = [...BARS, bar('2025-07-08', 105)];
    expect(chartData(closed, minutes([110, 96, 104]), []).candles.at(-1)).toEqual({
      time: dayTime('2025-07-08'),
      open: 104,
      high: 107,
      low: 102,
      close: 105,
    });
  });

  it("marks a day's calls of one action once, with their count and the last one's seq", () => {
    const day = [
      signal('AAPL', 1, 'BUY', T0),
      signal('AAPL', 2, 'SELL', T0 + 60_000),
      signal('AAPL', 3, 'BUY', T0 + 120_000),
      signal('AAPL', 4, 'BUY', T0 + 180_000),
    ];
    expect(chartData(BARS, minutes([100, 101, 102, 103]), day).markers).toEqual([
      { time: dayTime('2025-07-08'), action: 'BUY', seq: 4, count: 3 },
      { time: dayTime('2025-07-08'), action: 'SELL', seq: 2, count: 1 },
    ]);
  });

  it('shows no levels after a HOLD, and leaves out calls on days the candles do not reach', () => {
    const before = signal('AAPL', 1, 'BUY', Date.parse('2025-06-02T15:00:00Z'));
    const chart = chartData(BARS, minutes([100]), [before, signal('AAPL', 2, 'HOLD', T0 + 20_000)]);
    expect(chart.levels).toBeUndefined();
    expect(chart.markers).toEqual([]);
    expect(chart.votes.get('technical')).toEqual([{ time: dayTime('2025-07-08'), signal: 'HOLD', confidence: 0.6 }]);
  });

  it('draws the run now going: publications before the replay started again, or after the newest quote, are left out', () => {
    const old = [signal('AAPL', 1, 'BUY', T0 + 5 * DAY), signal('AAPL', 2, 'SELL', T0 + 6 * DAY)];
    const now = [signal('AAPL', 3, 'SELL', T0 + 30_000), signal('AAPL', 4, 'BUY', T0 + 10 * 60_000)];
    expect(currentRun([...old, ...now]).map((p) => p.data.seq)).toEqual([3, 4]);
    const chart = chartData(BARS, minutes([100, 101]), [...old, ...now]);
    expect(chart.markers.map((m) => m.seq)).toEqual([3]);
    // The levels are the newest publication's, whichever run: it is the call in force.
    expect(chart.levels?.action).toBe('BUY');
  });

  it('leaves out bars after the newest quote, and says the bars must be read again', () => {
    const ahead = [...BARS, bar('2025-07-09', 108)];
    expect(barsAhead(ahead, minutes([100]))).toBe(true);
    expect(barsAhead(BARS, minutes([100]))).toBe(false);
    expect(barsAhead(ahead, [])).toBe(false);
    expect(chartData(ahead, minutes([100]), []).candles.map((c) => c.time)).toEqual(['2025-07-03', '2025-07-07', '2025-07-08'].map(dayTime));
  });

  it('before any quote, draws the bars as they are', () => {
    const chart = chartData(BARS, [], [signal('AAPL', 1, 'BUY', Date.parse('2025-07-07T15:00:00Z'))]);
    expect(chart.candles.map((c) => c.close)).toEqual([100, 102]);
    expect(chart.markers).toHaveLength(1);
  });
});
