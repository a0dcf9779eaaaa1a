// The page's data, apart from the DOM: one row per watched symbol, each symbol's publications and quotes, the feed's state; pure functions of messages and time.
import type { DailyBar } from '../protocol/bars.js';
import type { DecisionUpdate, ServerMessage, SignalUpdate } from '../protocol/messages.js';

export type Publication = SignalUpdate | DecisionUpdate;
type FeedData = Extract<ServerMessage, { type: 'feed_status' }>['data'];

/** One minute of a symbol's quotes, in market time. */
export interface Minute {
  /** Seconds since the epoch, at the start of the minute. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface Row {
  symbol: string;
  price?: number;
  changePercent?: number;
  /** Market time of the last quote (ms). */
  quotedAt?: number;
  /** Wall-clock time the last quote arrived (ms). */
  receivedAt?: number;
  latest?: Publication;
}

export interface SymbolData {
  /** Publications by seq, from the HTTP history and live. */
  publications: Map<number, Publication>;
  epoch?: string;
  /** Quotes by minute, oldest first; a replay that starts again (time going back) starts them again. */
  minutes: Minute[];
  /** The newest seq of the symbol's log when this connection subscribed: where the history page ends. */
  head?: number;
  /** The history page has been read (once per symbol and log: live updates and recovery keep it current afterwards). */
  historyLoaded: boolean;
  /** The symbol's daily bars from the server's market history, read when the symbol is selected; the quotes carry them on. */
  bars?: DailyBar[];
}

/** The connection as the page shows it. */
export type LinkState =
  { status: 'connecting' } | { status: 'open' } | { status: 'reconnecting'; at: number; reason: string } | { status: 'refused'; reason: string };

export interface Model {
  link: LinkState;
  /** Wall-clock time of the last message: a connection quiet for long is shown as stale. */
  lastMessageAt?: number;
  feed?: FeedData;
  agents: { id: string; name: string }[];
  /** Every symbol the server knows (its `connected` message). */
  symbols: string[];
  rows: Row[];
  data: Map<string, SymbolData>;
  selected?: string;
  filter: string;
  /** Things the person should know, newest last (a publication that could not be recovered); the last few. */
  notices: string[];
}

/** Minutes of observed prices kept per symbol: about 50 replayed days, or 50 live sessions. */
const MAX_MINUTES = 20_000;
/** A quote this far before the newest one is a replay that started again, not a late quote. */
const RESTART_MS = 5 * 60_000;
/** Rows shown when the server watches no symbol. */
const DEFAULT_ROWS = 10;
/** Server heartbeats come every 30 s: a connection silent for two of them is stale. */
export const STALE_MS = 65_000;

export function emptyModel(): Model {
  return { link: { status: 'connecting' }, agents: [], symbols: [], rows: [], data: new Map(), filter: '', notices: [] };
}

const NOTICES = 5;

/** Adds something the person should know; only the last few are kept. */
export function notify(model: Model, text: string): void {
  model.notices = [...model.notices, text].slice(-NOTICES);
}

export function symbolData(model: Model, symbol: string): SymbolData {
  let data = model.data.get(symbol);
  if (!data) model.data.set(symbol, (data = { publications: new Map(), minutes: [], historyLoaded: false }));
  return data;
}

/**
 * Adds a quote at market time `ms` to the symbol's minutes. Quotes come in time order; one well before the newest
 * is a replay that started again (at its end, or a restarted server), and starts the minutes again.
 */
export function observe(data: SymbolData, ms: number, price: number): void {
  const time = Math.floor(ms / 60_000) * 60;
  const minutes = data.minutes;
  let last = minutes[minutes.length - 1];
  if (last && ms < last.time * 1000 - RESTART_MS) {
    minutes.length = 0;
    last = undefined;
  }
  if (last && time <= last.time) {
    last.high = Math.max(last.high, price);
    last.low = Math.min(last.low, price);
    last.close = price;
    return;
  }
  minutes.push({ time, open: price, high: price, low: price, close: price });
  if (minutes.length > MAX_MINUTES) minutes.splice(0, minutes.length - MAX_MINUTES);
}

/** The market time a publication speaks for: its as-of time, else when it was made. */
export const publicationTime = (p: Publication): number => Date.parse(p.data.as_of ?? p.data.timestamp);
/** BUY, SELL, HOLD, NO_SIGNAL or ERROR. */
export const actionOf = (p: Publication): string => (p.type === 'signal_update' ? p.data.action : p.data.decision.action);

/**
 * Takes a publication (live, recovered or from the history page); a repeat of a seq it has is ignored, except that
 * a snapshot may make a row's latest. The symbol's row shows the newest by seq.
 */
export function publish(model: Model, p: Publication): void {
  const data = symbolData(model, p.data.symbol);
  const seq = p.data.seq;
  if (seq !== undefined) {
    if (p.data.epoch !== undefined && data.epoch !== undefined && p.data.epoch !== data.epoch) {
      // Another log: what this page holds numbers publications of the old one.
      data.publications.clear();
    }
    if (p.data.epoch !== undefined) data.epoch = p.data.epoch;
    if (!data.publications.has(seq)) data.publications.set(seq, p);
  }
  const row = model.rows.find((r) => r.symbol === p.data.symbol);
  const latest = row?.latest?.data;
  // A seq of another log says nothing about order: the newest log's publication is the latest.
  if (row && (latest?.seq === undefined || seq === undefined || seq >= latest.seq || p.data.epoch !== latest.epoch)) row.latest = p;
}

