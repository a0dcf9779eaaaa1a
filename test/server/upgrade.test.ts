// The upgrade path under hostile requests: resets at every stage, broken paths, refusals by HTTP status, the connection limit.
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TestClient } from '../helpers/server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const upgradeRequest = (path: string, extra = '') =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

function open(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    socket.once('error', reject);
    socket.once('connect', () => resolve(socket));
  });
}

/** Sends an upgrade request and resolves with the HTTP status line's code. */
async function statusOf(port: number, path: string, localAddress?: string): Promise<number> {
  const socket = await open(port, localAddress);
  socket.on('error', () => {});
  socket.write(upgradeRequest(path));
  const head = await new Promise<string>((resolve) => {
    let text = '';
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\r\n\r\n')) resolve(text);
    });
    socket.on('close', () => resolve(text));
  });
  socket.destroy();
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
}

let ctx: Awaited<ReturnType<typeof startServer>>;
beforeAll(async () => (ctx = await startServer()));
afterAll(() => ctx.stop());

async function alive(): Promise<void> {
  expect((await fetch(`${ctx.http}/healthz`)).status).toBe(200);
  (await TestClient.connect(`${ctx.url}/ws/signals`)).close();
}

describe('resets during the handshake', () => {
  it('a reset right after an upgrade request to an unknown path never takes the server down', async () => {
    for (let i = 0; i < 30; i++) {
      const socket = await open(ctx.port);
      socket.on('error', () => {});
      socket.write(upgradeRequest('/nope'));
      socket.resetAndDestroy();
    }
    await sleep(100);
    await alive();
  });

  it('a reset at each stage: after connect, mid-request, after a valid request, right after the 101', async () => {
    const stages: ((s: Socket) => Promise<void>)[] = [
      async () => {},
      async (s) => void s.write('GET /ws/sig'),
      async (s) => void s.write(upgradeRequest('/ws/signals')),
      async (s) => {
        s.write(upgradeRequest('/ws/symbols/AAPL'));
        await new Promise((r) => s.once('data', r));
      },
    ];
    for (let round = 0; round < 5; round++) {
      for (const stage of stages) {
        const socket = await open(ctx.port);
        socket.on('error', () => {});
        await stage(socket);
        socket.resetAndDestroy();
      }
    }
    await sleep(100);
    await alive();
  });
});

describe('request targets', () => {
  it('broken percent-encoding in a path symbol is 400, not a crash', async () => {
    expect(await statusOf(ctx.port, '/ws/symbols/%')).toBe(400);
    expect(await statusOf(ctx.port, '/ws/symbols/%E0%A4%A')).toBe(400);
    await alive();
  });

  it('a path symbol outside the ASCII symbol rule is 400: ſPY does not alias SPY', async () => {
    expect(await statusOf(ctx.port, '/ws/symbols/%C5%BFPY')).toBe(400);
    expect(await statusOf(ctx.port, `/ws/symbols/${'A'.repeat(17)}`)).toBe(400);
    expect(await statusOf(ctx.port, '/ws/symbols/BRK.B')).toBe(101);
  });

  it('an unknown path is 404', async () => {
    expect(await statusOf(ctx.port, '/nope')).toBe(404);
    expect(await statusOf(ctx.port, '/ws/signals/extra')).toBe(404);
  });
});

describe('connection limit', () => {
  it('upgrades still authenticating count against --max-connections', async () => {
    // A JWKS endpoint that never answers keeps the first upgrade authenticating.
    const { createServer } = await import('node:http');
    const hanging = createServer(() => {});
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const jwks = `http://127.0.0.1:${(hanging.address() as { port: number }).port}/jwks`;
    const small = await startServer({ auth: { jwksUrl: jwks }, limits: { maxConnections: 1, handshakeTimeoutMs: 1_500 } });
    const token = ['eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ', 'eyJleHAiOjQxMDI0NDQ4MDB9', 'c2ln'].join('.');
    const waiting = new TestClient(`${small.url}/ws/signals?token=${token}`);
    await sleep(200);
    const second = new TestClient(`${small.url}/ws/signals?token=${token}`);
    expect(await second.waitClosed()).toMatchObject({ code: 1013 });
    waiting.close();
    await small.stop();
    hanging.closeAllConnections();
    await new Promise((r) => hanging.close(r));
  });
});
