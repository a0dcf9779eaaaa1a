// The dashboard rendered with ink-testing-library at a terminal size, driven by scripted protocol messages.
import { render } from 'ink-testing-library';
import { vi } from 'vitest';
import type { EvidenceData, RegimeData, ServerMessage, TrackRecord } from '../../src/protocol/messages.js';
import { Dashboard } from '../../src/ui/dashboard.js';
import { initialState, type DashboardEvent } from '../../src/ui/state.js';

export const AGENTS = [
  { id: 'technical', name: 'TechnicalAnalyst' },
  { id: 'momentum', name: 'Momentum' },
  { id: 'sentiment', name: 'NewsSentiment' },
];
export const T = '2025-07-08T14:00:00.000Z';

/** A server's welcome naming its universe: the dashboard then shows it and asks for the ranking. */
export const UNIVERSE_WELCOME: ServerMessage = {
  type: 'connected',
  client_id: 'c',
  timestamp: T,
  message: 'Connected to signals',
  server_version: '0.1.0',
  protocol_version: 1,
  agents: AGENTS,
  symbols: ['AAPL', 'MSFT'],
  universe: 'sp500',
};
export const ESC = '\u001B';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const plain = (s: string) => s.replace(/\u001B\[[0-9;]*m/g, '');

export interface HarnessOptions {
  symbols?: string[];
  colors?: boolean;
  bell?: boolean;
  size?: { columns: number; rows: number };
}

export function harness({ symbols = ['AAPL', 'MSFT'], colors = true, bell = false, size }: HarnessOptions = {}) {
  const listeners: ((e: DashboardEvent) => void)[] = [];
  const actions = { analyze: vi.fn(), add: vi.fn(), remove: vi.fn(), history: vi.fn(), rank: vi.fn() };
  const onExit = vi.fn();
  const onWatchlist = vi.fn();
  const initial = { ...initialState('ws://test', symbols), agentNames: AGENTS, connection: { status: 'open' as const, clientId: 'c' } };
  const app = render(
    <Dashboard
      initial={initial}
      subscribe={(l) => (listeners.push(l), () => undefined)}
      actions={actions}
      colors={colors}
      bell={bell}
      fps={50}
      onWatchlist={onWatchlist}
      onExit={onExit}
    />,
  );
  const resize = (columns: number, rows: number) => {
    Object.defineProperty(app.stdout, 'columns', { value: columns, configurable: true });
    Object.defineProperty(app.stdout, 'rows', { value: rows, configurable: true });
    app.stdout.emit('resize');
  };
  if (size) resize(size.columns, size.rows);
  const send = (...messages: ServerMessage[]) => messages.forEach((message) => listeners.forEach((l) => l({ kind: 'message', message })));
  /** A message that arrived `ago` ms before now. */
  const sendAt = (ago: number, message: ServerMessage) => listeners.forEach((l) => l({ kind: 'message', message, at: Date.now() - ago }));
  const event = (e: DashboardEvent) => listeners.forEach((l) => l(e));
  const frame = async () => {
    // Several render intervals (20 ms at fps 50), so that a loaded machine still renders in time.
    await sleep(120);
    // The bell is written to the terminal too, but it is no frame.
    return app.stdout.frames.findLast((f) => f !== '\u0007') ?? '';
  };
  /** The frame without colour codes, for matching text. */
  const text = async () => plain(await frame());
  const keys = async (...sequence: string[]) => {
    for (const k of sequence) {
      app.stdin.write(k);
      await sleep(30);
    }
  };
  return { app, send, sendAt, event, frame, text, keys, resize, actions, onExit, onWatchlist };
}

export const price = (symbol: string, value: number, changePercent?: number): ServerMessage => ({
  type: 'price_update',
  data: { symbol, price: value, volume: 10, timestamp: T, ...(changePercent !== undefined ? { change_percent: changePercent } : {}) },
});

export const update = (
  symbol: string,
  agent: string,
  agentId: string | undefined,
  signal: string,
  confidence = 0,
  reasoning?: string[],
): ServerMessage => ({
  type: 'agent_update',
  data: {
    symbol,
    agent,
    ...(agentId ? { agent_id: agentId } : {}),
    signal: signal as 'BUY',
    confidence,
    timestamp: T,
    analysis_id: 'a1',
    ...(reasoning ? { reasoning } : {}),
  },
});

export interface SignalShape {
  confidence?: number;
  trigger?: 'price_move' | 'snapshot' | 'manual';
  seq?: number;
  reasons?: string[];
  analysisId?: string;
  /** The consensus's record; each agent's by id; the regime; the track record. */
  evidence?: EvidenceData;
  agentEvidence?: Record<string, EvidenceData>;
  regime?: RegimeData;
  trackRecord?: TrackRecord;
  /** Every agent's call (the consensus's action by default). */
  votes?: 'BUY' | 'SELL' | 'HOLD';
}

/** A record as the server sends it (NVDA's momentum agent on 2024-06-14), with `fields` changed. */
export const evidence = (fields: Partial<EvidenceData> = {}): EvidenceData => ({
  kind: 'cross_section',
  universe: 'bundled (29 stocks)',
  horizon_days: 21,
  months: 211,
  since: '2006-10-31',
  until: '2024-04-30',
  ic: 0.0192,
  t: 1.11,
  interval: [-0.0146, 0.053],
  calls: 4582,
  hit_rate: 0.5168,
  prior_ic: 0.02,
  shrunk_ic: 0.0195,
  edge: false,
  weight: 0.0195,
  label: 'edge: none demonstrated (IC 0.02, t 1.1 over 211 months; t 2 needed)',
  ...fields,
});

/** The regime on 2024-06-14 as the server sends it, without each reading's record. */
export const REGIME: RegimeData = {
  trend: { score: 0.9919, state: 'up', value: 0.1375, label: 'SPY vs its 10-month average' },
  volatility: { score: 0.806, state: 'calm', value: 11.94, label: 'VIX' },
  curve: { score: -0.44, state: 'inverted', value: -0.44, label: '10y-2y (pp)' },
  recession: { score: 0.0425, state: 'clear', value: 0.43, label: 'Sahm gap (pp)' },
};

export const signal = (symbol: string, action: 'BUY' | 'SELL' | 'HOLD', shape: SignalShape = {}): ServerMessage => ({
  type: 'signal_update',
  data: {
    symbol,
    signal_id: 's1',
    action,
    confidence: shape.confidence ?? 0.83,
    price: 210.5,
    agents_consensus: {
      total_agents: 3,
      completed_agents: 3,
      consensus_strength: 'STRONG',
      agent_details: Object.fromEntries(
        AGENTS.map((a) => [
          a.id,
          {
            name: a.name,
            signal: shape.votes ?? action,
            confidence: 0.8,
            reasoning: shape.reasons ?? [`${a.name} says ${action}`],
            ...(shape.agentEvidence?.[a.id] ? { evidence: shape.agentEvidence[a.id] } : {}),
          },
        ]),
      ),
    },
    timestamp: T,
    metadata: { reasoning: ['3 of 3 agents agree'], indicators: { consensus_weight: 0.8 }, target_price: 220, stop_loss: 200 },
    as_of: T,
    trigger: shape.trigger ?? 'price_move',
    seq: shape.seq ?? 4,
    ...(shape.analysisId ? { analysis_id: shape.analysisId } : {}),
    ...(shape.evidence ? { evidence: shape.evidence } : {}),
    ...(shape.regime ? { regime: shape.regime } : {}),
    ...(shape.trackRecord ? { track_record: shape.trackRecord } : {}),
  },
});

export const noSignal = (symbol: string, reason: string, seq = 2): ServerMessage => ({
  type: 'decision_update',
  data: {
    symbol,
    decision: {
      action: 'NO_SIGNAL',
      reason,
      agent_summary: Object.fromEntries(AGENTS.map((a) => [a.id, { name: a.name, signal: 'HOLD', confidence: 0.5, reasoning: ['flat'] }])),
    },
    timestamp: T,
    as_of: T,
    trigger: 'price_move',
    seq,
  },
});

export const status = (fields: Record<string, unknown>): ServerMessage => ({
  type: 'status_update',
  data: { running: true, active_analyses: 0, active_agents: 0, websocket_connections: 1, ...fields },
});