/** The publications of a symbol in seq order. */
export function publications(data: SymbolData): Publication[] {
  return [...data.publications.entries()].sort((a, b) => a[0] - b[0]).map(([, p]) => p);
}

/**
 * The seqs the page holds for a symbol, as a first and last and the ranges missing in between: what recovery must keep
 * whole across reconnects.
 * @example coverage(data) // { first: 12, last: 40, gaps: [] }
 */
export function coverage(data: SymbolData): { first: number; last: number; gaps: { from: number; to: number }[] } | undefined {
  const seqs = [...data.publications.keys()].sort((a, b) => a - b);
  if (seqs.length === 0) return undefined;
  const gaps: { from: number; to: number }[] = [];
  for (let i = 1; i < seqs.length; i++) if (seqs[i]! > seqs[i - 1]! + 1) gaps.push({ from: seqs[i - 1]! + 1, to: seqs[i]! - 1 });
  return { first: seqs[0]!, last: seqs[seqs.length - 1]!, gaps };
}

/** Applies one server message (validated by the protocol's schema) at wall-clock time `now`. */
export function receive(model: Model, message: ServerMessage, now: number): void {
  model.lastMessageAt = now;
  switch (message.type) {
    case 'connected':
      model.agents = message.agents;
      model.symbols = message.symbols;
      // The server may be another, or restarted at another market time: the bars are read again when drawn.
      for (const data of model.data.values()) delete data.bars;
      break;
    case 'status_update': {
      // The symbols the server watches; a server that watches none offers its first few.
      const raw = message.data.watched_symbols;
      const watched = Array.isArray(raw) ? raw.filter((s): s is string => typeof s === 'string') : [];
      if (model.rows.length === 0) setWatchlist(model, watched.length > 0 ? watched : model.symbols.slice(0, DEFAULT_ROWS));
      break;
    }
    case 'subscribed': {
      const data = symbolData(model, message.symbol);
      if (message.epoch !== undefined && data.epoch !== undefined && message.epoch !== data.epoch) {
        // Another log (a server restarted on a lost tail, or on another state dir): what the page holds numbers
        // publications of the old one. Its history is read again, from this log's head.
        data.publications.clear();
        data.epoch = message.epoch;
        data.historyLoaded = false;
        data.head = undefined;
      }
      if (message.seq !== undefined && data.head === undefined) data.head = message.seq;
      break;
    }
    case 'feed_status':
      model.feed = message.data;
      break;
    case 'price_update': {
      const { symbol, price, timestamp, change_percent } = message.data;
      const row = model.rows.find((r) => r.symbol === symbol);
      if (row) {
        row.price = price;
        if (change_percent !== undefined) row.changePercent = change_percent;
        row.quotedAt = Date.parse(timestamp);
        row.receivedAt = now;
      }
      observe(symbolData(model, symbol), Date.parse(timestamp), price);
      break;
    }
    case 'signal_update':
    case 'decision_update':
      publish(model, message);
      break;
    default:
      break;
  }
}

/** Sets the rows (kept in the order given); the selection stays if its symbol does, else moves to the first row. */
function setWatchlist(model: Model, symbols: string[]): void {
  const old = new Map(model.rows.map((r) => [r.symbol, r]));
  model.rows = [...new Set(symbols)].map((s) => old.get(s) ?? { symbol: s });
  if (!model.rows.some((r) => r.symbol === model.selected)) model.selected = model.rows[0]?.symbol;
}

/** The rows the filter lets through: symbols that contain its text, whatever the case. */
export function visibleRows(model: Model): Row[] {
  const f = model.filter.trim().toUpperCase();
  return f === '' ? model.rows : model.rows.filter((r) => r.symbol.includes(f));
}

/** Moves the selection `step` rows within the visible ones (clamped at the ends); returns whether it moved. */
export function moveSelection(model: Model, step: number): boolean {
  const rows = visibleRows(model);
  if (rows.length === 0) return false;
  const at = rows.findIndex((r) => r.symbol === model.selected);
  const next = rows[at < 0 ? 0 : Math.max(0, Math.min(rows.length - 1, at + step))]!.symbol;
  if (next === model.selected) return false;
  model.selected = next;
  return true;
}

/** Whether the data on screen is current: connected, not stale, the feed running and the market open. */
export function isLive(model: Model, now: number): boolean {
  return (
    model.link.status === 'open' &&
    model.lastMessageAt !== undefined &&
    now - model.lastMessageAt < STALE_MS &&
    model.feed?.feed_state === 'running' &&
    model.feed.market_state === 'open'
  );
}

/** The market clock as far as the page knows it: the newest of the feed's time and every quote's. */
export function marketNow(model: Model): number | undefined {
  const times = model.rows.flatMap((r) => (r.quotedAt === undefined ? [] : [r.quotedAt]));
  if (model.feed) times.push(Date.parse(model.feed.market_time));
  return times.length > 0 ? Math.max(...times) : undefined;
}

/**
 * How old a row's quote is when the page is not live, in ms: by the market clock while connected (a closed market's
 * last price), by the wall clock since it arrived while not. Undefined when live or never quoted.
 */
export function quoteAge(model: Model, row: Row, now: number): number | undefined {
  if (row.quotedAt === undefined || row.receivedAt === undefined || isLive(model, now)) return undefined;
  if (model.link.status !== 'open' || model.lastMessageAt === undefined || now - model.lastMessageAt >= STALE_MS) return now - row.receivedAt;
  const market = marketNow(model);
  return market === undefined ? undefined : Math.max(0, market - row.quotedAt);
}
