// The typed client against the real server: typed events, auth refusal, reconnect with backoff and resubscribe.
import { describe, expect, it } from 'vitest';
import { backoffDelay, SignalsClient, type ClientState } from '../../src/client/client.js';
import { SignalServer } from '../../src/server/signal-server.js';
import { startServer } from '../helpers/server.js';

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
    await ctx.server.stop();
  });

  it('rejects with AUTH_FAILED on a refused token and CONNECTION_FAILED when nothing answers', async () => {
    const ctx = await startServer({ auth: { tokens: ['right'] } });
    await expect(new SignalsClient({ url: `${ctx.url}/ws/signals`, token: 'wrong' }).connect()).rejects.toMatchObject({ code: 'AUTH_FAILED' });
    const port = ctx.port;
    await ctx.server.stop();
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
    await first.server.stop();

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
    await ctx.server.stop();
  });
});
