// What one hostile client can cost the server: floods, reconnecting flooders, duplicate-heavy subscribes, over-long echoes.
import { describe, expect, it } from 'vitest';
import { closeCode, rawWebSocket, textFrame } from '../helpers/raw-socket.js';
import { startServer, TestClient } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const metric = async (http: string, name: string) => {
  const text = await (await fetch(`${http}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
};

describe('floods', () => {
  it('40,000 frames in one write: the flooder is closed with 1008 and nothing after its close is processed', async () => {
    const limits = { messageBurst: 40, messagesPerSecond: 20, abuseThreshold: 50 };
    const ctx = await startServer({ limits });
    const probe = await TestClient.connect(`${ctx.url}/ws/signals`);
    const flooder = await rawWebSocket(ctx.port, '/ws/signals', '127.0.0.2');
    const received: Buffer[] = [];
    flooder.on('data', (d: Buffer) => received.push(d));
    const frame = textFrame('{"type":"heartbeat"}');
    flooder.write(Buffer.concat(Array.from({ length: 40_000 }, () => frame)));
    await new Promise((r) => flooder.once('close', r));
    expect(closeCode(Buffer.concat(received))).toBe(1008);
    // Processed: the burst, the refusals up to the threshold, and the one that closed it (give or take refill).
    const processed = await metric(ctx.http, 'signals_messages_in_total');
    expect(processed).toBeLessThan(limits.messageBurst + limits.abuseThreshold + 20);
    const from = probe.messages.length;
    probe.send({ type: 'heartbeat', id: 'after' });
    await probe.next((m) => m.id === 'after', 2_000, from);
    probe.close();
    await ctx.stop();
  });

  it('a flooder that reconnects keeps its spent budget: its address is refused with 429, other addresses are not', async () => {
    const ctx = await startServer({ limits: { messageBurst: 5, messagesPerSecond: 1, abuseThreshold: 5, abusePenaltyMs: 5_000 } });
    const flood = async () => {
      const socket = await rawWebSocket(ctx.port, '/ws/signals', '127.0.0.3');
      const frame = textFrame('{"type":"heartbeat"}');
      socket.write(Buffer.concat(Array.from({ length: 100 }, () => frame)));
      socket.resume();
      await new Promise((r) => socket.once('close', r));
    };
    await flood();
    await expect(rawWebSocket(ctx.port, '/ws/signals', '127.0.0.3')).rejects.toThrow(/429/);
    const other = await rawWebSocket(ctx.port, '/ws/signals', '127.0.0.4');
    other.destroy();
    await ctx.stop();
  });
});

describe('subscribe amplification', () => {
  it('a subscribe is answered once per distinct symbol, and a snapshot only for a symbol newly joined', async () => {
    const ctx = await startServer();
    const a = await TestClient.subscribedTo(`${ctx.url}/ws/signals`, 'AAPL');
    a.send({ type: 'analyze', symbol: 'AAPL' });
    await a.next((m) => m.type === 'signal_update' || m.type === 'decision_update');
    a.close();

    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    const symbols = Array.from({ length: 100 }, (_, i) => ['AAPL', 'aapl', 'MSFT', 'AAPL'][i % 4]!);
    for (let i = 0; i < 3; i++) c.send({ type: 'subscribe', symbols, id: i });
    await c.next((m) => m.type === 'subscribed' && m.id === 2 && m.symbol === 'MSFT');
    await sleep(100);
    expect(c.messages.filter((m) => m.type === 'subscribed')).toHaveLength(6);
    const snapshots = c.messages.filter((m) => m.data?.trigger === 'snapshot');
    expect(snapshots.map((m) => m.data.symbol)).toEqual(['AAPL']);
    c.close();
    await ctx.stop();
  });
});

describe('echoes', () => {
  it('an id or type over the documented length is not echoed back whole', async () => {
    const ctx = await startServer();
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'x'.repeat(7_000), id: 'i'.repeat(7_000) });
    const error = await c.next((m) => m.type === 'error');
    expect(error.code).toBe('UNKNOWN_TYPE');
    expect(error.id).toBeUndefined();
    expect(JSON.stringify(error).length).toBeLessThan(400);
    c.send({ type: 'subscribe', symbol: 42, id: 'ok-id' });
    expect(await c.next((m) => m.type === 'error' && m.code === 'INVALID_MESSAGE')).toMatchObject({ id: 'ok-id' });
    c.close();
    await ctx.stop();
  });
});

describe('analyses caused by subscriptions', () => {
  /** Subscribes to `symbol` (outside the configured set), quotes it once, waits for what that started, and unsubscribes. */
  const cycle = async (ctx: Awaited<ReturnType<typeof startServer>>, client: TestClient, symbol: string, id: number) => {
    client.send({ type: 'subscribe', symbol, id });
    await client.next((m) => m.type === 'subscribed' && m.id === id);
    ctx.feed.push(symbol, 100 + id / 100);
    await ctx.core.idle();
    client.send({ type: 'unsubscribe', symbol, id });
    await client.next((m) => m.type === 'unsubscribed' && m.id === id);
  };

  it('a subscribe and unsubscribe loop starts no more analyses than the analyze limit allows', async () => {
    const ctx = await startServer({ symbols: ['AAPL'], limits: { analyzeBurst: 3, analyzePerSecond: 0.01 } });
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    for (let i = 1; i <= 10; i++) await cycle(ctx, c, 'MSFT', i);
    expect(ctx.core.head('MSFT')).toBe(3);
    // Past its limit the subscription still stands: the first quote is only the reference, a move past the threshold analyses.
    c.send({ type: 'subscribe', symbol: 'MSFT', id: 'again' });
    await c.next((m) => m.type === 'subscribed' && m.id === 'again');
    ctx.feed.push('MSFT', 100);
    await ctx.core.idle();
    expect(ctx.core.head('MSFT')).toBe(3);
    const from = c.messages.length;
    ctx.feed.push('MSFT', 103);
    await c.next((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.trigger === 'price_move', 5_000, from);
    expect(ctx.core.head('MSFT')).toBe(4);
    expect(c.messages.filter((m) => m.type === 'error')).toEqual([]);
    c.close();
    await ctx.stop();
  });

  it('connections together share the server-wide limit', async () => {
    const ctx = await startServer({
      symbols: ['AAPL'],
      limits: { analyzeBurst: 5, analyzePerSecond: 0.01, analyzeTotalBurst: 4, analyzeTotalPerSecond: 0.01 },
    });
    const clients = await Promise.all([1, 2, 3].map(() => TestClient.connect(`${ctx.url}/ws/signals`)));
    for (let i = 1; i <= 3; i++) for (const c of clients) await cycle(ctx, c, 'MSFT', i);
    expect(ctx.core.head('MSFT')).toBe(4);
    const refused = clients[0]!.messages.length;
    clients[0]!.send({ type: 'analyze', symbol: 'AAPL', id: 'over' });
    const error = await clients[0]!.next((m) => m.type === 'error', 5_000, refused);
    expect(error).toMatchObject({ code: 'RATE_LIMITED', id: 'over' });
    for (const c of clients) c.close();
    await ctx.stop();
  });
});
