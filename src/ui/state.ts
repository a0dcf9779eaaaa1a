// The dashboard's state and a pure reducer from protocol messages and connection events to it.
import type { ClientState } from '../client/client.js';
import type { ServerMessage } from '../protocol/messages.js';

export interface AgentRow {
  id: string;
  name: string;
  /** BUY/SELL/HOLD, ABSTAINED, FAILED, or WORKING while the agent runs. */
  signal: string;
  confidence: number;
  reason: string;
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
}

export interface LogEntry {
  time: string;
  text: string;
  kind: 'info' | 'signal' | 'warning' | 'error';
}

export interface DashboardState {
  url: string;
  connection: ClientState;
  marketTime?: string;
  lastUpdate?: string;
  /** The server's market feed and the market, from `feed_status`: a stalled or ended feed is shown, not a frozen clock. */
  feed?: { name: string; state: string; market: string };
  rows: SymbolRow[];
  selected: number;
  log: LogEntry[];
  agentNames: { id: string; name: string }[];
}

export type DashboardEvent =
  | { kind: 'message'; message: ServerMessage }
  | { kind: 'connection'; state: ClientState }
  | { kind: 'select'; delta: number }
  | { kind: 'add'; symbol: string }
  | { kind: 'remove'; symbol: string }
  | { kind: 'note'; text: string; level: LogEntry['kind'] };

const SPARK_POINTS = 40;
const LOG_LINES = 50;

export function initialState(url: string, symbols: string[]): DashboardState {
  return { url, connection: { status: 'connecting' }, rows: symbols.map(emptyRow), selected: 0, log: [], agentNames: [] };
}

function emptyRow(symbol: string): SymbolRow {
  return { symbol, prices: [], agents: [] };
}

const clock = (iso: string) => iso.slice(11, 19);

function log(state: DashboardState, text: string, kind: LogEntry['kind'], time = new Date().toISOString()): LogEntry[] {
  return [...state.log, { time: clock(time), text, kind }].slice(-LOG_LINES);
}

function updateRow(state: DashboardState, symbol: string, change: (row: SymbolRow) => SymbolRow): SymbolRow[] {
  return state.rows.map((r) => (r.symbol === symbol ? change(r) : r));
}

/** Applies one event; returns the same object when nothing changed. */
export function reduce(state: DashboardState, event: DashboardEvent): DashboardState {
  switch (event.kind) {
    case 'connection': {
      const s = event.state;
      const text =
        s.status === 'open'
          ? `connected to ${state.url}`
          : s.status === 'reconnecting'
            ? `connection lost (${s.reason}); reconnecting in ${Math.ceil(s.inMs / 1000)}s`
            : s.status === 'closed'
              ? `disconnected: ${s.reason}`
              : undefined;
      return { ...state, connection: s, log: text ? log(state, text, s.status === 'open' ? 'info' : 'warning') : state.log };
    }
    case 'select': {
      const n = state.rows.length;
      return n === 0 ? state : { ...state, selected: (state.selected + event.delta + n) % n };
    }
    case 'add':
      if (state.rows.some((r) => r.symbol === event.symbol)) return state;
      return { ...state, rows: [...state.rows, emptyRow(event.symbol)], selected: state.rows.length };
    case 'remove': {
      const rows = state.rows.filter((r) => r.symbol !== event.symbol);
      return { ...state, rows, selected: Math.min(state.selected, Math.max(0, rows.length - 1)), log: log(state, `removed ${event.symbol}`, 'info') };
    }
    case 'note':
      return { ...state, log: log(state, event.text, event.level) };
    case 'message':
      return onMessage(state, event.message);
  }
}

