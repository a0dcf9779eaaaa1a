// Every seed message and every addition, against the real server on port 0 over real sockets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerMessage } from '../../src/protocol/messages.js';
import { startServer, TestClient } from '../helpers/server.js';

let ctx: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  ctx = await startServer();
});
afterAll(() => ctx.stop());

describe('connect', () => {
  it('welcomes with the seed heartbeat (client_id) and then `connected` with version, agents and symbols', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    expect(c.messages[0]).toMatchObject({ type: 'heartbeat', client_id: expect.any(String), message: expect.any(String) });
    expect(c.messages[1]).toMatchObject({
      type: 'connected',
      client_id: c.messages[0].client_id,
      server_version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
      agents: expect.arrayContaining([{ id: 'technical', name: 'TechnicalAnalyst' }]),
    });
    expect(c.messages[1].symbols).toContain('AAPL');
    c.close();
  });
});

describe('requests', () => {
  it('subscribe / unsubscribe are acknowledged in the seed shape; several symbols and an id are additions', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'subscribe', symbol: 'AAPL' });
    expect(await c.next((m) => m.type === 'subscribed')).toMatchObject({ symbol: 'AAPL', status: 'subscribed', timestamp: expect.any(String) });
    c.send({ type: 'subscribe', symbols: ['MSFT', 'nvda'], id: 7 });
    await c.next((m) => m.type === 'subscribed' && m.symbol === 'NVDA' && m.id === 7);
    c.send({ type: 'unsubscribe', symbol: 'AAPL' });
    expect(await c.next((m) => m.type === 'unsubscribed')).toMatchObject({ symbol: 'AAPL', status: 'unsubscribed' });
    c.close();
  });

  it('analyze subscribes, acknowledges with an info alert, then streams progress, votes and the consensus with a seq', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'analyze', symbol: 'JPM', id: 'a1' });
    expect(await c.next((m) => m.type === 'alert')).toMatchObject({
      alert_type: 'analysis_started',
      message: 'Analysis started for JPM',
      severity: 'info',
      id: 'a1',
    });
    await c.next((m) => m.type === 'subscribed' && m.symbol === 'JPM');
    const final = await c.next((m) => m.type === 'signal_update' || m.type === 'decision_update');
    const updates = c.messages.filter((m) => m.type === 'agent_update');
    expect(updates[0].data).toMatchObject({ agent: 'Orchestrator', signal: 'ANALYZING', confidence: 0 });
    expect(updates.filter((m) => m.data.signal === 'PROCESSING')).toHaveLength(5);
    expect(updates.filter((m) => ['BUY', 'SELL', 'HOLD', 'ABSTAINED', 'FAILED'].includes(m.data.signal))).toHaveLength(5);
    expect(final.data).toMatchObject({ symbol: 'JPM', trigger: 'manual', seq: expect.any(Number) });
    for (const m of c.messages) expect(() => ServerMessage.parse(m)).not.toThrow();
    c.close();
  });

  it('a new subscriber gets the latest signal at once, marked as a snapshot, with the same seq', async () => {
    const a = await TestClient.connect(`${ctx.url}/ws/signals`);
    a.send({ type: 'analyze', symbol: 'XOM' });
    const final = await a.next((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.symbol === 'XOM');
    const b = await TestClient.connect(`${ctx.url}/ws/signals`);
    b.send({ type: 'subscribe', symbol: 'XOM' });
    const snap = await b.next((m) => m.type === final.type);
    expect(snap.data).toMatchObject({ symbol: 'XOM', trigger: 'snapshot', seq: final.data.seq });
    a.close();
    b.close();
  });

  it('every signal for a symbol carries the next sequence number', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'analyze', symbol: 'KO' });
    const first = await c.next((m) => m.data?.symbol === 'KO' && (m.type === 'signal_update' || m.type === 'decision_update'));
    const from = c.messages.length;
    c.send({ type: 'analyze', symbol: 'KO' });
    const second = await c.next((m) => m.data?.symbol === 'KO' && (m.type === 'signal_update' || m.type === 'decision_update'), 5_000, from);
    expect(second.data.seq).toBe(first.data.seq + 1);
    c.close();
  });

  it('get_status answers status_update; heartbeat is echoed', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'get_status' });
    expect((await c.next((m) => m.type === 'status_update')).data).toMatchObject({
      running: true,
      active_analyses: expect.any(Number),
      active_agents: expect.any(Number),
      websocket_connections: expect.any(Number),
    });
    const before = c.messages.length;
    c.send({ type: 'heartbeat' });
    expect(await c.next((m) => m.type === 'heartbeat', 5_000, before)).toMatchObject({ timestamp: expect.any(String) });
    c.close();
  });

  it('price_update reaches the room with numeric price and volume', async () => {
    const c = await TestClient.subscribedTo(`${ctx.url}/ws/signals`, 'PG');
    ctx.feed.push('PG', 101.5);
    const p = await c.next((m) => m.type === 'price_update');
    expect(p.data).toMatchObject({ symbol: 'PG', price: 101.5, volume: 1000, change: 1.5, change_percent: 1.5, previous_close: 100 });
    c.close();
  });
});

