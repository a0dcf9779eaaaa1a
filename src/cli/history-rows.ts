// The rows of `signals history`: one flat row per logged publication, as a table for people and CSV for spreadsheets.
import type { DecisionUpdate, SeqRange, SignalUpdate } from '../protocol/messages.js';

export type Publication = SignalUpdate | DecisionUpdate;

/** Seqs of a symbol the signal log lost (a removed or damaged segment), as history pages mark them. */
export type Missing = SeqRange & { symbol: string };

const seqsOf = (m: SeqRange) => (m.from === m.to ? `seq ${m.from}` : `seqs ${m.from}-${m.to}`);
const LOST = 'the signal log lost them (a removed or damaged segment)';

/** @example missingLine({ symbol: 'KO', from: 1001, to: 2000 }) // "KO: seqs 1001-2000 missing: the signal log lost them (…)" */
export function missingLine(m: Missing): string {
  return `${m.symbol}: ${seqsOf(m)} missing: ${LOST}`;
}

/** One publication in a flat shape: the same fields whether it was a signal or a decision (null where it has none). */
export interface HistoryRow {
  symbol: string;
  seq: number | null;
  epoch: string | null;
  /** When the analysis ran (ISO time), about when it was logged. */
  time: string;
  as_of: string | null;
  /** BUY, SELL, HOLD, NO_SIGNAL or ERROR. */
  action: string;
  confidence: number | null;
  price: number | null;
  trigger: string | null;
  /** The consensus line, why there was no signal, or the error. */
  reason: string;
}

export function toRow(p: Publication): HistoryRow {
  const d = p.data;
  const common = {
    symbol: d.symbol,
    seq: d.seq ?? null,
    epoch: d.epoch ?? null,
    time: d.timestamp,
    as_of: d.as_of ?? null,
    trigger: d.trigger ?? null,
  };
  if (p.type === 'signal_update') {
    const s = p.data;
    return { ...common, action: s.action, confidence: s.confidence, price: s.price, reason: s.metadata.reasoning[0] ?? '' };
  }
  const decision = p.data.decision;
  const reason = decision.action === 'NO_SIGNAL' ? decision.reason : decision.error;
  return { ...common, action: decision.action, confidence: null, price: p.data.price ?? null, reason };
}

const COLUMNS = ['symbol', 'seq', 'epoch', 'time', 'as_of', 'action', 'confidence', 'price', 'trigger', 'reason'] as const;

/** A CSV field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break, quotes doubled. */
function field(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with a header row, lines ending in CRLF as RFC 4180 has them. */
export function csv(rows: HistoryRow[]): string {
  return [COLUMNS.join(','), ...rows.map((r) => COLUMNS.map((c) => field(r[c])).join(','))].map((line) => `${line}\r\n`).join('');
}

/** `2026-01-05T12:34:07.123Z` as `2026-01-05 12:34:07Z`. */
const shortTime = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;

/**
 * The table: one line per publication, columns padded to their widest value, the reason last and whole. MARKET TIME is
 * the time of the market data the analysis saw (`as_of`): for a replay of July 2025 that is July 2025, not the day it
 * was replayed. LOGGED is when the analysis ran, on the server's clock (what --from and --to select by). When the data
 * analysed is more than a day older than when it was logged (a replay), a last line says so. Seqs the log lost
 * (`missing`) get a line of their own where they would have been.
 * @example table([row]) // "SYMBOL  MARKET TIME           LOGGED                SEQ  ACTION  CONF  PRICE  TRIGGER  REASON\nAAPL  …"
 */
export function table(rows: HistoryRow[], missing: Missing[] = []): string {
  const cells = rows.map((r) => [
    r.symbol,
    r.as_of === null ? '-' : shortTime(r.as_of),
    shortTime(r.time),
    r.seq === null ? '' : String(r.seq),
    r.action,
    r.confidence === null ? '' : r.confidence.toFixed(2),
    r.price === null ? '' : r.price.toFixed(2),
    r.trigger ?? '',
    r.reason,
  ]);
  const header = ['SYMBOL', 'MARKET TIME', 'LOGGED', 'SEQ', 'ACTION', 'CONF', 'PRICE', 'TRIGGER', 'REASON'];
  /** Numbers are right-aligned. */
  const numeric = new Set([3, 5, 6]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((text, i) => (i === c.length - 1 ? text : numeric.has(i) ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lagDays = Math.max(0, ...rows.map((r) => (r.as_of === null ? 0 : (Date.parse(r.time) - Date.parse(r.as_of)) / DAY_MS)));
  const replay =
    lagDays > 1
      ? [`replay: MARKET TIME up to ${Math.round(lagDays)} days before LOGGED (past market data replayed, not the market of the day logged)\n`]
      : [];
  const gap = (m: Missing) => `${m.symbol.padEnd(widths[0]!)}  ${seqsOf(m)} missing: ${LOST}\n`;
  const pending = [...missing];
  /** The gaps of `symbol` before `seq` (all of them when undefined), taken from `pending`. */
  const gapsBefore = (symbol: string, seq: number | undefined) => {
    const due = pending.filter((m) => m.symbol === symbol && (seq === undefined || m.to < seq));
    for (const m of due) pending.splice(pending.indexOf(m), 1);
    return due.map(gap);
  };
  const body = cells.flatMap((c, i) => {
    const r = rows[i]!;
    const last = rows[i + 1]?.symbol !== r.symbol;
    return [...gapsBefore(r.symbol, r.seq ?? 0), `${line(c)}\n`, ...(last ? gapsBefore(r.symbol, undefined) : [])];
  });
  return [`${line(header)}\n`, ...body, ...pending.map(gap), ...replay].join('');
}

const DAY_MS = 86_400_000;
