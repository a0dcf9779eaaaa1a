// How old a source's daily data is by the wall clock: its last bar against the last trading session that has closed.
import { isTradingDay } from './calendar.js';
import type { DataSource } from '../protocol/data-source.js';
import { closeOf } from './publication.js';

const DAY_MS = 86_400_000;

const dayBefore = (date: string) => new Date(Date.parse(`${date}T00:00:00.000Z`) - DAY_MS).toISOString().slice(0, 10);

/**
 * The last trading day whose session had closed at `now` (epoch ms): today once its bar counts (closeOf), else the
 * trading day before.
 * @example lastClosedSession(Date.parse('2025-10-11T12:00:00Z')) // '2025-10-10' (a Saturday: Friday's session)
 */
export function lastClosedSession(now: number): string {
  let day = new Date(now).toISOString().slice(0, 10);
  if (Date.parse(closeOf(day)) > now) day = dayBefore(day);
  while (!isTradingDay(day)) day = dayBefore(day);
  return day;
}

export interface DataAge {
  /** The source's last daily bar, YYYY-MM-DD. */
  lastDay: string;
  /** Calendar days from the last bar to the wall clock's date. */
  ageDays: number;
  /** A session has closed since the last bar: the data is not today's. */
  stale: boolean;
}

/** How old data whose last daily bar is `lastDay` is at `now`. */
export function dataAge(lastDay: string, now: number): DataAge {
  const today = new Date(now).toISOString().slice(0, 10);
  const ageDays = Math.max(0, Math.round((Date.parse(`${today}T00:00:00.000Z`) - Date.parse(`${lastDay}T00:00:00.000Z`)) / DAY_MS));
  return { lastDay, ageDays, stale: lastDay < lastClosedSession(now) };
}

/** A source's data at the wall clock `now` (epoch ms), for the `data_source` field. */
export function dataSourceOf(source: DataSource['source'], lastDay: string, now: number): DataSource {
  const age = dataAge(lastDay, now);
  return { source, last_day: lastDay, age_days: age.ageDays, stale: age.stale };
}

/** An age in days for a person: `3 days`, `5 months`, `2 years`. */
export function ageText(days: number): string {
  const unit = (n: number, name: string) => `${n} ${name}${n === 1 ? '' : 's'}`;
  if (days < 60) return unit(days, 'day');
  if (days < 730) return unit(Math.round(days / 30.44), 'month');
  return unit(Math.round(days / 365.25), 'year');
}