describe('failures', () => {
  it('an analysis that cannot run reaches its waiting clients as decision_update ERROR with code ANALYSIS_FAILED', async () => {
    const past = await startServer();
    // A feed whose clock is not a time (as a broken live provider's could be): no snapshot can be built.
    past.feed.clock = 'not a time';
    const c = await TestClient.connect(`${past.url}/ws/signals`);
    c.send({ type: 'analyze', symbol: 'AAPL', id: 'e1' });
    const failure = await c.next((m) => m.type === 'decision_update');
    expect(failure.data).toMatchObject({
      symbol: 'AAPL',
      seq: 1,
      trigger: 'manual',
      decision: { action: 'ERROR', code: 'ANALYSIS_FAILED', error: expect.any(String) },
    });
    expect(ServerMessage.safeParse(failure).success).toBe(true);
    c.close();
    await past.stop();
  });
});

describe('/ws/symbols/{symbol}', () => {
  it('subscribes on connect, starts one analysis (trigger connect); analyze re-analyses it', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/symbols/msft`);
    await c.next((m) => m.type === 'subscribed' && m.symbol === 'MSFT');
    const first = await c.next((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.trigger === 'connect');
    c.send({ type: 'analyze' });
    const second = await c.next((m) => (m.type === 'signal_update' || m.type === 'decision_update') && m.data.trigger === 'manual');
    expect(second.data.seq).toBeGreaterThan(first.data.seq);
    c.close();
  });

  it('an unknown symbol in the path gets UNKNOWN_SYMBOL and a close', async () => {
    const c = new TestClient(`${ctx.url}/ws/symbols/NOPE`);
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'UNKNOWN_SYMBOL' });
    expect((await c.waitClosed()).code).toBe(1008);
  });
});

describe('HTTP', () => {
  it('GET /ws/status in the seed shape', async () => {
    const c = await TestClient.subscribedTo(`${ctx.url}/ws/signals`, 'AAPL');
    const status = (await (await fetch(`${ctx.http}/ws/status`)).json()) as any;
    expect(status.websocket_manager).toMatchObject({
      total_connections: expect.any(Number),
      active_connections: expect.any(Number),
      messages_sent: expect.any(Number),
    });
    expect(status.websocket_manager.rooms.AAPL).toBeGreaterThanOrEqual(1);
    expect(status.orchestrator).toMatchObject({ running: true });
    c.close();
  });

  it('/healthz and Prometheus /metrics', async () => {
    expect(await (await fetch(`${ctx.http}/healthz`)).json()).toMatchObject({ status: 'ok' });
    const res = await fetch(`${ctx.http}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    for (const name of [
      'signals_connections',
      'signals_messages_in_total',
      'signals_messages_out_total',
      'signals_analyses_total',
      'signals_agent_duration_seconds_bucket',
      'signals_slow_consumers_closed_total',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).toMatch(/signals_analyses_total\{trigger="manual",outcome="[A-Z_]+"\} \d+/);
    // Node's defaults under their conventional names, the build, and the feed's state.
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(text).toMatch(/^signals_build_info\{version="\d+\.\d+\.\d+",node="v\d+[^"]*"\} 1$/m);
    expect(text).toMatch(/^signals_feed_state\{state="running"\} 1$/m);
    expect(text).toMatch(/^signals_feed_state\{state="ended"\} 0$/m);
  });

  it('unknown paths: 404 over HTTP, and the upgrade is refused', async () => {
    expect((await fetch(`${ctx.http}/nope`)).status).toBe(404);
    const c = new TestClient(`${ctx.url}/ws/other`);
    await expect(c.waitClosed()).resolves.toMatchObject({ code: 1006 });
  });
});
