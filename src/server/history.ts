// One page of a symbol's logged publications, for the WebSocket `history` request and GET /api/v1/signals/{symbol}.
import type { SignalCore } from '../core/signal-core.js';
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

export type HistoryPage = { ok: true; json: string } | { ok: false; code: ErrorCode; message: string };

const time = (text: string | undefined): number | undefined | null => {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? null : t;
};

/**
 * The page as JSON, its fields after `prefix` (`"type":"history",` on the WebSocket): symbol, epoch,
 * items (the publications as they were sent, in seq order) and, when more follow, next_seq.
 */
export async function historyPage(core: SignalCore, symbol: string, query: HistoryQuery, prefix = '', suffix = ''): Promise<HistoryPage> {
  if (!core.has(symbol)) return { ok: false, code: ErrorCode.UNKNOWN_SYMBOL, message: `unknown symbol ${symbol}` };
  const fromTime = time(query.from);
  const toTime = time(query.to);
  if (fromTime === null || toTime === null)
    return { ok: false, code: ErrorCode.INVALID_MESSAGE, message: 'from and to are ISO dates or times, e.g. 2025-07-08 or 2025-07-08T14:30:00Z' };
  const limit = query.limit ?? DEFAULT_HISTORY_LIMIT;
  const records = await core.history(symbol, {
    afterSeq: query.since_seq ?? 0,
    limit,
    ...(fromTime !== undefined ? { fromTime } : {}),
    ...(toTime !== undefined ? { toTime } : {}),
  });
  const items: string[] = [];
  let bytes = 0;
  let last = 0;
  for (const r of records) {
    if (items.length > 0 && bytes + r.json.length > PAGE_BYTES) break;
    items.push(r.json);
    bytes += r.json.length;
    last = r.seq;
  }
  const more = items.length < records.length || (records.length === limit && last < core.head(symbol));
  const next = more ? `,"next_seq":${last}` : '';
  return {
    ok: true,
    json: `{${prefix}"symbol":${JSON.stringify(symbol)},"epoch":${JSON.stringify(core.epoch)},"items":[${items.join(',')}]${next}${suffix}}`,
  };
}
