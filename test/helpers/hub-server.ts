// A Hub on a real WebSocket server, without the rest of SignalServer: for tests of fan-out and back-pressure on both outbound paths.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { AddressBook } from '../../src/server/addresses.js';
import { Connection } from '../../src/server/connection.js';
import { Hub } from '../../src/server/hub.js';
import { DEFAULT_LIMITS, type Limits } from '../../src/server/limits.js';
import { createMetrics } from '../../src/server/metrics.js';
import { OutboundPath } from '../../src/server/outbound.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A hub on a real WebSocket server: every client that connects joins AAPL's room. */
export async function hubServer(fast: boolean, overrides: Partial<Limits>) {
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  const path = new OutboundPath(fast);
  const hub = new Hub(createMetrics(), path, limits);
  const addresses = new AddressBook(limits);
  const counts = { slow: 0, conflated: 0 };
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  const joined: Connection[] = [];
  wss.on('connection', (ws: WebSocket) => {
    const c = new Connection(`c${joined.length}`, ws, '/ws/signals', addresses.get('test'), limits, path, {
      onSlow: () => (counts.slow += 1),
      onConflate: () => (counts.conflated += 1),
      onCork: (conn) => hub.corkedThisTurn(conn),
      flush: () => hub.flush(),
      onPending: (conn) => hub.heldBack(conn),
      overBudget: (conn, bytes) => hub.overBudget(conn, bytes),
    });
    ws.on('close', () => {
      c.closed();
      hub.remove(c);
    });
    hub.connections.add(c);
    hub.join(c, 'AAPL');
    joined.push(c);
  });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as AddressInfo).port;
  const until = async (n: number) => {
    while (joined.length < n) await sleep(5);
  };
  return { hub, path, counts, joined, port, url: `ws://127.0.0.1:${port}`, until, close: () => new Promise((r) => wss.close(r)) };
}
