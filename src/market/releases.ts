// The macro release calendar: when an observation was actually first released, where that is known and the usual
// schedule (the rules in publication.ts) would put it too early or needlessly late.
import type { MacroSeries } from './types.js';

/** One first release: the observation of `series` dated `period` (FRED's date) became public on `day` at 08:30 New York. */
export interface Release {
  series: MacroSeries;
  period: string;
  day: string;
  /** Why the day departs from the usual schedule, when it does. */
  note: string;
}

/**
 * Sources: the agencies' release archives, which date every release (BLS Employment Situation,
 * https://www.bls.gov/bls/news-release/empsit.htm; BLS CPI, https://www.bls.gov/bls/news-release/cpi.htm; BEA GDP,
 * https://www.bea.gov/news/archive), and the first vintage of each observation in ALFRED
 * (https://alfred.stlouisfed.org/series?seid=UNRATE, ...=CPIAUCSL, ...=GDPC1), whose `realtime_start` is the day of
 * first release. The list holds the days that broke the usual schedule: the federal shutdowns of October 2013,
 * December 2018 to January 2019 (BEA only) and October to November 2025, and Employment Situation reports that came
 * later than the first Friday of the month.
 */
export const RELEASES: readonly Release[] = [
  { series: 'UNRATE', period: '2013-09-01', day: '2013-10-22', note: 'shutdown of October 2013' },
  { series: 'UNRATE', period: '2013-10-01', day: '2013-11-08', note: 'shutdown of October 2013' },
  { series: 'UNRATE', period: '2019-12-01', day: '2020-01-10', note: 'second Friday of January' },
  { series: 'UNRATE', period: '2023-02-01', day: '2023-03-10', note: 'second Friday of March' },
  { series: 'UNRATE', period: '2024-12-01', day: '2025-01-10', note: 'second Friday of January' },
  { series: 'UNRATE', period: '2025-09-01', day: '2025-11-20', note: 'shutdown of October to November 2025' },
  { series: 'UNRATE', period: '2025-11-01', day: '2025-12-16', note: 'shutdown of October to November 2025' },
  { series: 'CPIAUCSL', period: '2013-09-01', day: '2013-10-30', note: 'shutdown of October 2013' },
  { series: 'CPIAUCSL', period: '2013-10-01', day: '2013-11-20', note: 'shutdown of October 2013' },
  { series: 'CPIAUCSL', period: '2025-09-01', day: '2025-10-24', note: 'shutdown of October to November 2025' },
  { series: 'CPIAUCSL', period: '2025-11-01', day: '2025-12-18', note: 'shutdown of October to November 2025' },
  { series: 'GDPC1', period: '2013-07-01', day: '2013-11-07', note: 'shutdown of October 2013' },
  { series: 'GDPC1', period: '2018-10-01', day: '2019-02-28', note: 'shutdown of December 2018 to January 2019' },
  { series: 'GDPC1', period: '2025-07-01', day: '2025-12-23', note: 'shutdown of October to November 2025' },
];
