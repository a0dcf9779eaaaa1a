// Recovery on the wire: `since` cursors give exactly what was missed, then live; history pages over WebSocket and HTTP.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { MemoryLog } from '../../src/log/memory-log.js';
import type { Publication } from '../../src/log/signal-log.js';
import { ServerMessage } from '../../src/protocol/messages.js';
import { startServer, TestClient } from '../helpers/server.js';

const hold: Agent = {
  id: 'steady',
  name: 'Steady',
  analyze: async () => ({ kind: 'vote', signal: 'HOLD', confidence: 0.9, reasons: ['flat'], indicators: {} }),
};
const decision = (symbol: string, reason: string): Publication => ({
  type: 'decision_update',
  data: { symbol, decision: { action: 'NO_SIGNAL', reason, agent_summary: {} }, timestamp: new Date().toISOString(), trigger: 'price_move' },
});
const publications = (c: TestClient, symbol: string, from = 0) =>
  c.messages.slice(from).filter((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.symbol === symbol);

describe('recovery with since', () => {
  it('a client that missed publications gets exactly those, in order, then live ones, with no gap or duplicate', async () => {
    const log = new MemoryLog();
    const ctx = await startServer({ agents: [hold], log });
    const first = await TestClient.subscribedTo(`${ctx.url}/ws/signals`, 'AAPL');
    first.send({ type: 'analyze', symbol: 'AAPL' });
    const seen = await first.next((m) => m.type === 'decision_update' || m.type === 'signal_update');
    expect(seen.data).toMatchObject({ seq: 1, epoch: log.epoch });
    first.close();
    // Published while the client was away.
    for (let i = 0; i < 5; i++) await log.append('AAPL', decision('AAPL', `away ${i}`));

    const back = await TestClient.connect(`${ctx.url}/ws/signals`);
    back.send({ type: 'subscribe', symbol: 'AAPL', since: { seq: seen.data.seq, epoch: seen.data.epoch }, id: 'r' });
    const ack = await back.next((m) => m.type === 'subscribed');
    expect(ack).toMatchObject({ symbol: 'AAPL', seq: 6, epoch: log.epoch, recovered: true, id: 'r' });
    expect(ServerMessage.safeParse(ack).success).toBe(true);
    await back.next(() => publications(back, 'AAPL').length === 5);
    back.send({ type: 'analyze', symbol: 'AAPL' });
    await back.next(() => publications(back, 'AAPL').length === 6);
    await ctx.core.idle();
    const got = publications(back, 'AAPL');
    expect(got.map((m) => m.data.seq)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(got.slice(0, 5).map((m) => m.data.decision.reason)).toEqual(['away 0', 'away 1', 'away 2', 'away 3', 'away 4']);
    expect(got.some((m) => m.data.trigger === 'snapshot')).toBe(false);
    back.close();
    await ctx.stop();
  });

  it('a cursor from another log (epoch), or from the future, is not recovered: the latest snapshot instead', async () => {
    const log = new MemoryLog();
    const ctx = await startServer({ agents: [hold], log });
    for (let i = 0; i < 3; i++) await log.append('MSFT', decision('MSFT', `p${i}`));
    for (const since of [
      { seq: 1, epoch: 'another-log' },
      { seq: 9, epoch: log.epoch },
    ]) {
      const c = await TestClient.connect(`${ctx.url}/ws/signals`);
      c.send({ type: 'subscribe', symbol: 'MSFT', since });
      expect(await c.next((m) => m.type === 'subscribed')).toMatchObject({ recovered: false, seq: 3 });
      const snapshot = await c.next((m) => m.type === 'decision_update');
      expect(snapshot.data).toMatchObject({ seq: 3, trigger: 'snapshot' });
      c.close();
    }
    await ctx.stop();
  });

  it('a cursor older than what the log retains is not recovered', async () => {
    const log = new MemoryLog({ maxCount: 3, maxAgeMs: 1e12 });
    const ctx = await startServer({ agents: [hold], log });
    for (let i = 0; i < 10; i++) await log.append('KO', decision('KO', `p${i}`));
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'subscribe', symbols: ['KO'], since: { KO: { seq: 2, epoch: log.epoch } } });
    expect(await c.next((m) => m.type === 'subscribed')).toMatchObject({ recovered: false, seq: 10 });
    c.close();
    const ok = await TestClient.connect(`${ctx.url}/ws/signals`);
    ok.send({ type: 'subscribe', symbols: ['KO', 'PG'], since: { ko: { seq: 7, epoch: log.epoch } } });
    expect(await ok.next((m) => m.type === 'subscribed' && m.symbol === 'KO')).toMatchObject({ recovered: true });
    expect((await ok.next((m) => m.type === 'subscribed' && m.symbol === 'PG')).recovered).toBeUndefined();
    await ok.next(() => publications(ok, 'KO').length === 3);
    expect(publications(ok, 'KO').map((m) => m.data.seq)).toEqual([8, 9, 10]);
    ok.close();
    await ctx.stop();
  });

  it('thousands of missed publications are paced by the client reading: no slow-consumer close', async () => {
    const log = new MemoryLog();
    const ctx = await startServer({ agents: [hold], log, limits: { maxBufferedBytes: 256 * 1024, conflateAtBytes: 64 * 1024 } });
    const pad = 'x'.repeat(1_500);
    for (let i = 0; i < 3_000; i++) await log.append('NVDA', decision('NVDA', `${i} ${pad}`));
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'subscribe', symbol: 'NVDA', since: { seq: 0, epoch: log.epoch } });
    // Counted once per poll: a predicate for `next` runs once per message received, which with thousands of them
    // takes the event loop from the server it shares the process with.
    await expect.poll(() => publications(c, 'NVDA').length, { timeout: 20_000, interval: 50 }).toBe(3_000);
    expect(publications(c, 'NVDA').map((m) => m.data.seq)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
    expect(c.closed).toBeUndefined();
    c.close();
    await ctx.stop();
  });
});

