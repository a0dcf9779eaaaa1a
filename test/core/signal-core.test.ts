// The application core without any transport: what it publishes, in what order, with which seq; failures; interest in symbols.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { Analyst } from '../../src/core/analyst.js';
import { createLogger } from '../../src/core/log.js';
import { SignalCore, type CoreEvent } from '../../src/core/signal-core.js';
import { ManualFeed, store } from '../helpers/server.js';

const hold: Agent = {
  id: 'steady',
  name: 'Steady',
  analyze: async () => ({ kind: 'vote', signal: 'HOLD', confidence: 0.9, reasons: ['flat'], indicators: {} }),
};

function coreWith(feed = new ManualFeed(), symbols: string[] = []) {
  const core = new SignalCore({
    analyst: new Analyst({ store, agents: [hold] }),
    feed,
    symbols,
    thresholdPct: 1,
    priceRate: 50,
    logger: createLogger('silent'),
  });
  const events: { symbol: string; event: CoreEvent }[] = [];
  core.onPublish((symbol, event) => events.push({ symbol, event }));
  return { core, feed, events };
}

const finals = (events: { event: CoreEvent }[]) =>
  events.map((e) => e.event).filter((e) => e.type === 'signal_update' || e.type === 'decision_update');

describe('SignalCore', () => {
  it('publishes progress, votes and one publication per analysis, with seq increasing by one per symbol', async () => {
    const { core, events } = coreWith();
    core.request('AAPL', 'manual');
    core.request('MSFT', 'manual');
    await core.idle();
    core.request('AAPL', 'manual');
    await core.idle();
    const aapl = finals(events.filter((e) => e.symbol === 'AAPL'));
    expect(aapl.map((e) => e.data.seq)).toEqual([1, 2]);
    expect(finals(events.filter((e) => e.symbol === 'MSFT')).map((e) => e.data.seq)).toEqual([1]);
    const first = events.filter((e) => e.symbol === 'AAPL').map((e) => e.event.type);
    expect(first.slice(0, 3)).toEqual(['agent_update', 'agent_update', 'agent_update']);
    expect(core.latest('AAPL')).toBe(aapl[1]);
  });

  it('a failed analysis is published as decision_update ERROR with code ANALYSIS_FAILED, and takes a seq', async () => {
    const feed = new ManualFeed();
    // A feed whose clock is not a time (as a broken live provider's could be): no snapshot can be built.
    feed.clock = 'not a time';
    const { core, events } = coreWith(feed);
    core.request('AAPL', 'manual');
    await core.idle();
    const [failure] = finals(events);
    expect(failure).toMatchObject({
      type: 'decision_update',
      data: { symbol: 'AAPL', seq: 1, trigger: 'manual', decision: { action: 'ERROR', code: 'ANALYSIS_FAILED' } },
    });
    expect(core.latest('AAPL')).toBe(failure);
  });

  it('a publisher that throws does not stop the others or the analysis', async () => {
    const { core, events } = coreWith();
    core.onPublish(() => {
      throw new Error('broken publisher');
    });
    core.request('KO', 'manual');
    await core.idle();
    expect(finals(events)).toHaveLength(1);
  });

  it('watches a symbol while anyone is interested, and always the configured ones', () => {
    const { core, feed } = coreWith(new ManualFeed(), ['SPY']);
    core.start();
    core.watch('AAPL');
    core.watch('AAPL');
    core.release('AAPL');
    expect(feed.watched().sort()).toEqual(['AAPL', 'SPY']);
    core.release('AAPL');
    expect(feed.watched()).toEqual(['SPY']);
    core.watch('SPY');
    core.release('SPY');
    expect(feed.watched()).toEqual(['SPY']);
    void core.stop();
  });

  it('turns ticks into price updates at the configured rate, and a 1% move into an analysis', async () => {
    const { core, feed, events } = coreWith();
    core.start();
    core.watch('NVDA');
    feed.push('NVDA', 100);
    await core.idle();
    feed.push('NVDA', 100.4);
    feed.push('NVDA', 101.5);
    await new Promise((r) => setTimeout(r, 60));
    await core.idle();
    expect(finals(events).map((e) => e.data.trigger)).toEqual(['initial', 'price_move']);
    const prices = events.filter((e) => e.event.type === 'price_update');
    expect(prices.length).toBeGreaterThan(0);
    expect(prices.at(-1)!.event).toMatchObject({ data: { symbol: 'NVDA', price: 101.5 } });
    await core.stop();
  });
});
