// The dashboard's pure reducer (messages, connection changes, keys) and what it derives: the visible rows, staleness.
import type { ClientState } from '../client/client.js';
import type { ServerMessage } from '../protocol/messages.js';
import { applyMessage } from './messages.js';
import { appendLog, clock, emptyRow, rankList, SORT_KEYS, type DashboardState, type LogEntry, type SortKey, type SymbolRow } from './model.js';

export type { AgentRow, DashboardState, HistoryEntry, LogEntry, SortKey, SymbolRow } from './model.js';

export type DashboardEvent =
  | { kind: 'message'; message: ServerMessage; at?: number }
  | { kind: 'connection'; state: ClientState; at?: number }
  | { kind: 'select'; delta: number }
  /** Moves the selection of the ranked view. */
  | { kind: 'rankSelect'; delta: number }
  /** Selects a symbol of the table (the ranked view's Enter). */
  | { kind: 'focus'; symbol: string }
  | { kind: 'add'; symbol: string }
  | { kind: 'remove'; symbol: string }
  /** To a key, or without one to the next key in SORT_KEYS. */
  | { kind: 'sort'; key?: SortKey }
  | { kind: 'reverse' }
  | { kind: 'filter'; text: string }
  | { kind: 'note'; text: string; level: LogEntry['kind'] };

export function initialState(url: string, symbols: string[]): DashboardState {
  return {
    url,
    connection: { status: 'connecting' },
    failedAttempts: 0,
    rows: symbols.map(emptyRow),
    selected: symbols[0],
    sort: 'watchlist',
    descending: false,
    filter: '',
    log: [],
    alerts: 0,
    agentNames: [],
  };
}

const ACTION_ORDER: Record<string, number> = { BUY: 0, SELL: 1, HOLD: 2, NO_SIGNAL: 3, ERROR: 4 };

/** Each key's natural order, ascending: biggest move, BUY before SELL, highest confidence first; symbols A to Z. */
const SORT_VALUE: Record<SortKey, (r: SymbolRow) => number | string | undefined> = {
  watchlist: () => 0,
  change: (r) => (r.changePercent === undefined ? undefined : -Math.abs(r.changePercent)),
  action: (r) => ACTION_ORDER[r.action ?? ''],
  confidence: (r) => (r.confidence === undefined ? undefined : -r.confidence),
  symbol: (r) => r.symbol,
};

function compare(a: number | string | undefined, b: number | string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  if (typeof a === 'string' || typeof b === 'string') return String(a).localeCompare(String(b));
  return a - b;
}

/** Whether a row passes the filter: a part of its symbol, or its action (`buy`, `no_signal`). */
export function matches(row: SymbolRow, filter: string): boolean {
  const f = filter.trim().toUpperCase();
  return f === '' || row.symbol.includes(f) || row.action === f;
}

/** The rows on screen: filtered, then sorted; rows without the value last either way, ties in watchlist order. */
export function visibleRows(state: DashboardState): SymbolRow[] {
  const value = SORT_VALUE[state.sort];
  const sign = state.descending ? -1 : 1;
  return state.rows
    .filter((r) => matches(r, state.filter))
    .map((row, i) => ({ row, i, v: value(row) }))
    .sort((a, b) => (a.v === undefined || b.v === undefined ? compare(a.v, b.v) : sign * compare(a.v, b.v)) || a.i - b.i)
    .map((x) => x.row);
}

/** Why the rows may be out of date, or undefined while they are live. */
export function staleReason(state: DashboardState): string | undefined {
  if (state.connection.status !== 'open') return 'disconnected';
  // `ended`, `stopped`, and whatever else a feed that is not delivering calls itself (`stalled`, `reconnecting`).
  if (state.feedState !== undefined && state.feedState !== 'running') return `feed ${state.feedState}`;
  if (state.marketState === 'closed') return 'market closed';
  return undefined;
}