describe('history', () => {
  it('pages of logged publications over the WebSocket and GET /api/v1/signals/{symbol}', async () => {
    const log = new MemoryLog();
    const ctx = await startServer({ agents: [hold], log });
    for (let i = 0; i < 25; i++) await log.append('JPM', decision('JPM', `h${i}`));
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'history', symbol: 'jpm', limit: 10, id: 'h1' });
    const page = await c.next((m) => m.type === 'history');
    expect(ServerMessage.safeParse(page).success).toBe(true);
    expect(page).toMatchObject({ symbol: 'JPM', epoch: log.epoch, next_seq: 10, id: 'h1' });
    expect(page.items.map((m: any) => m.data.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const http = (await (await fetch(`${ctx.http}/api/v1/signals/JPM?since_seq=20&limit=10`)).json()) as any;
    expect(http.items.map((m: any) => m.data.seq)).toEqual([21, 22, 23, 24, 25]);
    expect(http.next_seq).toBeUndefined();
    expect((await fetch(`${ctx.http}/api/v1/signals/ZZZZ`)).status).toBe(404);
    expect((await fetch(`${ctx.http}/api/v1/signals/JPM?limit=0`)).status).toBe(400);
    expect((await fetch(`${ctx.http}/api/v1/signals/JPM?from=yesterday`)).status).toBe(400);
    expect((await fetch(`${ctx.http}/api/v1/signals/%E0%A4%A`)).status).toBe(400);
    c.send({ type: 'history', symbol: 'JPM', from: 'not a date', id: 'h2' });
    expect(await c.next((m) => m.type === 'error' && m.id === 'h2')).toMatchObject({ code: 'INVALID_MESSAGE' });
    c.close();
    await ctx.stop();
  });

  it('under auth, the history endpoint needs the token', async () => {
    const ctx = await startServer({ auth: { tokens: ['t0k'] } });
    expect((await fetch(`${ctx.http}/api/v1/signals/AAPL`)).status).toBe(401);
    expect((await fetch(`${ctx.http}/api/v1/signals/AAPL?token=t0k`)).status).toBe(200);
    await ctx.stop();
  });
});
