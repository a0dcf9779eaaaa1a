// When macro observations became public: the release calendar where it knows the day, the usual schedule's latest day otherwise.
import { describe, expect, it } from 'vitest';
import { publishedAt } from '../../src/market/publication.js';
import { RELEASES } from '../../src/market/releases.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { MACRO_SERIES } from '../../src/market/types.js';

const store = new MarketStore();
const lastSeen = (date: string, series: (typeof MACRO_SERIES)[number]) =>
  snapshotAt(store, 'AAPL', `${date}T21:00:00.000Z`).macro[series].at(-1)!.date;

describe('publishedAt', () => {
  it('takes the calendar day, at 08:30 New York, where the calendar knows one', () => {
    expect(publishedAt('GDPC1', '2018-10-01')).toBe('2019-02-28T13:30:00.000Z');
    expect(publishedAt('UNRATE', '2025-09-01')).toBe('2025-11-20T13:30:00.000Z');
    expect(publishedAt('CPIAUCSL', '2013-09-01')).toBe('2013-10-30T12:30:00.000Z');
  });

  it('otherwise takes the latest day of the usual schedule', () => {
    expect(publishedAt('UNRATE', '2024-05-01')).toBe('2024-06-10T12:30:00.000Z');
    expect(publishedAt('CPIAUCSL', '2006-01-01')).toBe('2006-02-22T13:30:00.000Z');
    expect(publishedAt('GDPC1', '2024-10-01')).toBe('2025-02-01T13:30:00.000Z');
    expect(publishedAt('FEDFUNDS', '2024-12-01')).toBe('2025-01-05T00:00:00.000Z');
    expect(publishedAt('T10Y2Y', '2024-12-31')).toBe('2025-01-01T00:00:00.000Z');
    expect(publishedAt('VIX', '2024-12-31')).toBe('2024-12-31T21:15:00.000Z');
  });

  it('every calendar day is a weekday after the period it reports on, within five months of its start', () => {
    for (const r of RELEASES) {
      const day = new Date(`${r.day}T00:00:00.000Z`);
      expect([0, 6], `${r.series} ${r.period}`).not.toContain(day.getUTCDay());
      const months = (day.getUTCFullYear() - Number(r.period.slice(0, 4))) * 12 + day.getUTCMonth() + 1 - Number(r.period.slice(5, 7));
      expect(months, `${r.series} ${r.period}`).toBeGreaterThanOrEqual(r.series === 'GDPC1' ? 3 : 1);
      expect(months, `${r.series} ${r.period}`).toBeLessThanOrEqual(5);
    }
  });

  it('never decreases along a bundled series, so a snapshot can binary-search it', () => {
    for (const series of MACRO_SERIES) {
      const times = store
        .macro(series)
        .slice()
        .map((o) => publishedAt(series, o.date));
      for (let i = 1; i < times.length; i++) expect(times[i]! >= times[i - 1]!, `${series} #${i}`).toBe(true);
    }
  });
});

describe('the leaks an outside audit found are closed', () => {
  it('unemployment is not seen before its report', () => {
    expect(lastSeen('2020-01-09', 'UNRATE')).toBe('2019-11-01');
    expect(lastSeen('2020-01-10', 'UNRATE')).toBe('2019-12-01');
    expect(lastSeen('2023-03-09', 'UNRATE')).toBe('2023-01-01');
    expect(lastSeen('2025-01-09', 'UNRATE')).toBe('2024-11-01');
    expect(lastSeen('2025-10-08', 'UNRATE')).toBe('2025-08-01');
  });

  it('GDP and CPI delayed by shutdowns are not seen before their release', () => {
    expect(lastSeen('2019-02-27', 'GDPC1')).toBe('2018-07-01');
    expect(lastSeen('2019-02-28', 'GDPC1')).toBe('2018-10-01');
    expect(lastSeen('2013-11-06', 'GDPC1')).toBe('2013-04-01');
    expect(lastSeen('2013-10-29', 'CPIAUCSL')).toBe('2013-08-01');
  });
});
