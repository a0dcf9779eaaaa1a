// The dashboard's pure reducer: sorting, filtering, alerts, the outage line, staleness, each agent's indicators and evidence.
import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.js';
import { initialState, reduce, staleReason, visibleRows, type DashboardEvent, type DashboardState } from '../../src/ui/state.js';
import { evidence, noSignal, price, REGIME, signal, status, update } from '../helpers/dashboard.js';

const open = (symbols: string[]): DashboardState => ({ ...initialState('ws://x', symbols), connection: { status: 'open', clientId: 'c' } });
const apply = (state: DashboardState, ...messages: ServerMessage[]) =>
  messages.reduce((s, message) => reduce(s, { kind: 'message', message, at: 1_000 }), state);
const events = (state: DashboardState, ...list: DashboardEvent[]) => list.reduce(reduce, state);
const symbols = (state: DashboardState) => visibleRows(state).map((r) => r.symbol);

describe('dashboard state', () => {
  it('sorts with ties in watchlist order, rows without data last', () => {
    let s = apply(open(['A', 'B', 'C', 'D']), price('A', 1, 2), price('B', 1, -2), price('C', 1, 0.5));
    s = events(s, { kind: 'sort', key: 'change' });
    expect(symbols(s)).toEqual(['A', 'B', 'C', 'D']);
    s = apply(s, signal('C', 'BUY', { confidence: 0.6 }), signal('D', 'SELL', { confidence: 0.9 }), signal('A', 'HOLD', { confidence: 0.9 }));
    expect(symbols(events(s, { kind: 'sort', key: 'action' }))).toEqual(['C', 'D', 'A', 'B']);
    expect(symbols(events(s, { kind: 'sort', key: 'confidence' }))).toEqual(['A', 'D', 'C', 'B']);
    expect(symbols(events(s, { kind: 'sort', key: 'confidence' }, { kind: 'reverse' }))).toEqual(['C', 'A', 'D', 'B']);
  });

  it('filters by part of a symbol or by action, and keeps the selection on a visible row', () => {
    let s = apply(open(['AAPL', 'MSFT', 'AMD']), signal('MSFT', 'SELL'));
    s = events(s, { kind: 'filter', text: 'a' });
    expect(symbols(s)).toEqual(['AAPL', 'AMD']);
    s = events(s, { kind: 'filter', text: 'sell' });
    expect(symbols(s)).toEqual(['MSFT']);
    expect(s.selected).toBe('MSFT');
  });

  it('alerts on a turn to BUY or SELL, not on the first snapshot, a repeat or a HOLD', () => {
    let s = apply(open(['A']), signal('A', 'BUY', { trigger: 'snapshot' }));
    expect(s.alerts).toBe(0);
    s = apply(s, signal('A', 'BUY'), signal('A', 'HOLD'));
    expect(s.alerts).toBe(0);
    // A snapshot after a reconnect that shows a different call is a turn the user has not seen.
    s = apply(s, signal('A', 'SELL', { trigger: 'snapshot' }));
    expect(s.alerts).toBe(1);
    expect(s.alert).toMatchObject({ symbol: 'A', action: 'SELL' });
  });

  it('one log line per outage, counting the failed attempts', () => {
    let s = open(['A']);
    for (let attempt = 1; attempt <= 3; attempt++) {
      s = events(
        s,
        { kind: 'connection', state: { status: 'reconnecting', inMs: 1000, attempt, reason: 'code 1006' }, at: 0 },
        { kind: 'connection', state: { status: 'connecting' }, at: 0 },
      );
      expect(s.failedAttempts).toBe(attempt - 1);
    }
    expect(s.log.map((e) => e.text)).toEqual(['connection lost (code 1006); 2 attempts failed; reconnecting in 1s']);
    expect(staleReason(s)).toBe('disconnected');
    s = events(s, { kind: 'connection', state: { status: 'open', clientId: 'c' }, at: 0 });
    expect(s.failedAttempts).toBe(0);
    expect(s.log.map((e) => e.text)).toEqual(['connection lost (code 1006); 2 attempts failed; reconnecting in 1s', 'reconnected to ws://x']);
    expect(staleReason(s)).toBeUndefined();
  });

  it("the feed's and the market's state come from the status; fields the server does not send change nothing", () => {
    let s = apply(open(['A']), status({ feed_state: 'ended' }));
    expect(staleReason(s)).toBe('feed ended');
    s = apply(s, status({ feed_state: 'running', market_state: 'closed' }));
    expect(staleReason(s)).toBe('market closed');
    s = apply(s, status({}));
    expect(s.marketState).toBe('closed');
  });

  it("each agent gets its own indicators from the signal's agent.name entries; the rest stay the consensus's", () => {
    const m = signal('A', 'BUY');
    if (m.type !== 'signal_update') throw new Error('a signal');
    m.data.metadata.indicators = { 'technical.rsi': 61, 'momentum.return_1m': 0.02, weight: 0.8 };
    const row = apply(open(['A']), m).rows[0]!;
    expect(row.agents.find((a) => a.id === 'technical')?.indicators).toEqual({ rsi: 61 });
    expect(row.agents.find((a) => a.id === 'momentum')?.indicators).toEqual({ return_1m: 0.02 });
    expect(row.agents.find((a) => a.id === 'sentiment')?.indicators).toBeUndefined();
    expect(row.indicators).toEqual({ weight: 0.8 });
    expect(row).toMatchObject({ target: 220, stop: 200, updatedAt: 1_000 });
  });

  it("keeps the consensus's and each agent's evidence and the regime; a NO_SIGNAL keeps the evidence its agents sent", () => {
    const record = evidence();
    let s = apply(open(['A', 'B']), signal('A', 'BUY', { evidence: record, agentEvidence: { technical: record }, regime: REGIME }));
    expect(s.rows[0]).toMatchObject({ evidence: record, regime: REGIME });
    expect(s.rows[0]!.agents.find((a) => a.id === 'technical')?.evidence).toEqual(record);
    expect(s.regime).toEqual(REGIME);
    // A signal without a regime (an older server) leaves the header's as it was.
    s = apply(s, signal('B', 'HOLD'));
    expect(s.regime).toEqual(REGIME);
    expect(s.rows[1]!.evidence).toBeUndefined();
    // The decision's summary carries no evidence: the agents' own updates of that analysis do.
    const voted = update('B', 'TechnicalAnalyst', 'technical', 'SELL', 0.55, ['its own rule']);
    if (voted.type !== 'agent_update') throw new Error('an agent update');
    voted.data.evidence = record;
    const decided = noSignal('B', 'only 2 of 5 agents completed; the quorum is 3');
    if (decided.type !== 'decision_update') throw new Error('a decision');
    decided.data.analysis_id = 'a1';
    s = apply(s, update('B', 'Orchestrator', undefined, 'ANALYZING'), voted, decided);
    expect(s.rows[1]!.agents.find((a) => a.id === 'technical')?.evidence).toEqual(record);
    expect(s.rows[1]!.evidence).toBeUndefined();
  });
});
