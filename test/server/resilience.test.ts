// Silent peers and the market monitor, against the real server.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { rawWebSocket } from '../helpers/raw-socket.js';
import { startServer, TestClient } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('liveness', () => {
  it('a peer that never answers pings is terminated after two heartbeat intervals, not three', async () => {
    const ctx = await startServer({ limits: { heartbeatMs: 300 } });
    const polite = await TestClient.connect(`${ctx.url}/ws/signals`);
    const silent = await rawWebSocket(ctx.port);
    silent.resume();
    const started = Date.now();
    await new Promise((r) => silent.once('close', r));
    const elapsed = Date.now() - started;
    // Two intervals of silence, checked every sixth of an interval: cut at two intervals, not three.
    expect(elapsed).toBeGreaterThanOrEqual(2 * 300 - 100);
    expect(elapsed).toBeLessThan(2 * 300 + 250);
    // The polite client answers pings (ws does so automatically) and gets heartbeats.
    await polite.next((m) => m.type === 'heartbeat' && m.client_id === undefined);
    expect(polite.closed).toBeUndefined();
    polite.close();
    await ctx.stop();
  });
});

describe('market monitor', () => {
  const finals = (c: TestClient, symbol: string) =>
    c.messages.filter((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.symbol === symbol);

  it('a 1% move from the last analysis fires once; smaller moves do not', async () => {
    const ctx = await startServer();
    const c = await TestClient.subscribedTo(`${ctx.url}/ws/signals`, 'AAPL');
    ctx.feed.push('AAPL', 100);
    await c.next((m) => m.data?.trigger === 'initial' && m.type !== 'agent_update');
    ctx.feed.push('AAPL', 100.5);
    ctx.feed.push('AAPL', 99.2);
    await ctx.core.idle();
    expect(finals(c, 'AAPL')).toHaveLength(1);
    ctx.feed.push('AAPL', 101);
    await c.next((m) => m.data?.trigger === 'price_move' && m.type !== 'agent_update');
    for (let i = 0; i < 5; i++) ctx.feed.push('AAPL', 101.2);
    await ctx.core.idle();
    await sleep(50);
    expect(finals(c, 'AAPL').map((m) => m.data.trigger)).toEqual(['initial', 'price_move']);
    c.close();
    await ctx.stop();
  });

  it('a slow drift of 1% over many ticks fires (measured from the last analysis, not the previous tick)', async () => {
    const ctx = await startServer();
    const c = await TestClient.subscribedTo(`${ctx.url}/ws/signals`, 'MSFT');
    ctx.feed.push('MSFT', 200);
    await ctx.core.idle();
    for (let i = 1; i <= 20; i++) {
      ctx.feed.push('MSFT', 200 * (1 + 0.0005 * i));
      await ctx.core.idle();
    }
    await c.next((m) => m.data?.trigger === 'price_move' && m.type !== 'agent_update');
    await sleep(50);
    expect(finals(c, 'MSFT').map((m) => m.data.trigger)).toEqual(['initial', 'price_move']);
    c.close();
    await ctx.stop();
  });

  it('never overlaps analyses of a symbol; moves during one coalesce into one follow-up', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    // The first analysis lasts until every move has arrived, however slow the machine: no timing decides the count.
    let release = (): void => undefined;
    const moved = new Promise<void>((resolve) => (release = resolve));
    const slow: Agent = {
      id: 'slow',
      name: 'Slow',
      analyze: async () => {
        running += 1;
        runs += 1;
        maxRunning = Math.max(maxRunning, running);
        await moved;
        running -= 1;
        return { kind: 'vote', signal: 'HOLD', confidence: 0.9, reasons: ['waited'], indicators: {} };
      },
    };
    const ctx = await startServer({ agents: [slow] });
    ctx.feed.watch('NVDA');
    ctx.feed.push('NVDA', 100);
    for (let i = 1; i <= 10; i++) {
      ctx.feed.push('NVDA', 100 + i * 2);
      await sleep(5);
    }
    release();
    await ctx.core.idle();
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2);
    await ctx.stop();
  });
});