function connection(state: DashboardState, s: ClientState, at: number): DashboardState {
  const time = clock(new Date(at).toISOString());
  // Between attempts the client is `connecting`: the count holds until the connection is open again.
  const failed = s.status === 'reconnecting' ? s.attempt - 1 : s.status === 'open' ? 0 : state.failedAttempts;
  let entry: LogEntry | undefined;
  if (s.status === 'open') {
    const again = state.failedAttempts > 0 || state.log.some((e) => e.key === 'reconnect');
    entry = { time, text: again ? `reconnected to ${state.url}` : `connected to ${state.url}`, kind: 'info' };
  } else if (s.status === 'reconnecting') {
    // One line for the whole outage, counting its attempts, not a line per attempt.
    const tries = failed > 0 ? `; ${failed} attempt${failed === 1 ? '' : 's'} failed` : '';
    // Stamped with when the outage began.
    const since = state.log.find((e) => e.key === 'reconnect')?.time ?? time;
    entry = {
      time: since,
      text: `connection lost (${s.reason})${tries}; reconnecting in ${Math.ceil(s.inMs / 1000)}s`,
      kind: 'warning',
      key: 'reconnect',
    };
  } else if (s.status === 'closed') {
    entry = { time, text: `disconnected: ${s.reason}`, kind: 'warning' };
  }
  // The outage's line stays where it is once the connection is back; the next outage starts a new one.
  const log = s.status === 'open' ? state.log.map((e) => (e.key === 'reconnect' ? { ...e, key: undefined } : e)) : state.log;
  return { ...state, connection: s, failedAttempts: failed, log: entry ? appendLog(log, entry) : log };
}

function select(state: DashboardState, delta: number): DashboardState {
  const rows = visibleRows(state);
  if (rows.length === 0) return state;
  const at = rows.findIndex((r) => r.symbol === state.selected);
  const next = rows[at < 0 ? 0 : (at + delta + rows.length) % rows.length]!.symbol;
  return { ...state, selected: next, rows: state.rows.map((r) => (r.symbol === next && r.unseen ? { ...r, unseen: false } : r)) };
}

/** After a change to the rows, sort or filter: keep the selection on a visible row. */
function keepSelection(state: DashboardState): DashboardState {
  const rows = visibleRows(state);
  if (rows.some((r) => r.symbol === state.selected)) return state;
  return { ...state, selected: rows[0]?.symbol };
}

/** Applies one event; returns the same object when nothing changed. */
export function reduce(state: DashboardState, event: DashboardEvent): DashboardState {
  switch (event.kind) {
    case 'connection':
      return connection(state, event.state, event.at ?? Date.now());
    case 'select':
      return select(state, event.delta);
    case 'rankSelect': {
      const list = rankList(state.ranking);
      if (list.length === 0) return state;
      const at = list.findIndex((r) => r.symbol === state.rankSelected);
      return { ...state, rankSelected: list[at < 0 ? 0 : (at + event.delta + list.length) % list.length]!.symbol };
    }
    case 'focus':
      // Out of any filter that would hide it.
      return state.rows.some((r) => r.symbol === event.symbol) ? { ...state, selected: event.symbol, filter: '' } : state;
    case 'add':
      if (state.rows.some((r) => r.symbol === event.symbol)) return state;
      return { ...state, rows: [...state.rows, emptyRow(event.symbol)], selected: event.symbol, filter: '' };
    case 'remove': {
      const at = visibleRows(state).findIndex((r) => r.symbol === event.symbol);
      const next = { ...state, rows: state.rows.filter((r) => r.symbol !== event.symbol) };
      const rows = visibleRows(next);
      const selected = state.selected === event.symbol ? rows[Math.min(at, rows.length - 1)]?.symbol : state.selected;
      const time = clock(new Date().toISOString());
      return { ...next, selected, log: appendLog(state.log, { time, text: `removed ${event.symbol}`, kind: 'info' }) };
    }
    case 'sort':
      return { ...state, sort: event.key ?? SORT_KEYS[(SORT_KEYS.indexOf(state.sort) + 1) % SORT_KEYS.length]!, descending: false };
    case 'reverse':
      return { ...state, descending: !state.descending };
    case 'filter':
      return keepSelection({ ...state, filter: event.text });
    case 'note':
      return { ...state, log: appendLog(state.log, { time: clock(new Date().toISOString()), text: event.text, kind: event.level }) };
    case 'message':
      return applyMessage(state, event.message, event.at ?? Date.now());
  }
}
