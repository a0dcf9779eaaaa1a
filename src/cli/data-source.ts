// Where an analysis's prices come from and how old they are: the JSON field of `analyze`, and the line tables print under their title.
import { ageText, lastClosedSession } from '../market/data-age.js';
import type { DataSource } from '../protocol/data-source.js';

const LIVE = new Set<DataSource['source']>(['yahoo', 'alpaca']);
const NAMES: Record<DataSource['source'], string> = { bundled: 'bundled', 'data-dir': '--data-dir files', yahoo: 'Yahoo', alpaca: 'Alpaca' };

/**
 * Whether the prices of `barDate` differ from those traded that day: they are split- and dividend-adjusted as of the
 * source's last day (a live provider's: today), so every earlier day may carry a later split or dividend.
 */
export function adjustedDiffers(ds: DataSource, barDate: string, now: number): boolean {
  return barDate < (LIVE.has(ds.source) ? lastClosedSession(now) : ds.last_day);
}

export interface NoteOptions {
  /** The bar the prices are of. */
  barDate: string;
  /** A day was asked for (--as-of): the data is old on purpose, so no hint. */
  requested: boolean;
  /** The wall clock, epoch ms. */
  now: number;
  /** How to get today's data instead, when it is stale (`--provider yahoo`). */
  hint: string;
}

/**
 * The line a table prints under its title whenever its data is not live today: the source, its last day and age, how
 * to get today's data, and that past prices are adjusted; undefined for a live provider's data of today.
 * @example dataNote(ds, { barDate: '2025-10-08', requested: false, now, hint: '--provider yahoo' })
 * // "data: bundled, last day 2025-10-08 (14 months old); today's: --provider yahoo"
 */
export function dataNote(ds: DataSource, { barDate, requested, now, hint }: NoteOptions): string | undefined {
  const live = LIVE.has(ds.source);
  const adjusted = adjustedDiffers(ds, barDate, now);
  if (live && !ds.stale && !adjusted) return undefined;
  const parts = [`data: ${NAMES[ds.source]}${live ? '' : `, last day ${ds.last_day}${ds.stale ? ` (${ageText(ds.age_days)} old)` : ''}`}`];
  if (!live && ds.stale && !requested) parts.push(`today's: ${hint}`);
  if (adjusted) parts.push(`prices adjusted for later splits and dividends, not as traded on ${barDate}`);
  return parts.join('; ');
}
