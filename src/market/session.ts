// US equity regular session times in UTC (09:30-16:00 America/New_York), daylight saving from the platform's time zones.

/**
 * New York's daylight-saving days of each year before the build's, as [first day, day after the last], looked up from
 * the same function below by scripts/build.mjs: Intl's first use costs about 18 ms of CPU, a tenth of `analyze`'s
 * whole start. Undefined when the code runs unbuilt (tests), and for later years, whose rules may yet change: then Intl.
 */
declare const NEW_YORK_DST: Readonly<Record<string, readonly [string, string]>> | undefined;
const BUILT = typeof NEW_YORK_DST === 'undefined' ? {} : NEW_YORK_DST;

let newYork: Intl.DateTimeFormat | undefined;
const dstDays = new Map<string, boolean>();

/** Whether the platform's time zones put New York on daylight time at 16:00 UTC of a date (11:00 or 12:00 there, after any switch). */
function platformDst(date: string): boolean {
  let dst = dstDays.get(date);
  if (dst === undefined) {
    newYork ??= new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hourCycle: 'h23', hour: '2-digit' });
    const hour = newYork.formatToParts(Date.parse(`${date}T16:00:00.000Z`)).find((p) => p.type === 'hour')!.value;
    dstDays.set(date, (dst = Number(hour) === 12));
  }
  return dst;
}

/** Whether US daylight saving time is in force on a date (YYYY-MM-DD), by the rules of its year (they changed in 2007). */
export function isUsDst(date: string): boolean {
  const built = BUILT[date.slice(0, 4)];
  return built ? date >= built[0] && date < built[1] : platformDst(date);
}

/**
 * Each year's daylight-saving days by the platform's time zones, for the build to write into the code.
 * @example dstPeriods(2006, 2007) // { '2006': ['2006-04-02', '2006-10-29'], '2007': ['2007-03-11', '2007-11-04'] }
 */
export function dstPeriods(from: number, to: number): Record<string, [string, string]> {
  const periods: Record<string, [string, string]> = {};
  for (let year = from; year <= to; year++) {
    const days: string[] = [];
    for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
    const dst = days.filter(platformDst);
    const first = dst.length === 0 ? days.length : days.indexOf(dst[0]!);
    if (dst.some((d, i) => d !== days[first + i])) throw new Error(`${year}: more than one daylight-saving period in New York`);
    periods[year] = [days[first] ?? `${year + 1}-01-01`, days[first + dst.length] ?? `${year + 1}-01-01`];
  }
  return periods;
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
