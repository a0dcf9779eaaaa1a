// The rows of `signals history`: one flat row per logged publication, as a table for people and CSV for spreadsheets.
import type { DecisionUpdate, SignalUpdate } from '../protocol/messages.js';

export type Publication = SignalUpdate | DecisionUpdate;

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
 * analysed is more than a day older than when it was logged (a replay), a last line says so.
 * @example table([row]) // "SYMBOL  MARKET TIME           LOGGED                SEQ  ACTION  CONF  PRICE  TRIGGER  REASON\nAAPL  …"
 */
export function table(rows: HistoryRow[]): string {
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
  return [...[header, ...cells].map((c) => `${line(c)}\n`), ...replay].join('');
}

const DAY_MS = 86_400_000;
