// The dashboard's data: one row per watched symbol, the event log, and what the server said about its feed and market.
import type { ClientState } from '../client/client.js';
import type { EvidenceData, RegimeData, TrackRecord } from '../protocol/messages.js';
import type { RankRow } from '../protocol/rank.js';

type IndicatorValue = number | string | boolean | null;

export interface AgentRow {
  id: string;
  name: string;
  /** BUY/SELL/HOLD, ABSTAINED, FAILED, or WORKING while the agent runs. */
  signal: string;
  confidence: number;
  reasons: string[];
  /** From the agent's own update; a snapshot's consensus carries reasons only. */
  indicators?: Record<string, IndicatorValue>;
  /** The agent's record before the as-of time, when the server sends it. */
  evidence?: EvidenceData;
}

/** One logged publication of a symbol, as the detail view lists it. */
export interface HistoryEntry {
  seq: number;
  time: string;
  action: string;
  confidence?: number;
  strength?: string;
  trigger?: string;
}

export interface SymbolRow {
  symbol: string;
  price?: number;
  changePercent?: number;
  prices: number[];
  action?: string;
  confidence?: number;
  strength?: string;
  trigger?: string;
  signalTime?: string;
  seq?: number;
  analysisId?: string;
  agents: AgentRow[];
  target?: number;
  stop?: number;
  /** The consensus's own reasons and indicators (signal metadata). */
  reasoning?: string[];
  indicators?: Record<string, IndicatorValue>;
  /** Why the last analysis published no signal, or why it failed. */
  noSignalReason?: string;
  /** The consensus's and each agent's past calls on the symbol, when the server sends them. */
  trackRecord?: TrackRecord;
  /** The consensus's record before the as-of time and its verdict (the evidence consensus only). */
  evidence?: EvidenceData;
  /** The market regime at the publication's as-of time. */
  regime?: RegimeData;
  /** Wall-clock ms of the last message about this symbol: how old the row is. */
  updatedAt?: number;
  /** Turned BUY or SELL since it was last selected. */
  unseen?: boolean;
  /** The server's recent publications, newest last; undefined until asked for. */
  history?: HistoryEntry[];
}

/** The universe's ranking the server sent last (`rank`): the top and bottom RANK_TOP rows, and the watched symbols'. */
export interface Ranking {
  universe: string;
  /** The trading day ranked, as of its close. */
  barDate: string;
  /** Members ranked that day (the rows hold only some of them). */
  ranked: number;
  rows: RankRow[];
}

/** Rows of the ranked view from each end: the top and the bottom this many by the consensus. */
export const RANK_TOP = 10;

export interface LogEntry {
  time: string;
  text: string;
  kind: 'info' | 'signal' | 'warning' | 'error';
  /** Entries with a key are updated in place (e.g. the reconnect line counts its attempts). */
  key?: string;
}

export interface Alert {
  time: string;
  symbol: string;
  action: 'BUY' | 'SELL';
  text: string;
}

export const SORT_KEYS = ['watchlist', 'change', 'action', 'confidence', 'symbol'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface DashboardState {
  url: string;
  connection: ClientState;
  /** Reconnect attempts that failed since the connection was lost. */
  failedAttempts: number;
  /** From the server's status: `running`, `ended`, `stopped`. */
  feedState?: string;
  /** The server's feed: `replay`, or a live provider (`yahoo`, `alpaca`). */
  feed?: string;
  /** What a replay plays, in words (`bundled data`), when the server says. */
  feedSource?: string;
  /** From the server's status when it sends one: `open`, `closed`, `pre`, `post`. */
  marketState?: string;
  marketTime?: string;
  lastUpdate?: string;
  rows: SymbolRow[];
  /** The selected symbol (selection follows the symbol through sorting and filtering). */
  selected?: string;
  sort: SortKey;
  descending: boolean;
  filter: string;
  log: LogEntry[];
  alert?: Alert;
  /** Counts alerts: each increase rings the bell when asked to. */
  alerts: number;
  agentNames: { id: string; name: string }[];
  /** The market regime of the latest signal or decision that carried one. */
  regime?: RegimeData;
  /** The server's universe (its welcome says): `bundled` or `sp500`; undefined for a server that does not say. */
  universe?: string;
  /** The latest ranking of the universe, once the server has sent one. */
  ranking?: Ranking;
  /** The symbol selected in the ranked view. */
  rankSelected?: string;
}

const LOG_LINES = 50;
/** Publications the detail view asks the server for. */
export const RECENT_SIGNALS = 10;

export const clock = (iso: string) => iso.slice(11, 19);

export function emptyRow(symbol: string): SymbolRow {
  return { symbol, prices: [], agents: [] };
}

/** Appends a log entry; one with a key replaces the last entry with that key, moved to the end. */
export function appendLog(log: LogEntry[], entry: LogEntry): LogEntry[] {
  const kept = entry.key === undefined ? log : log.filter((e) => e.key !== entry.key);
  return [...kept, entry].slice(-LOG_LINES);
}

/** The ranked view's rows: the top and the bottom RANK_TOP of the ranking, best first. */
export function rankList(ranking: Ranking | undefined): RankRow[] {
  if (!ranking) return [];
  return ranking.rows.filter((r) => r.rank <= RANK_TOP || r.rank > ranking.ranked - RANK_TOP);
}

export function updateRow(rows: SymbolRow[], symbol: string, change: (row: SymbolRow) => SymbolRow): SymbolRow[] {
  return rows.map((r) => (r.symbol === symbol ? change(r) : r));
}
