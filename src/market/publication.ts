// When each macro observation became public: agents only see an observation once it was published.
import { RELEASES } from './releases.js';
import { isUsDst } from './session.js';
import type { MacroSeries } from './types.js';

/** A date plus whole months and days, as YYYY-MM-DD. */
function shifted(date: string, months: number, day: number): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  d.setUTCDate(day);
  return d.toISOString().slice(0, 10);
}

/** 08:30 New York on a day, when the statistical agencies release, in UTC. */
function releaseTime(day: string): string {
  return `${day}T${isUsDst(day) ? '12' : '13'}:30:00.000Z`;
}

/**
 * The usual schedule, from an observation's FRED date (the start of the period it describes): the latest day the
 * release came in ordinary years, so that a value is never seen before it was public (it may be seen a few days
 * after). The days the calendar in releases.ts knows take precedence.
 * - T10Y2Y (H.15, daily): from midnight UTC after its day.
 * - VIX: its day's close is final at 16:15 New York, so from 21:15 UTC (16:15 in winter, later in summer).
 * - FEDFUNDS (monthly average of the daily effective rate, whose last value comes out on the next business day):
 *   from the 5th of the next month.
 * - UNRATE (Employment Situation, the third Friday after the week of the 12th: from the 1st to the 10th of the next
 *   month): the 10th of the next month, 08:30 New York.
 * - CPIAUCSL (CPI, from the 10th to the 22nd of the next month, January's latest): the 22nd, 08:30 New York.
 * - GDPC1 (advance estimate, in the last days of the month after the quarter): the 1st of the month after that.
 */
const RULES: Record<MacroSeries, (date: string) => string> = {
  T10Y2Y: (date) => new Date(Date.parse(`${date}T00:00:00.000Z`) + 86_400_000).toISOString(),
  VIX: (date) => `${date}T21:15:00.000Z`,
  FEDFUNDS: (date) => `${shifted(date, 1, 5)}T00:00:00.000Z`,
  UNRATE: (date) => releaseTime(shifted(date, 1, 10)),
  CPIAUCSL: (date) => releaseTime(shifted(date, 1, 22)),
  GDPC1: (date) => releaseTime(shifted(date, 4, 1)),
};

const CALENDAR = new Map(RELEASES.map((r) => [`${r.series} ${r.period}`, releaseTime(r.day)]));

/**
 * Each series' answers so far, by date: a snapshot finds its macro data by a binary search that asks for a dozen
 * observations' times per series, and computing one (a calendar key, a date's arithmetic, the DST rule) cost more than
 * the rest of the snapshot. At most one entry per observation of the bundled series.
 */
const KNOWN = Object.fromEntries(Object.keys(RULES).map((series) => [series, new Map<string, string>()])) as Record<MacroSeries, Map<string, string>>;

/**
 * The ISO timestamp at which `series`'s observation dated `date` became public: its day in the release calendar
 * (releases.ts) when known, else the usual schedule's latest.
 * @example publishedAt('GDPC1', '2018-10-01') // '2019-02-28T13:30:00.000Z' (the 2018-19 shutdown)
 * @example publishedAt('UNRATE', '2024-05-01') // '2024-06-10T12:30:00.000Z'
 */
export function publishedAt(series: MacroSeries, date: string): string {
  const times = KNOWN[series];
  let at = times.get(date);
  if (at === undefined) times.set(date, (at = CALENDAR.get(`${series} ${date}`) ?? RULES[series](date)));
  return at;
}

/** The ISO timestamp a bare trading date means as an as-of: after that day's close. */
export function closeOf(date: string): string {
  return `${date}T21:00:00.000Z`;
}

/** The moment a date-only headline counts as published: the end of its day (its hour is unknown). */
export function endOfDay(date: string): string {
  return `${date}T23:59:59.999Z`;
}
