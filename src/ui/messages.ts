// How each server message changes the dashboard's state: prices, votes, consensus, decisions, status and history.
import type { EvidenceData, ServerMessage } from '../protocol/messages.js';
import { confidenceName } from './evidence.js';
import { appendLog, clock, rankList, updateRow, type AgentRow, type DashboardState, type HistoryEntry, type SymbolRow } from './model.js';

const SPARK_POINTS = 40;
const HISTORY_ENTRIES = 20;

type Publication = Extract<ServerMessage, { type: 'signal_update' | 'decision_update' }>;

function historyEntry(m: Publication): HistoryEntry | undefined {
  const d = m.data;
  if (d.seq === undefined) return undefined;
  const time = d.as_of ?? d.timestamp;
  if (m.type === 'signal_update') {
    const s = m.data;
    return { seq: d.seq, time, action: s.action, confidence: s.confidence, strength: s.agents_consensus.consensus_strength, trigger: s.trigger };
  }
  return { seq: d.seq, time, action: m.data.decision.action, trigger: m.data.trigger };
}

/** Adds entries to a history, by seq, without repeats, newest last. */
function mergeHistory(history: HistoryEntry[], entries: HistoryEntry[]): HistoryEntry[] {
  const bySeq = new Map(history.map((e) => [e.seq, e]));
  for (const e of entries) bySeq.set(e.seq, e);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq).slice(-HISTORY_ENTRIES);
}

function agentUpdate(state: DashboardState, m: Extract<ServerMessage, { type: 'agent_update' }>, now: number): DashboardState {
  const d = m.data;
  if (d.signal === 'ANALYZING') {
    const working = state.agentNames.map((a): AgentRow => ({ id: a.id, name: a.name, signal: 'WORKING', confidence: 0, reasons: [] }));
    return {
      ...state,
      lastUpdate: new Date(now).toISOString(),
      rows: updateRow(state.rows, d.symbol, (r) => ({ ...r, analysisId: d.analysis_id, agents: working, updatedAt: now })),
    };
  }
  const id = d.agent_id ?? d.agent;
  const reasons = d.signal === 'FAILED' ? [d.error ?? d.reasoning?.[0] ?? 'failed'] : (d.reasoning ?? []);
  const row: AgentRow = {
    id,
    name: d.agent,
    signal: d.signal === 'PROCESSING' ? 'WORKING' : d.signal,
    confidence: d.confidence,
    reasons,
    ...(d.indicators ? { indicators: d.indicators } : {}),
    ...(d.evidence ? { evidence: d.evidence } : {}),
  };
  return {
    ...state,
    lastUpdate: new Date(now).toISOString(),
    rows: updateRow(state.rows, d.symbol, (r) => {
      if (d.analysis_id !== undefined && r.analysisId !== undefined && d.analysis_id !== r.analysisId) return r;
      const exists = r.agents.some((a) => a.id === id);
      return { ...r, updatedAt: now, agents: exists ? r.agents.map((a) => (a.id === id ? row : a)) : [...r.agents, row] };
    }),
  };
}

type Indicators = Record<string, number | string | boolean | null>;

/** A signal's indicators named `agent.name` (see orchestrator `qualified`) that belong to one agent, without the prefix. */
function agentIndicators(all: Indicators, id: string): Indicators | undefined {
  const prefix = `${id}.`;
  const own = Object.entries(all).filter(([name]) => name.startsWith(prefix));
  return own.length > 0 ? Object.fromEntries(own.map(([name, v]) => [name.slice(prefix.length), v])) : undefined;
}

/**
 * The votes of a publication, each with its indicators and evidence: from the signal, or from the agent's update of the
 * same analysis (a NO_SIGNAL's summary carries neither).
 */
function publishedAgents(m: Publication, before: SymbolRow): AgentRow[] {
  const details: Record<string, { name: string; signal: string; confidence: number; reasoning?: string[]; evidence?: EvidenceData }> =
    m.type === 'signal_update' ? m.data.agents_consensus.agent_details : m.data.decision.action === 'NO_SIGNAL' ? m.data.decision.agent_summary : {};
  const signalIndicators = m.type === 'signal_update' ? m.data.metadata.indicators : {};
  const sameAnalysis = m.data.analysis_id !== undefined && m.data.analysis_id === before.analysisId;
  return Object.entries(details).map(([id, a]) => {
    const earlier = sameAnalysis ? before.agents.find((x) => x.id === id) : undefined;
    const indicators = agentIndicators(signalIndicators, id) ?? earlier?.indicators;
    const evidence = a.evidence ?? earlier?.evidence;
    return {
      id,
      name: a.name,
      signal: a.signal,
      confidence: a.confidence,
      reasons: a.reasoning ?? [],
      ...(indicators ? { indicators } : {}),
      ...(evidence ? { evidence } : {}),
    };
  });
}

/** The signal's indicators that belong to no agent shown. */
function consensusIndicators(all: Indicators, agents: AgentRow[]): Indicators {
  return Object.fromEntries(Object.entries(all).filter(([name]) => !agents.some((a) => name.startsWith(`${a.id}.`))));
}