function onMessage(state: DashboardState, m: ServerMessage): DashboardState {
  const now = new Date().toISOString();
  switch (m.type) {
    case 'connected':
      return { ...state, agentNames: m.agents };
    case 'feed_status': {
      const d = m.data;
      const feed = { name: d.feed, state: d.feed_state, market: d.market_state };
      // The first one only says how things are; later ones are news worth a line in the log.
      const news = state.feed !== undefined && (state.feed.state !== feed.state || state.feed.market !== feed.market || d.cycle !== undefined);
      const level = d.feed_state === 'running' ? 'info' : 'warning';
      return { ...state, feed, marketTime: d.market_time, log: news ? log(state, d.reason, level) : state.log };
    }
    case 'price_update': {
      const d = m.data;
      return {
        ...state,
        marketTime: d.timestamp,
        lastUpdate: now,
        rows: updateRow(state, d.symbol, (r) => ({
          ...r,
          price: d.price,
          changePercent: d.change_percent,
          prices: [...r.prices, d.price].slice(-SPARK_POINTS),
        })),
      };
    }
    case 'agent_update': {
      const d = m.data;
      if (!state.rows.some((r) => r.symbol === d.symbol)) return state;
      if (d.signal === 'ANALYZING') {
        return {
          ...state,
          lastUpdate: now,
          rows: updateRow(state, d.symbol, (r) => ({
            ...r,
            analysisId: d.analysis_id,
            agents: state.agentNames.map((a) => ({ id: a.id, name: a.name, signal: 'WORKING', confidence: 0, reason: '' })),
          })),
        };
      }
      const id = d.agent_id ?? d.agent;
      const row: AgentRow = {
        id,
        name: d.agent,
        signal: d.signal === 'PROCESSING' ? 'WORKING' : d.signal,
        confidence: d.confidence,
        reason: d.signal === 'FAILED' ? (d.error ?? d.reasoning?.[0] ?? 'failed') : (d.reasoning?.[0] ?? ''),
      };
      return {
        ...state,
        lastUpdate: now,
        rows: updateRow(state, d.symbol, (r) => {
          if (d.analysis_id !== undefined && r.analysisId !== undefined && d.analysis_id !== r.analysisId) return r;
          const exists = r.agents.some((a) => a.id === id);
          return { ...r, agents: exists ? r.agents.map((a) => (a.id === id ? row : a)) : [...r.agents, row] };
        }),
      };
    }
    case 'signal_update':
    case 'decision_update': {
      const d = m.data;
      if (!state.rows.some((r) => r.symbol === d.symbol)) return state;
      const signal = m.type === 'signal_update' ? m.data : undefined;
      const decision = m.type === 'decision_update' ? m.data.decision : undefined;
      const action = signal?.action ?? decision?.action ?? 'NO_SIGNAL';
      const details = signal ? signal.agents_consensus.agent_details : decision?.action === 'NO_SIGNAL' ? decision.agent_summary : {};
      const agents: AgentRow[] = Object.entries(details).map(([id, a]) => ({
        id,
        name: a.name,
        signal: a.signal,
        confidence: a.confidence,
        reason: ('reasoning' in a ? a.reasoning?.[0] : undefined) ?? '',
      }));
      const trigger = d.trigger ?? '';
      const text = signal
        ? `${d.symbol} ${action} ${(signal.confidence * 100).toFixed(0)}% ${signal.agents_consensus.consensus_strength} (${trigger})`
        : `${d.symbol} no signal (${trigger})`;
      return {
        ...state,
        lastUpdate: now,
        marketTime: d.as_of ?? state.marketTime,
        rows: updateRow(state, d.symbol, (r) => ({
          ...r,
          action,
          confidence: signal?.confidence,
          strength: signal?.agents_consensus.consensus_strength,
          trigger,
          signalTime: d.as_of ?? d.timestamp,
          seq: d.seq,
          price: r.price ?? signal?.price ?? (m.type === 'decision_update' ? m.data.price : undefined),
          agents: agents.length > 0 ? agents : r.agents,
        })),
        // At the time it was published: one recovered after a reconnect shows when it happened, not when it arrived.
        log: trigger === 'snapshot' ? state.log : log(state, text, signal ? 'signal' : 'info', d.timestamp),
      };
    }
    case 'error':
      return { ...state, log: log(state, `${m.code}: ${m.error}`, 'error') };
    case 'alert':
      return m.alert_type === 'analysis_started' ? { ...state, log: log(state, m.message, 'info') } : state;
    default:
      return state;
  }
}
