// Constructed market data for tests: bars from a price path, macro series, snapshots.
import type { Bar, Headline, MacroSeries, MarketSnapshot, Observation } from '../../src/market/types.js';
import { MACRO_SERIES } from '../../src/market/types.js';

/** Daily bars from closes: open = previous close, high/low 0.5% around, constant volume, weekdays from 2020-01-01. */
export function barsFrom(closes: number[], volume = 1_000_000): Bar[] {
  const start = Date.UTC(2020, 0, 1);
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return {
      date: new Date(start + i * 86_400_000).toISOString().slice(0, 10),
      open,
      high: Math.max(open, close) * 1.005,
      low: Math.min(open, close) * 0.995,
      close,
      volume,
    };
  });
}

/** A trending path with a gentle oscillation: `drift` per day, ±3% swings over about a month. */
export function trend(days: number, drift: number, start = 100): number[] {
  return Array.from({ length: days }, (_, t) => start * Math.exp(drift * t) * (1 + 0.03 * Math.sin(t / 5)));
}

export function emptyMacro(): Record<MacroSeries, Observation[]> {
  return Object.fromEntries(MACRO_SERIES.map((s) => [s, []])) as unknown as Record<MacroSeries, Observation[]>;
}

/** A monthly series from values, dated from 2018-01-01, published on the day. */
export function monthly(values: number[]): Observation[] {
  return values.map((value, i) => {
    const d = new Date(Date.UTC(2018, i, 1)).toISOString().slice(0, 10);
    return { date: d, value };
  });
}

export function snapshot(parts: Partial<MarketSnapshot> & { bars: Bar[] }): MarketSnapshot {
  const headlines: Headline[] = parts.headlines ?? [];
  return {
    symbol: 'TEST',
    asOf: `${parts.bars.at(-1)?.date ?? '2021-01-01'}T21:00:00.000Z`,
    benchmark: [],
    macro: emptyMacro(),
    ...parts,
    headlines,
  };
}
