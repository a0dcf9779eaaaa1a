// The records a read asks for, from records in seq order: after a seq, within a time range, up to a limit.
import type { ReadOptions } from './signal-log.js';

export const DEFAULT_READ_LIMIT = 1_000;

/** The first index whose seq is above `afterSeq` (records are in seq order). */
function firstAfter<T extends { seq: number }>(records: T[], afterSeq: number): number {
  let lo = 0;
  let hi = records.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.seq <= afterSeq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function selectRecords<T extends { seq: number; time: number }>(records: T[], options: ReadOptions): T[] {
  const limit = options.limit ?? DEFAULT_READ_LIMIT;
  const out: T[] = [];
  for (let i = firstAfter(records, options.afterSeq ?? 0); i < records.length && out.length < limit; i++) {
    const r = records[i]!;
    if (options.toTime !== undefined && r.time >= options.toTime) break;
    if (options.fromTime === undefined || r.time >= options.fromTime) out.push(r);
  }
  return out;
}
