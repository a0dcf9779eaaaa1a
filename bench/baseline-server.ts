// The baseline: a bare `ws` server that handles subscribe and analyze like the signals server, but on analyze
// broadcasts a recorded analysis (the same bytes, fresh timestamps) instead of running one.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

const recording = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, string[]>;
const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 });

function join(ws: WebSocket, symbol: string): void {
  let room = rooms.get(symbol);
  if (!room) rooms.set(symbol, (room = new Set()));
  room.add(ws);
  ws.send(JSON.stringify({ type: 'subscribed', symbol, status: 'subscribed', timestamp: new Date().toISOString() }));
}

wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    const m = JSON.parse((data as Buffer).toString()) as { type: string; symbol: string };
    if (m.type === 'subscribe') join(ws, m.symbol);
    if (m.type === 'analyze') {
      if (!rooms.get(m.symbol)?.has(ws)) join(ws, m.symbol);
      ws.send(
        JSON.stringify({
          type: 'alert',
          alert_type: 'analysis_started',
          message: `Analysis started for ${m.symbol}`,
          severity: 'info',
          timestamp: new Date().toISOString(),
        }),
      );
      for (const template of recording[m.symbol] ?? []) {
        const data = Buffer.from(template.replaceAll('__TS__', new Date().toISOString()));
        for (const client of rooms.get(m.symbol)!) client.send(data, { binary: false });
      }
    }
  });
  ws.on('close', () => {
    for (const room of rooms.values()) room.delete(ws);
  });
  ws.on('error', () => ws.terminate());
});

wss.on('listening', () => console.log(JSON.stringify({ port: (wss.address() as AddressInfo).port })));

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
