// The as-of rule: nothing published after the as-of time reaches an agent.
import { describe, expect, it } from 'vitest';
import { publishedAt } from '../../src/market/publication.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { MACRO_SERIES } from '../../src/market/types.js';

const store = new MarketStore();

describe('snapshotAt', () => {
  const dates = ['2008-09-15', '2016-11-09', '2020-03-16', '2023-06-05', '2024-12-31', '2025-08-01'];
  for (const date of dates) {
    it(`at ${date} nothing after the as-of reaches the agents`, () => {
      const asOf = `${date}T21:00:00.000Z`;
      const s = snapshotAt(store, 'AAPL', asOf);
      expect(s.bars.at(-1)!.date <= date).toBe(true);
      expect(s.benchmark.at(-1)!.date <= date).toBe(true);
      for (const series of MACRO_SERIES) {
        for (const o of s.macro[series]) expect(publishedAt(series, o.date) <= asOf).toBe(true);
      }
      for (const h of s.headlines) expect(h.published <= asOf).toBe(true);
    });
  }

  it('June CPI does not inform an analysis dated June 5; May CPI is not out yet either', () => {
    const s = snapshotAt(store, 'AAPL', '2023-06-05T21:00:00.000Z');
    const cpiDates = s.macro.CPIAUCSL.map((o) => o.date);
    expect(cpiDates).not.toContain('2023-06-01');
    expect(cpiDates).not.toContain('2023-05-01');
    expect(cpiDates.at(-1)).toBe('2023-04-01');
    expect(s.macro.UNRATE.at(-1)!.date).toBe('2023-04-01');
  });

  it('a monthly value becomes visible once published', () => {
    expect(publishedAt('CPIAUCSL', '2023-05-01') > '2023-06-05').toBe(true);
    const after = snapshotAt(store, 'AAPL', '2023-06-22T21:00:00.000Z');
    expect(after.macro.CPIAUCSL.at(-1)!.date).toBe('2023-05-01');
  });

  it('during a session the day has not closed: its daily bar is not seen', () => {
    const s = snapshotAt(store, 'AAPL', '2024-03-05T15:00:00.000Z');
    expect(s.bars.at(-1)!.date).toBe('2024-03-04');
    expect(s.macro.T10Y2Y.at(-1)!.date < '2024-03-05').toBe(true);
  });

  it('only headlines of the last 7 days', () => {
    const s = snapshotAt(store, 'AAPL', '2025-01-15T21:00:00.000Z');
    expect(s.headlines.length).toBeGreaterThan(0);
    for (const h of s.headlines) expect(h.published >= '2025-01-08T21:00:00.000Z').toBe(true);
  });
});
