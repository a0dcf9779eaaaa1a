// The typed client recovers by itself: the real `signals serve` killed and restarted on the same state dir (no gap, no repeat),
// or on another one (told plainly); repeats dropped; a refused upgrade's HTTP status on the connect error.
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { SignalsClient, type NotRecovered } from '../../src/client/client.js';
import type { DecisionUpdate, SignalUpdate } from '../../src/protocol/messages.js';
import { spawnServe } from '../helpers/cli.js';
import { startServer, TestClient } from '../helpers/server.js';

/** A fast replay of a volatile stretch: several analyses of AAPL a second. */
const FAST = ['--symbols', 'AAPL', '--from', '2020-03-02', '--speed', '40000', '--threshold', '0.5'];

const stateDir = () => mkdtempSync(join(tmpdir(), 'signals-client-'));
const portOf = (url: string) => new URL(url).port;

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition') {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The seqs of a symbol's publications that a server's log holds, from its HTTP history endpoint. */
async function loggedSeqs(url: string, symbol: string): Promise<number[]> {
  const http = url.replace(/^ws/, 'http').replace(/\/ws\/signals$/, '');
  const seqs: number[] = [];
  let since = 0;
  for (;;) {
    const page = (await (await fetch(`${http}/api/v1/signals/${symbol}?since_seq=${since}&limit=1000`)).json()) as {
      items: { data: { seq: number } }[];
      next_seq?: number;
    };
    seqs.push(...page.items.map((i) => i.data.seq));
    if (page.next_seq === undefined) return seqs;
    since = page.next_seq;
  }
}

/** Every publication the client emits, in order. */
function received(client: SignalsClient) {
  const got: (SignalUpdate | DecisionUpdate)[] = [];
  client.on('signal_update', (m) => got.push(m));
  client.on('decision_update', (m) => got.push(m));
  return got;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function serve(args: string[]) {
  const server = spawnServe(args);
  cleanups.push(() => {
    server.child.kill('SIGKILL');
    return server.exited;
  });
  return server;
}

describe('the client after a server restart', () => {
  it(
    'on the same state dir: recovers what was published while away, with no gap and no repeat, as the log holds it',
    { timeout: 60_000 },
    async () => {
      const dir = stateDir();
      const first = serve(['--state-dir', dir, ...FAST]);
      const url = await first.url;
      // Its first reconnect comes 7.5 to 15 s after the loss: long enough for the restarted server (which builds its
      // calibration before it listens) to publish meanwhile.
      const client = new SignalsClient({ url, initialDelayMs: 15_000, maxDelayMs: 15_000 });
      cleanups.push(() => client.close());
      const got = received(client);
      const acks: { recovered?: boolean | undefined; seq?: number | undefined }[] = [];
      client.on('subscribed', (m) => acks.push(m));
      const lost: NotRecovered[] = [];
      client.on('not_recovered', (n) => lost.push(n));
      await client.connect();
      client.subscribe(['AAPL']);
      await until(() => got.length >= 3, 20_000, 'publications before the kill');

      first.child.kill('SIGKILL');
      await first.exited;
      await until(() => client.state.status === 'reconnecting', 5_000, 'the client to notice');
      const beforeKill = got.at(-1)!.data.seq!;
      const second = serve(['--state-dir', dir, '--port', portOf(url), ...FAST]);
      await second.url;
      // Published while the client was away (the replay publishes by itself; an analysis makes sure).
      const other = await TestClient.connect(url);
      other.send({ type: 'analyze', symbol: 'AAPL' });
      await until(async () => (await loggedSeqs(url, 'AAPL')).length >= beforeKill + 2, 10_000, 'publications while away');
      other.close();
      expect(client.state.status).toBe('reconnecting');

      await until(() => acks.length === 2, 20_000, 'the resubscribe');
      expect(acks[1]).toMatchObject({ recovered: true });
      expect(acks[1]!.seq).toBeGreaterThan(beforeKill);
      const head = acks[1]!.seq!;
      await until(() => (got.at(-1)?.data.seq ?? 0) >= head + 2, 20_000, 'live publications after the replay');

      const seqs = got.map((m) => m.data.seq!);
      const firstSeq = seqs[0]!;
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => firstSeq + i));
      expect(new Set(got.map((m) => m.data.epoch)).size).toBe(1);
      expect(lost).toEqual([]);
      const logged = await loggedSeqs(url, 'AAPL');
      expect(logged.filter((s) => s >= firstSeq && s <= seqs.at(-1)!)).toEqual(seqs);
    },
  );

  it('on another state dir (another epoch): `not_recovered` says so, then the new log is followed from its head', async () => {
    const first = serve(['--state-dir', stateDir(), ...FAST]);
    const url = await first.url;
    const client = new SignalsClient({ url, initialDelayMs: 200, maxDelayMs: 400 });
    cleanups.push(() => client.close());
    const got = received(client);
    const events: string[] = [];
    client.on('subscribed', (m) => events.push(`subscribed ${String(m.recovered)}`));
    client.on('not_recovered', () => events.push('not_recovered'));
    const lost: NotRecovered[] = [];
    client.on('not_recovered', (n) => lost.push(n));
    await client.connect();
    client.subscribe(['AAPL']);
    await until(() => got.length >= 2, 20_000, 'publications before the kill');
    first.child.kill('SIGKILL');
    await first.exited;
    const had = got.at(-1)!.data;

    const second = serve(['--state-dir', stateDir(), '--port', portOf(url), ...FAST]);
    await second.url;
    await until(() => lost.length === 1, 15_000, 'not_recovered');
    expect(events.slice(0, 3)).toEqual(['subscribed undefined', 'subscribed false', 'not_recovered']);
    const n = lost[0]!;
    expect(n).toMatchObject({ symbol: 'AAPL', reason: 'another_log', had: { seq: had.seq, epoch: had.epoch } });
    expect(n.now.epoch).not.toBe(had.epoch);
    // The new log numbers from 1 again: its publications are new to the client, not repeats.
    await until(() => got.some((m) => m.data.epoch === n.now.epoch && m.data.seq! > n.now.seq), 20_000, 'publications of the new log');
    const fresh = got.filter((m) => m.data.epoch === n.now.epoch).map((m) => m.data.seq!);
    expect(fresh).toEqual(Array.from({ length: fresh.length }, (_, i) => fresh[0]! + i));
  });
});

