// One page of a symbol's logged publications, for the WebSocket `history` request and GET /api/v1/signals/{symbol}.
import type { SignalCore } from '../core/signal-core.js';
import type { LogRecord } from '../log/signal-log.js';
import { ErrorCode } from '../protocol/errors.js';

export interface HistoryQuery {
  since_seq?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit?: number | undefined;
}

export const DEFAULT_HISTORY_LIMIT = 100;
/** A page stops growing past this many bytes (well under a client's buffer cap); `next_seq` asks for the rest. */
const PAGE_BYTES = 256 * 1024;
/** Records read from the log at a time: a page is read in slices, never all its `limit` at once. */
export const SLICE_RECORDS = 32;

export type HistoryResult = { ok: true } | { ok: false; code: ErrorCode; message: string };

export interface PageOutput {
  /** Fields before `symbol` (`"type":"history",` on the WebSocket) and after the last (an `id`). */
  prefix?: string;
  suffix?: string;
  /** Takes the page's JSON piece by piece, in order; may make the read wait (an HTTP response's back-pressure). */
  write(chunk: string): void | Promise<void>;
  /** Pays for a slice of records just written (the read budgets), and yields to live traffic. */
  paid(bytes: number): Promise<void>;
}

const time = (text: string | undefined): number | undefined | null => {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
};

/**
 * Writes the page as JSON to `out`: symbol, epoch, items (the publications as they were sent, in seq order)
 * and, when more follow, next_seq (and missing: ranges the log lost that the items jump over). Read from the log slice by slice, so a page costs what it sends: a
 * `limit` of 1,000 stops reading once 256 KiB are written. Nothing is written when the query is refused.
 */
export async function historyPage(core: SignalCore, symbol: string, query: HistoryQuery, out: PageOutput): Promise<HistoryResult> {
  if (!core.has(symbol)) return { ok: false, code: ErrorCode.UNKNOWN_SYMBOL, message: `unknown symbol ${symbol}` };
  const fromTime = time(query.from);
  const toTime = time(query.to);
  if (fromTime === null || toTime === null)
    return { ok: false, code: ErrorCode.INVALID_MESSAGE, message: 'from and to are ISO dates or times, e.g. 2025-07-08 or 2025-07-08T14:30:00Z' };
  const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
  await out.write(`{${out.prefix ?? ''}"symbol":${JSON.stringify(symbol)},"epoch":${JSON.stringify(core.epoch)},"items":[`);
  // Read only once the budgets are out of debt: a new page is no way around them.
  await out.paid(0);
  let count = 0;
  let bytes = 0;
  let last = 0;
  let more = false;
  for (let after = query.since_seq ?? 0; count < limit;) {
    const want = Math.min(SLICE_RECORDS, limit - count);
    const records: LogRecord[] = await core.history(symbol, {
      afterSeq: after,
      limit: want,
      ...(fromTime !== undefined ? { fromTime } : {}),
      ...(toTime !== undefined ? { toTime } : {}),
    });
    const taken: string[] = [];
    for (const r of records) {
      if (count > 0 && bytes + r.json.length > PAGE_BYTES) {
        more = true;
        break;
      }
      taken.push(r.json);
      bytes += r.json.length;
      count += 1;
      last = r.seq;
    }
    if (taken.length > 0) {
      const slice = taken.join(',');
      await out.write(count > taken.length ? `,${slice}` : slice);
      await out.paid(slice.length);
    }
    if (more || records.length < want) break;
    after = last;
    if (count === limit) more = last < core.head(symbol);
  }
  // The ranges the items jump over, up to the last item (or the log's end on the last page).
  const lost = core.missing(symbol, query.since_seq ?? 0, more ? last : core.head(symbol));
  const missing = lost.length > 0 ? `,"missing":${JSON.stringify(lost)}` : '';
  await out.write(`]${more ? `,"next_seq":${last}` : ''}${missing}${out.suffix ?? ''}}`);
  return { ok: true };
}
