// The US equities trading calendar: NYSE holidays and early closes, and the market state at a moment.
import { MARKET_STATES } from '../protocol/states.js';
import { isUsDst } from './session.js';

export { MARKET_STATES };
export type MarketState = (typeof MARKET_STATES)[number];

/*
 * NYSE Rule 7.2 and the exchange's published holiday calendar (nyse.com/markets/hours-calendars):
 * New Year's Day, Martin Luther King Jr. Day (3rd Monday of January), Washington's Birthday (3rd
 * Monday of February), Good Friday, Memorial Day (last Monday of May), Juneteenth (from 2022),
 * Independence Day, Labor Day (1st Monday of September), Thanksgiving (4th Thursday of November),
 * Christmas. A holiday on a Saturday is observed the Friday before, on a Sunday the Monday after;
 * but New Year's Day on a Saturday is not observed (the Friday is the last trading day of a year).
 * Early closes (13:00 New York): July 3 on a Monday to Thursday, the day after Thanksgiving, and
 * December 24 on a Monday to Thursday. One-off closings are listed by date below.
 */
const SPECIAL_CLOSINGS: Record<string, string> = {
  '2001-09-11': 'September 11 attacks',
  '2001-09-12': 'September 11 attacks',
  '2001-09-13': 'September 11 attacks',
  '2001-09-14': 'September 11 attacks',
  '2004-06-11': 'National Day of Mourning (Reagan)',
  '2007-01-02': 'National Day of Mourning (Ford)',
  '2012-10-29': 'Hurricane Sandy',
  '2012-10-30': 'Hurricane Sandy',
  '2018-12-05': 'National Day of Mourning (G. H. W. Bush)',
  '2025-01-09': 'National Day of Mourning (Carter)',
};

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const weekday = (date: string) => new Date(`${date}T00:00:00.000Z`).getUTCDay();

/** The n-th given weekday (0 = Sunday) of a month; n = -1 for the last. */
function nthWeekday(y: number, m: number, day: number, n: number): string {
  if (n > 0) {
    const first = new Date(Date.UTC(y, m - 1, 1)).getUTCDay();
    return iso(y, m, 1 + ((day - first + 7) % 7) + (n - 1) * 7);
  }
  const lastDate = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const last = new Date(Date.UTC(y, m - 1, lastDate)).getUTCDay();
  return iso(y, m, lastDate - ((last - day + 7) % 7));
}

/** Easter Sunday (the anonymous Gregorian algorithm). */
function easter(y: number): string {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(y, month, day);
}

/** A fixed-date holiday moved off a weekend. */
function observed(y: number, m: number, d: number): string {
  const date = iso(y, m, d);
  const w = weekday(date);
  return w === 6 ? iso(y, m, d - 1) : w === 0 ? iso(y, m, d + 1) : date;
}

const holidayCache = new Map<number, Map<string, string>>();

/** The exchange holidays of a year, date to name. */
function holidays(y: number): Map<string, string> {
  let days = holidayCache.get(y);
  if (days) return days;
  days = new Map<string, string>();
  if (weekday(iso(y, 1, 1)) !== 6) days.set(observed(y, 1, 1), "New Year's Day");
  days.set(nthWeekday(y, 1, 1, 3), 'Martin Luther King Jr. Day');
  days.set(nthWeekday(y, 2, 1, 3), "Washington's Birthday");
  const e = easter(y);
  days.set(iso(y, Number(e.slice(5, 7)), Number(e.slice(8)) - 2), 'Good Friday');
  days.set(nthWeekday(y, 5, 1, -1), 'Memorial Day');
  if (y >= 2022) days.set(observed(y, 6, 19), 'Juneteenth');
  days.set(observed(y, 7, 4), 'Independence Day');
  days.set(nthWeekday(y, 9, 1, 1), 'Labor Day');
  days.set(nthWeekday(y, 11, 4, 4), 'Thanksgiving Day');
  days.set(observed(y, 12, 25), 'Christmas Day');
  for (const [date, name] of Object.entries(SPECIAL_CLOSINGS)) if (date.startsWith(String(y))) days.set(date, name);
  holidayCache.set(y, days);
  return days;
}

/** Why the exchange is closed on a weekday, if it is: the holiday's name. */
export function holidayOn(date: string): string | undefined {
  return holidays(Number(date.slice(0, 4))).get(date);
}

/** Whether the exchange trades on `date` (YYYY-MM-DD): a weekday that is no holiday. */
export function isTradingDay(date: string): boolean {
  const w = weekday(date);
  return w !== 0 && w !== 6 && holidayOn(date) === undefined;
}

/** Whether `date` is a trading day that closes at 13:00 New York. */
export function isEarlyClose(date: string): boolean {
  if (!isTradingDay(date)) return false;
  const y = Number(date.slice(0, 4));
  const w = weekday(date);
  const thanksgiving = nthWeekday(y, 11, 4, 4);
  if (date === iso(y, 11, Number(thanksgiving.slice(8)) + 1)) return true;
  return (date === iso(y, 7, 3) || date === iso(y, 12, 24)) && w >= 1 && w <= 4;
}

/** New York's wall-clock date and minute of the day at an instant (the DST switch taken at midnight, not 02:00: no session is near it). */
function newYorkTime(ms: number): { date: string; minute: number } {
  const standard = new Date(ms - 5 * 3_600_000).toISOString().slice(0, 10);
  const local = new Date(ms - (isUsDst(standard) ? 4 : 5) * 3_600_000).toISOString();
  return { date: local.slice(0, 10), minute: Number(local.slice(11, 13)) * 60 + Number(local.slice(14, 16)) };
}

/** Minutes after midnight New York of each session boundary. */
const PRE = 4 * 60;
const OPEN = 9 * 60 + 30;
const CLOSE = 16 * 60;
const EARLY_CLOSE = 13 * 60;
const POST = 20 * 60;
const EARLY_POST = 17 * 60;

/**
 * The state of the US equities market at an instant (epoch ms).
 * @example marketState(Date.parse('2025-12-25T15:00:00Z')) // 'closed' (Christmas)
 */
export function marketState(ms: number): MarketState {
  const { date, minute } = newYorkTime(ms);
  if (!isTradingDay(date)) return 'closed';
  const early = isEarlyClose(date);
  if (minute < PRE) return 'closed';
  if (minute < OPEN) return 'pre';
  if (minute < (early ? EARLY_CLOSE : CLOSE)) return 'open';
  if (minute < (early ? EARLY_POST : POST)) return 'post';
  return 'closed';
}

/** The New York trading date of an instant, or the last trading day before it when that date does not trade. */
export function tradingDateOf(ms: number): string {
  let { date } = newYorkTime(ms);
  while (!isTradingDay(date)) date = new Date(Date.parse(`${date}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
  return date;
}
