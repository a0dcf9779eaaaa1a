// When each macro observation became public: agents only see an observation once it was published.
import type { MacroSeries } from './types.js';

/**
 * Publication lag per series, from the observation's FRED date (the start of the period it
 * describes) to its first release. Conservative: a value is visible on or after the usual
 * release day, never before.
 * - the daily 10y-2y Treasury spread (H.15): the next day
 * - VIX: the same day, after the close (21:00 UTC)
 * - FEDFUNDS (monthly average): the first day of the next month
 * - UNRATE (Employment Situation, first Friday): one month and 7 days after the period start
 * - CPIAUCSL (CPI release, mid-month): one month and 15 days after the period start
 * - GDPC1 (advance estimate, about 30 days after the quarter): 4 months after the quarter start
 */
const LAGS: Record<MacroSeries, { months: number; days: number; hour: number }> = {
  T10Y2Y: { months: 0, days: 1, hour: 0 },
  VIX: { months: 0, days: 0, hour: 21 },
  FEDFUNDS: { months: 1, days: 0, hour: 0 },
  UNRATE: { months: 1, days: 7, hour: 13 },
  CPIAUCSL: { months: 1, days: 15, hour: 13 },
  GDPC1: { months: 4, days: 0, hour: 13 },
};

/** The ISO timestamp at which `series`'s observation dated `date` became public. */
export function publishedAt(series: MacroSeries, date: string): string {
  const lag = LAGS[series];
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCMonth(d.getUTCMonth() + lag.months);
  d.setUTCDate(d.getUTCDate() + lag.days);
  d.setUTCHours(lag.hour);
  return d.toISOString();
}

/** The ISO timestamp a bare trading date means as an as-of: after that day's close. */
export function closeOf(date: string): string {
  return `${date}T21:00:00.000Z`;
}

/** The moment a date-only headline counts as published: the end of its day (its hour is unknown). */
export function endOfDay(date: string): string {
  return `${date}T23:59:59.999Z`;
}
