// US equity regular session times in UTC (09:30-16:00 America/New_York, daylight saving aware).

/** The n-th Sunday (1-based) of a month, as a day of the month. */
function nthSunday(year: number, month: number, n: number): number {
  const first = new Date(Date.UTC(year, month, 1)).getUTCDay();
  return 1 + ((7 - first) % 7) + (n - 1) * 7;
}

/** Whether US daylight saving time is in force on a date (second Sunday of March to first Sunday of November). */
export function isUsDst(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const start = Date.UTC(y, 2, nthSunday(y, 2, 2));
  const end = Date.UTC(y, 10, nthSunday(y, 10, 1));
  const t = Date.UTC(y, m - 1, d);
  return t >= start && t < end;
}

export const SESSION_MINUTES = 390;

/** Epoch ms of the session open (09:30 New York) on a trading date. */
export function sessionOpen(date: string): number {
  return Date.parse(`${date}T${isUsDst(date) ? '13' : '14'}:30:00.000Z`);
}

/** Minutes since 09:30 New York of a "YYYY-MM-DD HH:MM" New York wall-clock time. */
export function minuteOfSession(time: string): number {
  const h = Number(time.slice(11, 13));
  const m = Number(time.slice(14, 16));
  return (h - 9) * 60 + (m - 30);
}
