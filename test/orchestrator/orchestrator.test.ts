// The orchestrator: event order, protocol validity, determinism, failures and timeouts, targets.
import { describe, expect, it } from 'vitest';
import { defaultAgents } from '../../src/agents/index.js';
import type { Agent } from '../../src/agents/agent.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { VOTE_CONSENSUS } from '../../src/orchestrator/consensus.js';
import { Orchestrator } from '../../src/orchestrator/orchestrator.js';
import { ServerMessage, type AnalysisEvent } from '../../src/protocol/messages.js';
import { barsFrom, snapshot, trend } from '../helpers/series.js';

const store = new MarketStore();
const agents = defaultAgents({ bundledDir: store.bundledDir });

async function collect(o: Orchestrator, snap = snapshotAt(store, 'AAPL', '2024-11-01T21:00:00.000Z')) {
  const events: AnalysisEvent[] = [];
  for await (const e of o.analyze(snap)) events.push(e);
  return events;
}

describe('Orchestrator', () => {
  it('yields ANALYZING, PROCESSING per agent, one result per agent, then the consensus; all valid protocol messages', async () => {
    const events = await collect(new Orchestrator({ agents }));
    for (const e of events) expect(() => ServerMessage.parse(e)).not.toThrow();
    expect(events[0]).toMatchObject({ type: 'agent_update', data: { agent: 'Orchestrator', signal: 'ANALYZING' } });
    const processing = events.slice(1, 1 + agents.length);
    expect(processing.map((e) => e.type === 'agent_update' && e.data.signal)).toEqual(agents.map(() => 'PROCESSING'));
    const results = events.slice(1 + agents.length, 1 + 2 * agents.length);
    expect(results.map((e) => e.type === 'agent_update' && e.data.agent_id).sort()).toEqual(agents.map((a) => a.id).sort());
    expect(events).toHaveLength(2 + 2 * agents.length);
    expect(['signal_update', 'decision_update']).toContain(events.at(-1)!.type);
  });

  it('is deterministic: same data and as-of give the same result except ids and timestamps', async () => {
    const strip = (e: AnalysisEvent) =>
      JSON.stringify(e, (k, v) => (['signal_id', 'analysis_id', 'timestamp', 'duration_ms'].includes(k) ? undefined : v));
    const a = (await collect(new Orchestrator({ agents }))).at(-1)!;
    const b = (await collect(new Orchestrator({ agents }))).at(-1)!;
    expect(strip(a)).toBe(strip(b));
  });

  it('an agent that throws or times out is FAILED and counts as not completed', async () => {
    const throwing: Agent = {
      id: 'broken',
      name: 'Broken',
      analyze: () => {
        throw new Error('boom');
      },
    };
    const slow: Agent = {
      id: 'slow',
      name: 'Slow',
      analyze: (_s, signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
    };
    const buy: Agent = {
      id: 'buy',
      name: 'Buyer',
      analyze: () => ({ kind: 'vote', signal: 'BUY', confidence: 0.9, reasons: ['up'], indicators: {} }),
    };
    const o = new Orchestrator({ agents: [throwing, slow, buy, buy], timeoutMs: 50 });
    const events = await collect(o, snapshot({ bars: barsFrom(trend(30, 0.01)) }));
    const failed = events.filter((e) => e.type === 'agent_update' && e.data.signal === 'FAILED');
    expect(failed.map((e) => e.type === 'agent_update' && e.data.error)).toEqual(expect.arrayContaining(['boom', 'timed out after 50 ms']));
    const last = events.at(-1)!;
    expect(last.type).toBe('decision_update');
    expect(last.type === 'decision_update' && last.data.decision.action === 'NO_SIGNAL' && last.data.decision.reason).toMatch(
      /only 2 of 4 agents completed/,
    );
    expect(o.activeAnalyses).toBe(0);
    expect(o.activeAgents).toBe(0);
  });

  it('a HOLD is not a trade: its signal carries no target and no stop', async () => {
    const hold: Agent = {
      id: 'hold',
      name: 'Holder',
      analyze: () => ({ kind: 'vote', signal: 'HOLD', confidence: 0.9, reasons: ['flat'], indicators: {} }),
    };
    const last = (
      await collect(new Orchestrator({ agents: [hold, hold, hold], consensus: VOTE_CONSENSUS }), snapshot({ bars: barsFrom(trend(30, 0.01)) }))
    ).at(-1)!;
    expect(last.type === 'signal_update' && last.data.action).toBe('HOLD');
    expect(last.type === 'signal_update' && Object.keys(last.data.metadata).sort()).toEqual(['indicators', 'reasoning']);
  });

  it('a signal carries ATR-based target and stop on the right sides of the price', async () => {
    const sell = (await collect(new Orchestrator({ agents, consensus: VOTE_CONSENSUS }), snapshotAt(store, 'JPM', '2022-06-15T21:00:00.000Z'))).at(
      -1,
    )!;
    expect(sell.type).toBe('signal_update');
    if (sell.type !== 'signal_update') return;
    expect(sell.data.action).toBe('SELL');
    expect(sell.data.metadata.target_price).toBeLessThan(sell.data.price);
    expect(sell.data.metadata.stop_loss).toBeGreaterThan(sell.data.price);
    expect(sell.data.agents_consensus.completed_agents).toBe(4);
    expect(sell.data.agents_consensus.agent_details.sentiment).toMatchObject({ signal: 'ABSTAINED' });
  });

  it('with evidence, agents publish their own calls with calibrated confidences, and the signal carries evidence, regime and track record from before its as-of', async () => {
    const { evidenceOf } = await import('../../src/core/evidence-store.js');
    const o = new Orchestrator({ agents, evidence: () => evidenceOf(store, agents) });
    const events = await collect(o, snapshotAt(store, 'JPM', '2022-06-15T21:00:00.000Z'));
    const last = events.at(-1)!;
    if (last.type !== 'signal_update') throw new Error(`expected a signal, got ${last.type}`);
    const record = last.data.track_record!;
    expect(record.since! < '2022-06-15').toBe(true);
    // Each agent's call is its own rule's: the raw score's call, never rewritten to HOLD for lack of evidence.
    const votes = events.filter((e) => e.type === 'agent_update' && e.data.status === 'voted');
    for (const vote of votes) {
      if (vote.type !== 'agent_update' || vote.data.agent_id === 'sentiment') continue;
      const score = vote.data.indicators!.score as number;
      expect(vote.data.signal).toBe(score >= 0.2 ? 'BUY' : score <= -0.2 ? 'SELL' : 'HOLD');
      expect(vote.data.reasoning![0]).toMatch(/by its own rule; P\((it beats SPY|the market beats cash) in 21 days\) 0\.\d\d, from its record/);
      // Its evidence is only of calls whose outcome was known before the as-of month.
      expect(vote.data.evidence!.until! < '2022-06-01').toBe(true);
      expect(vote.data.evidence!.months).toBeGreaterThan(100);
    }
    const momentum = last.data.agents_consensus.agent_details.momentum!.evidence!;
    expect(momentum).toMatchObject({ kind: 'cross_section', universe: 'bundled (29 stocks)', horizon_days: 21 });
    expect(momentum.label).toMatch(/^edge: /);
    expect(last.data.agents_consensus.agent_details.economic!.evidence!.kind).toBe('market_timing');
    expect(last.data.evidence!.label).toMatch(/^edge: /);
    expect(Object.keys(last.data.regime!).sort()).toEqual(['curve', 'recession', 'trend', 'volatility']);
    expect(last.data.metadata.reasoning[0]).toMatch(/^(BUY|SELL|HOLD): weighted agreement -?\d\.\d\d/);
    // An agent's record is its own rule's calls; the market-wide agent weighs nothing in a stock's consensus.
    expect(record.agents.economic!.weight).toBe(0);
    expect(record.agents.technical!.weight).toBeGreaterThan(0);
    expect(record.agents.technical!.calls).toBeGreaterThan(20);
    expect(record.consensus.calls).toBeGreaterThan(20);
  });

  it('writes prices to the cent and confidences to 4 places at the source, so the wire carries them so', async () => {
    const snap = snapshotAt(store, 'JPM', '2022-06-15T21:00:00.000Z');
    const last = snap.bars.at(-1)!;
    // A close as a live feed quotes it: a float with a long tail.
    const unrounded = { ...snap, bars: [...snap.bars.slice(0, -1), { ...last, close: 105.3018364392891 }] };
    const vague: Agent = {
      id: 'vague',
      name: 'Vague',
      analyze: () => ({ kind: 'vote', signal: 'SELL', confidence: 0.912345678, reasons: ['down'], indicators: {} }),
    };
    const events = await collect(new Orchestrator({ agents: [...agents, vague], consensus: VOTE_CONSENSUS }), unrounded);
    const sell = events.at(-1)!;
    if (sell.type !== 'signal_update') throw new Error(`expected a signal, got ${sell.type}`);
    expect(sell.data.price).toBe(105.3);
    for (const level of [sell.data.metadata.target_price!, sell.data.metadata.stop_loss!]) expect(Math.round(level * 100) / 100).toBe(level);
    expect(sell.data.agents_consensus.agent_details.vague!.confidence).toBe(0.9123);
    const vote = events.find((e) => e.type === 'agent_update' && e.data.agent_id === 'vague' && e.data.status === 'voted');
    expect(vote?.type === 'agent_update' && vote.data.confidence).toBe(0.9123);
  });
});
