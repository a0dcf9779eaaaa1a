// A turn's messages to a room go out joined, one write per subscriber, on the fast path; on both paths each
// client receives everything in the order it was sent, and a publication skips whoever already has it.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.js';
import type { Connection } from '../../src/server/connection.js';
import { hubServer } from '../helpers/hub-server.js';
import { decision } from '../helpers/publications.js';
import { TestClient } from '../helpers/server.js';

const alert = (message: string): ServerMessage => ({
  type: 'alert',
  alert_type: 'load',
  message,
  severity: 'info',
  timestamp: new Date().toISOString(),
});
/** AAPL's publication number `seq` (a NO_SIGNAL decision whose reason is `p<seq>`). */
const publication = (seq: number): ServerMessage => {
  const { data } = decision(seq);
  return { type: 'decision_update', data: { ...data, seq } } as ServerMessage;
};
/** What a client received, told apart: alerts by their text, decisions by their reason. */
const seen = (client: TestClient) =>
  client.messages.flatMap((m) => (m.type === 'alert' ? [m.message] : m.type === 'decision_update' ? [m.data.decision.reason] : []));

/** Counts the writes to a connection's socket (the ws internals the fast path writes to). */
function countWrites(connection: Connection): { count: number } {
  const socket = (connection.ws as unknown as { _socket: Socket })._socket;
  const counter = { count: 0 };
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
  socket.write = (...args: unknown[]) => {
    counter.count += 1;
    return write(...args);
  };
  return counter;
}

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

for (const fast of [true, false]) {
  describe(`${fast ? 'pre-built frames through ws internals' : 'the public ws.send path'}`, () => {
    it('each client gets its rooms’ messages and its own in the order they were sent within one turn', async () => {
      const ctx = await hubServer(fast, {});
      cleanup.push(ctx.close);
      const both = new TestClient(ctx.url);
      await ctx.until(1);
      const aaplOnly = new TestClient(ctx.url);
      await ctx.until(2);
      const [inBoth] = ctx.joined;
      ctx.hub.join(inBoth!, 'MSFT');
      ctx.hub.broadcast('AAPL', alert('a1'));
      ctx.hub.broadcast('MSFT', alert('m1'));
      ctx.hub.broadcast('AAPL', alert('a2'));
      ctx.hub.sendTo(inBoth!, alert('direct'));
      ctx.hub.broadcast('AAPL', alert('a3'));
      ctx.hub.broadcast('MSFT', alert('m2'));
      await both.next((m) => m.message === 'm2');
      await aaplOnly.next((m) => m.message === 'a3');
      expect(seen(both)).toEqual(['a1', 'm1', 'a2', 'direct', 'a3', 'm2']);
      expect(seen(aaplOnly)).toEqual(['a1', 'a2', 'a3']);
      both.close();
      aaplOnly.close();
    });

    it('a publication skips the subscriber that already has its seq; the rest of the turn still reaches it in order', async () => {
      const ctx = await hubServer(fast, {});
      cleanup.push(ctx.close);
      const clients = [new TestClient(ctx.url)];
      await ctx.until(1);
      clients.push(new TestClient(ctx.url));
      await ctx.until(2);
      // The first client was already sent publication 7 (as a replay would have).
      expect(ctx.joined[0]!.takesPublication('AAPL', 7)).toBe(true);
      ctx.hub.broadcast('AAPL', alert('before'));
      ctx.hub.broadcast('AAPL', publication(7));
      ctx.hub.broadcast('AAPL', alert('after'));
      for (const c of clients) await c.next((m) => m.message === 'after');
      expect(seen(clients[0]!)).toEqual(['before', 'after']);
      expect(seen(clients[1]!)).toEqual(['before', 'p7', 'after']);
      for (const c of clients) c.close();
    });
  });
}

describe('pre-built frames through ws internals', () => {
  it('the twelve messages of an analysis reach each subscriber in one write to its socket', async () => {
    const ctx = await hubServer(true, {});
    cleanup.push(ctx.close);
    const clients: TestClient[] = [];
    for (let i = 1; i <= 3; i++) {
      clients.push(new TestClient(ctx.url));
      await ctx.until(i);
    }
    const writes = ctx.joined.map(countWrites);
    for (let i = 0; i < 11; i++) ctx.hub.broadcast('AAPL', alert(`m${i}`));
    ctx.hub.broadcast('AAPL', publication(1));
    for (const c of clients) await c.next((m) => m.type === 'decision_update');
    expect(writes.map((w) => w.count)).toEqual([1, 1, 1]);
    const expected = [...Array.from({ length: 11 }, (_, i) => `m${i}`), 'p1'];
    for (const c of clients) expect(seen(c)).toEqual(expected);
    for (const c of clients) c.close();
  });
});