function publication(state: DashboardState, m: Publication, now: number): DashboardState {
  const d = m.data;
  const before = state.rows.find((r) => r.symbol === d.symbol);
  if (!before) return state;
  const signal = m.type === 'signal_update' ? m.data : undefined;
  const decision = m.type === 'decision_update' ? m.data.decision : undefined;
  const action = signal?.action ?? decision?.action ?? 'NO_SIGNAL';
  const agents = publishedAgents(m, before);
  const trigger = d.trigger ?? '';
  const time = d.as_of ?? d.timestamp;
  const entry = historyEntry(m);
  // With evidence the confidence is the chance the call is right, and says so; the vote formula's stays a percent.
  const confidence =
    signal && (signal.evidence ? `${confidenceName(action)} ${signal.confidence.toFixed(2)}` : `${(signal.confidence * 100).toFixed(0)}%`);
  const text = signal
    ? `${d.symbol} ${action} ${confidence} ${signal.agents_consensus.consensus_strength} (${trigger})`
    : `${d.symbol} no signal (${trigger})`;
  // A turn to BUY or SELL is news; the first snapshot on subscribing only says where things stand.
  const turned = (action === 'BUY' || action === 'SELL') && action !== before.action && !(trigger === 'snapshot' && before.action === undefined);
  const row: SymbolRow = {
    ...before,
    action,
    confidence: signal?.confidence,
    strength: signal?.agents_consensus.consensus_strength,
    trigger,
    signalTime: time,
    seq: d.seq,
    price: before.price ?? signal?.price ?? (m.type === 'decision_update' ? m.data.price : undefined),
    agents: agents.length > 0 ? agents : before.agents,
    target: signal?.metadata.target_price,
    stop: signal?.metadata.stop_loss,
    reasoning: signal?.metadata.reasoning,
    indicators: signal ? consensusIndicators(signal.metadata.indicators, agents) : undefined,
    noSignalReason: decision?.action === 'NO_SIGNAL' ? decision.reason : decision?.action === 'ERROR' ? decision.error : undefined,
    trackRecord: d.track_record,
    evidence: signal?.evidence,
    regime: d.regime,
    updatedAt: now,
    unseen: turned ? d.symbol !== state.selected : before.unseen,
    history: before.history && entry ? mergeHistory(before.history, [entry]) : before.history,
  };
  const alertText =
    turned && signal
      ? `${d.symbol} turned ${action} ${confidence} ${signal.agents_consensus.consensus_strength} at ${signal.price.toFixed(2)}`
      : undefined;
  const alert =
    alertText && (action === 'BUY' || action === 'SELL') ? { time: clock(d.timestamp), symbol: d.symbol, action, text: alertText } : undefined;
  return {
    ...state,
    lastUpdate: new Date(now).toISOString(),
    marketTime: d.as_of ?? state.marketTime,
    regime: d.regime ?? state.regime,
    rows: updateRow(state.rows, d.symbol, () => row),
    ...(alert ? { alert, alerts: state.alerts + 1 } : {}),
    // At the time it was published: one recovered after a reconnect shows when it happened, not when it arrived.
    log: trigger === 'snapshot' ? state.log : appendLog(state.log, { time: clock(d.timestamp), text, kind: signal ? 'signal' : 'info' }),
  };
}

/** Applies one server message; `now` is the wall-clock time it arrived (ms). */
export function applyMessage(state: DashboardState, m: ServerMessage, now: number): DashboardState {
  switch (m.type) {
    case 'connected':
      return { ...state, agentNames: m.agents, universe: m.universe ?? state.universe };
    case 'price_update': {
      const d = m.data;
      return {
        ...state,
        marketTime: d.timestamp,
        lastUpdate: new Date(now).toISOString(),
        rows: updateRow(state.rows, d.symbol, (r) => ({
          ...r,
          price: d.price,
          changePercent: d.change_percent,
          prices: [...r.prices, d.price].slice(-SPARK_POINTS),
          updatedAt: now,
        })),
      };
    }
    case 'agent_update':
      return state.rows.some((r) => r.symbol === m.data.symbol) ? agentUpdate(state, m, now) : state;
    case 'signal_update':
    case 'decision_update':
      return publication(state, m, now);
    case 'feed_status': {
      const d = m.data;
      // The first one only says how things are; later ones are news worth a line in the log.
      const news =
        state.feedState !== undefined && (state.feedState !== d.feed_state || state.marketState !== d.market_state || d.cycle !== undefined);
      const entry = {
        time: clock(new Date(now).toISOString()),
        text: d.reason,
        kind: d.feed_state === 'running' ? ('info' as const) : ('warning' as const),
      };
      return {
        ...state,
        feedState: d.feed_state,
        feed: d.feed,
        feedSource: d.source ?? (d.feed === state.feed ? state.feedSource : undefined),
        marketState: d.market_state,
        marketTime: d.market_time,
        log: news ? appendLog(state.log, entry) : state.log,
      };
    }
    case 'status_update': {
      const { feed_state: feed, market_state: market, feed: name, feed_source: source } = m.data;
      return {
        ...state,
        feedState: typeof feed === 'string' ? feed : state.feedState,
        feed: typeof name === 'string' ? name : state.feed,
        feedSource: typeof source === 'string' ? source : state.feedSource,
        marketState: typeof market === 'string' ? market : state.marketState,
      };
    }
    case 'rank': {
      const d = m.data;
      const ranking = { universe: d.universe.name, barDate: d.bar_date, ranked: d.universe.ranked, rows: d.rows };
      const list = rankList(ranking);
      // The selection stays on its symbol while it is still listed.
      const rankSelected = list.some((r) => r.symbol === state.rankSelected) ? state.rankSelected : list[0]?.symbol;
      return { ...state, ranking, rankSelected };
    }
    case 'history': {
      const entries = m.items.map(historyEntry).filter((e) => e !== undefined);
      return { ...state, rows: updateRow(state.rows, m.symbol, (r) => ({ ...r, history: mergeHistory(r.history ?? [], entries) })) };
    }
    case 'error':
      return { ...state, log: appendLog(state.log, { time: clock(m.timestamp), text: `${m.code}: ${m.error}`, kind: 'error' }) };
    case 'alert':
      return m.alert_type === 'analysis_started'
        ? { ...state, log: appendLog(state.log, { time: clock(m.timestamp), text: m.message, kind: 'info' }) }
        : state;
    default:
      return state;
  }
}
