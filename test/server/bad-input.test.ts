// Bad input gets an error with a stable code (and the alert seed clients expect); the connection and others survive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeCode, rawWebSocket } from '../helpers/raw-socket.js';
import { startServer, TestClient } from '../helpers/server.js';

let ctx: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => {
  ctx = await startServer({
    limits: { maxSubscriptions: 3, analyzeBurst: 2, analyzePerSecond: 0.01, messageBurst: 30, messagesPerSecond: 5, abuseThreshold: 10 },
  });
});
afterAll(() => ctx.stop());

async function stillAlive(c: TestClient) {
  const from = c.messages.length;
  c.send({ type: 'heartbeat', id: 'ping' });
  await c.next((m) => m.type === 'heartbeat' && m.id === 'ping', 5_000, from);
}

describe('bad input', () => {
  const cases: { name: string; send: string | Buffer; code: string; alert?: object }[] = [
    { name: 'invalid JSON', send: '{"type": "subscribe", ', code: 'INVALID_JSON', alert: { alert_type: 'error', message: 'Invalid JSON format' } },
    {
      name: 'unknown type',
      send: '{"type":"explode","id":"x1"}',
      code: 'UNKNOWN_TYPE',
      alert: { severity: 'warning', message: 'Unknown message type: explode' },
    },
    { name: 'no type', send: '[1,2,3]', code: 'UNKNOWN_TYPE' },
    { name: 'wrong field type', send: '{"type":"subscribe","symbol":42,"id":"x2"}', code: 'INVALID_MESSAGE' },
    { name: 'subscribe without a symbol', send: '{"type":"subscribe"}', code: 'INVALID_MESSAGE' },
    { name: 'malformed symbol', send: '{"type":"subscribe","symbol":"<script>"}', code: 'INVALID_MESSAGE' },
    { name: 'unknown symbol', send: '{"type":"subscribe","symbol":"ZZZZ","id":"x3"}', code: 'UNKNOWN_SYMBOL' },
    { name: 'analyze with no symbol on /ws/signals', send: '{"type":"analyze"}', code: 'INVALID_MESSAGE' },
    { name: 'binary frame', send: Buffer.from([1, 2, 3]), code: 'BINARY_NOT_SUPPORTED' },
  ];
  for (const c of cases) {
    it(`${c.name}: error ${c.code}, connection stays open, nobody else affected`, async () => {
      const bystander = await TestClient.connect(`${ctx.url}/ws/signals`);
      const client = await TestClient.connect(`${ctx.url}/ws/signals`);
      client.ws.send(c.send);
      const error = await client.next((m) => m.type === 'error');
      expect(error).toMatchObject({ code: c.code, error: expect.any(String), timestamp: expect.any(String) });
      const id = /"id":"(x\d)"/.exec(String(c.send))?.[1];
      if (id) expect(error.id).toBe(id);
      if (c.alert) expect(await client.next((m) => m.type === 'alert')).toMatchObject(c.alert);
      await stillAlive(client);
      await stillAlive(bystander);
      expect(bystander.messages.filter((m) => m.type === 'error')).toHaveLength(0);
      client.close();
      bystander.close();
    });
  }
});

describe('limits', () => {
  it('a frame over 16 KiB closes that connection with 1009', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send(JSON.stringify({ type: 'heartbeat', pad: 'x'.repeat(17 * 1024) }));
    expect((await c.waitClosed()).code).toBe(1009);
  });

  it('JSON nested deeper than 32 levels is INVALID_JSON, never parsed; 32 levels are parsed', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`, { localAddress: '127.0.0.10' });
    c.send(`${'['.repeat(33)}${']'.repeat(33)}`);
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'INVALID_JSON' });
    c.send(`{"type":"heartbeat","id":"deep","x":"${'['.repeat(40)}",${'['.repeat(30)}${']'.repeat(30)}}`.replace(',[', ',"y":['));
    expect(await c.next((m) => m.id === 'deep')).toMatchObject({ type: 'heartbeat' });
    c.close();
  });

  it('subscriptions per connection are capped', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'subscribe', symbols: ['AAPL', 'MSFT', 'NVDA', 'AMZN'], id: 's' });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', id: 's' });
    expect(c.messages.filter((m) => m.type === 'subscribed')).toHaveLength(3);
    c.close();
  });

  it('analyze is rate limited with RATE_LIMITED', async () => {
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    for (let i = 0; i < 3; i++) c.send({ type: 'analyze', symbol: 'AAPL', id: `r${i}` });
    expect(await c.next((m) => m.type === 'error')).toMatchObject({ code: 'RATE_LIMITED', id: 'r2' });
    await stillAlive(c);
    c.close();
  });

  it('sustained abuse is closed with 1008', async () => {
    // From an address of its own: the abuse penalises the address, and the tests after this one use 127.0.0.1.
    const c = await TestClient.connect(`${ctx.url}/ws/signals`, { localAddress: '127.0.0.9' });
    for (let i = 0; i < 100; i++) c.send({ type: 'heartbeat' });
    expect(await c.next((m) => m.code === 'RATE_LIMITED')).toBeTruthy();
    expect(await c.waitClosed()).toMatchObject({ code: 1008, reason: 'rate limit exceeded' });
  });
});

describe('broken frames: the documented close code reaches the client', () => {
  const closeOf = async (bytes: Buffer) => {
    const socket = await rawWebSocket(ctx.port, '/ws/signals', '127.0.0.7');
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.write(bytes);
    await new Promise((r) => socket.once('close', r));
    return closeCode(Buffer.concat(received));
  };
  const masked = (opcode: number, payload: Buffer) => {
    const mask = Buffer.from([1, 2, 3, 4]);
    return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length]), mask, payload.map((b, i) => b ^ mask[i % 4]!)]);
  };

  it('a frame over 16 KiB: 1009, every time', async () => {
    for (let i = 0; i < 10; i++) {
      const c = await TestClient.connect(`${ctx.url}/ws/signals`, { localAddress: '127.0.0.8' });
      c.send(JSON.stringify({ type: 'heartbeat', pad: 'x'.repeat(17 * 1024) }));
      expect((await c.waitClosed()).code).toBe(1009);
    }
  });

  it('invalid UTF-8 in a text frame: 1007', async () => {
    expect(await closeOf(masked(0x1, Buffer.from([0xc3, 0x28, 0xff])))).toBe(1007);
  });

  it('an unmasked client frame, or a reserved opcode: 1002', async () => {
    expect(await closeOf(Buffer.from([0x81, 0x02, 0x7b, 0x7d]))).toBe(1002);
    expect(await closeOf(masked(0x3, Buffer.from('{}')))).toBe(1002);
  });
});

describe('connection limit', () => {
  it('connections beyond the limit are closed with 1013', async () => {
    const small = await startServer({ limits: { maxConnections: 2 } });
    const a = await TestClient.connect(`${small.url}/ws/signals`);
    const b = await TestClient.connect(`${small.url}/ws/signals`);
    const c = new TestClient(`${small.url}/ws/signals`);
    expect(await c.waitClosed()).toMatchObject({ code: 1013 });
    expect(c.messages).toHaveLength(0);
    a.close();
    b.close();
    await small.stop();
  });
});