describe('the client against a server that repeats itself', () => {
  it('drops a publication whose seq it already has, and resubscribes with one `since` cursor per symbol', async () => {
    // A server speaking the protocol that, unlike ours, sends repeats: this is the client's defence in depth.
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    cleanups.push(() => new Promise((r) => wss.close(r)));
    const T = new Date().toISOString();
    const publication = (symbol: string, seq: number) => ({
      type: 'decision_update',
      data: {
        symbol,
        decision: { action: 'NO_SIGNAL', reason: `#${seq}`, agent_summary: {} },
        timestamp: T,
        trigger: 'price_move',
        seq,
        epoch: 'e1',
      },
    });
    const subscribes: any[] = [];
    wss.on('connection', (ws) => {
      ws.send(
        JSON.stringify({
          type: 'connected',
          client_id: 'c',
          timestamp: T,
          message: 'hi',
          server_version: '0',
          protocol_version: 1,
          agents: [],
          symbols: [],
        }),
      );
      ws.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString());
        subscribes.push(m);
        if (subscribes.length > 1) return;
        for (const symbol of m.symbols)
          ws.send(JSON.stringify({ type: 'subscribed', symbol, status: 'subscribed', timestamp: T, seq: 0, epoch: 'e1' }));
        for (const [symbol, seq] of [
          ['AAPL', 1],
          ['AAPL', 2],
          ['AAPL', 2],
          ['MSFT', 1],
          ['AAPL', 1],
          ['AAPL', 3],
          ['MSFT', 1],
        ] as const) {
          ws.send(JSON.stringify(publication(symbol, seq)));
        }
        setTimeout(() => ws.terminate(), 100);
      });
    });
    const { port } = wss.address() as AddressInfo;
    const client = new SignalsClient({ url: `ws://127.0.0.1:${port}/ws/signals`, initialDelayMs: 50, maxDelayMs: 100 });
    cleanups.push(() => client.close());
    const got = received(client);
    await client.connect();
    client.subscribe(['AAPL', 'MSFT']);
    await until(() => subscribes.length === 2, 5_000, 'the resubscribe');
    expect(got.map((m) => `${m.data.symbol} ${m.data.seq}`)).toEqual(['AAPL 1', 'AAPL 2', 'MSFT 1', 'AAPL 3']);
    expect(subscribes[1]).toMatchObject({
      type: 'subscribe',
      symbols: ['AAPL', 'MSFT'],
      since: { AAPL: { seq: 3, epoch: 'e1' }, MSFT: { seq: 1, epoch: 'e1' } },
    });
    expect(client.positions()).toEqual({ AAPL: { seq: 3, epoch: 'e1' }, MSFT: { seq: 1, epoch: 'e1' } });
  });
});

describe('the connect error', () => {
  it('carries the HTTP status of a refused upgrade as a field', async () => {
    const ctx = await startServer();
    cleanups.push(() => ctx.stop());
    await expect(new SignalsClient({ url: `${ctx.url}/not/signals` }).connect()).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      httpStatus: 404,
    });
    const port = ctx.port;
    await ctx.stop();
    cleanups.pop();
    await expect(new SignalsClient({ url: `ws://127.0.0.1:${port}/ws/signals` }).connect()).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      httpStatus: undefined,
    });
  });
});
