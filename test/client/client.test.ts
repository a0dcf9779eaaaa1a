// The typed client against the real server: typed events, auth refusal, reconnect with backoff and resubscribe.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { backoffDelay, SignalsClient, type ClientState } from '../../src/client/client.js';
import { SignalServer } from '../../src/server/signal-server.js';
import { startServer, TestClient } from '../helpers/server.js';

describe('backoffDelay', () => {
  it('grows exponentially with equal jitter and a cap', () => {
    expect(backoffDelay(0, 500, 15_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 15_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 15_000, () => 0.5)).toBe(3000);
    expect(backoffDelay(20, 500, 15_000, () => 1)).toBe(15_000);
  });
});

describe('SignalsClient', () => {
  it('connects, subscribes and receives typed signals', async () => {
    const ctx = await startServer();
    const client = new SignalsClient({ url: `${ctx.url}/ws/signals` });
    const welcome = await client.connect();
    expect(welcome.agents).toHaveLength(5);
    const got = new Promise<string>((resolve) => client.on('price_update', (m) => resolve(`${m.data.symbol} ${m.data.price}`)));
    client.subscribe(['AAPL']);
    await new Promise((r) => client.once('subscribed', r));
    ctx.feed.push('AAPL', 123.45);
    expect(await got).toBe('AAPL 123.45');
    client.close();
    await ctx.stop();
  });

  it('rejects with AUTH_FAILED on a refused token and CONNECTION_FAILED when nothing answers', async () => {
    const ctx = await startServer({ auth: { tokens: ['right'] } });
    await expect(new SignalsClient({ url: `${ctx.url}/ws/signals`, token: 'wrong' }).connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    const port = ctx.port;
    await ctx.stop();
    await expect(new SignalsClient({ url: `ws://127.0.0.1:${port}/ws/signals` }).connect()).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
  });

  it('reconnects after the server goes away and resubscribes; snapshots come back', async () => {
    const first = await startServer();
    const port = first.port;
    const client = new SignalsClient({ url: `${first.url}/ws/signals`, initialDelayMs: 50, maxDelayMs: 200 });
    const states: ClientState['status'][] = [];
    client.on('state', (s) => states.push(s.status));
    await client.connect();
    client.subscribe(['JPM']);
    await new Promise((r) => client.once('subscribed', r));
    await first.stop();

    // A new server on the same port (the old one restarted).
    const second = new SignalServer({ ...(first.server as unknown as { options: ConstructorParameters<typeof SignalServer>[0] }).options, port });
    await second.start();
    const resubscribed = await new Promise<string>((resolve) => client.on('subscribed', (m) => resolve(m.symbol)));
    expect(resubscribed).toBe('JPM');
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('open');
    client.close();
    await second.stop();
  });
});

describe('SignalsClient and server errors', () => {
  it('delivers error messages as `server_error`, never as a fatal EventEmitter error', async () => {
    const ctx = await startServer();
    const client = new SignalsClient({ url: `${ctx.url}/ws/signals` });
    await client.connect();
    const got = new Promise<string>((resolve) => client.on('server_error', (m) => resolve(m.code)));
    client.subscribe(['NOPE']);
    expect(await got).toBe('UNKNOWN_SYMBOL');
    client.close();
    await ctx.stop();
  });
});

describe('SignalsClient and a server that turns it away', () => {
  it('a full server (1013) rejects connect with SERVER_BUSY, not CONNECTION_FAILED', async () => {
    const ctx = await startServer({ limits: { maxConnections: 1 } });
    const first = await TestClient.connect(`${ctx.url}/ws/signals`);
    const client = new SignalsClient({ url: `${ctx.url}/ws/signals` });
    await expect(client.connect()).rejects.toMatchObject({
      code: 'SERVER_BUSY',
      message: expect.stringMatching(/too many connections.*try again later/),
    });
    expect(client.state).toEqual({ status: 'closed', reason: 'too many connections' });
    first.close();
    await ctx.server.stop();
  });

  it('an open connection that finds the server full on reconnect keeps retrying with backoff, then gets back in', async () => {
    const first = await startServer();
    const port = first.port;
    const client = new SignalsClient({ url: `${first.url}/ws/signals`, initialDelayMs: 400, maxDelayMs: 400 });
    const states: ClientState[] = [];
    client.on('state', (s) => states.push(s));
    await client.connect();
    client.subscribe(['JPM']);
    await new Promise((r) => client.once('subscribed', r));
    await first.server.stop();

    // The server comes back with room for one, and someone else takes it before the client retries (200-400 ms).
    const second = await startServer({ port, limits: { maxConnections: 1 } });
    const other = await TestClient.connect(`${second.url}/ws/signals`);
    await expect
      .poll(() => states.filter((s) => s.status === 'reconnecting' && s.reason === 'too many connections').length, { timeout: 5_000 })
      .toBeGreaterThanOrEqual(2);
    other.close();
    const resubscribed = await new Promise<string>((resolve) => client.on('subscribed', (m) => resolve(m.symbol)));
    expect(resubscribed).toBe('JPM');
    expect(states.some((s) => s.status === 'closed')).toBe(false);
    expect(states.at(-1)?.status).toBe('open');
    client.close();
    await second.server.stop();
  });

  it('a 1008 after the welcome ("rate limit exceeded") is no authentication failure: the client reconnects', async () => {
    const ctx = await startServer({ limits: { messageBurst: 1, messagesPerSecond: 0.001, abuseThreshold: 1 } });
    const client = new SignalsClient({ url: `${ctx.url}/ws/signals`, initialDelayMs: 5_000, maxDelayMs: 5_000 });
    const states: ClientState[] = [];
    client.on('state', (s) => states.push(s));
    await client.connect();
    for (let i = 0; i < 5; i++) client.getStatus();
    await expect.poll(() => states.at(-1), { timeout: 5_000 }).toMatchObject({ status: 'reconnecting', reason: 'rate limit exceeded' });
    client.close();
    await ctx.server.stop();
  });

  it('an upgrade refused with HTTP 429 rejects connect with RATE_LIMITED', async () => {
    // The server answers 429 to the upgrades of an address it penalises; a plain HTTP server gives that answer here.
    const http = createServer();
    http.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const client = new SignalsClient({ url: `ws://127.0.0.1:${port}/ws/signals` });
    await expect(client.connect()).rejects.toMatchObject({ code: 'RATE_LIMITED', message: expect.stringMatching(/HTTP 429/) });
    await new Promise((resolve) => http.close(resolve));
  });
});
