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

  it('with a calibration, agents publish calibrated calls and the signal carries its track record from before its as-of', async () => {
    const { calibrationOf } = await import('../../src/core/calibration-store.js');
    const o = new Orchestrator({ agents, calibration: () => calibrationOf(store, agents) });
    const last = (await collect(o, snapshotAt(store, 'JPM', '2022-06-15T21:00:00.000Z'))).at(-1)!;
    expect(last.type).toBe('signal_update');
    if (last.type !== 'signal_update') return;
    const record = last.data.track_record!;
    expect(record.since! < '2022-06-15').toBe(true);
    // No agent's record shows information by then: each agent and the consensus make no call, at the base rate.
    expect(last.data.action).toBe('HOLD');
    expect(last.data.agents_consensus.consensus_weight).toBe(0);
    expect(record.consensus.calls).toBe(0);
    const technical = last.data.agents_consensus.agent_details.technical!;
    expect(technical.signal).toBe('HOLD');
    expect(technical.reasoning[0]).toMatch(/P\(rise in 21 days\) 0\.\d\d, the base rate: .*so no call; its own rule says (BUY|SELL|HOLD)/);
    expect(last.data.metadata.indicators['technical.probability_up']).toBeCloseTo(last.data.confidence, 4);
    // An agent's record is its own rule's calls, which its calibration judges.
    expect(record.agents.technical!.weight).toBe(0);
    expect(record.agents.technical!.calls).toBeGreaterThan(20);
    expect(record.agents.technical!.hit_rate).toBeGreaterThan(0);
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
