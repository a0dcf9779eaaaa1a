// The well-behaved client beside the attackers, in a process of its own so that its timings are the server's and
// not the fuzzer's: from 127.0.0.1, a heartbeat every 100 ms, each round trip timed. Driven by bench/fuzz-probe.ts.
import WebSocket from 'ws';

const INTERVAL_MS = 100;
const port = Number(process.argv[2]);
const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/signals`, { localAddress: '127.0.0.1', perMessageDeflate: false });
/** Heartbeat id -> when it was sent. */
const sent = new Map();
let rtts = [];
let next = 0;
/** Why the connection ended, if it did: the server dropped a client that did nothing wrong. */
let disconnected;

ws.on('message', (data) => {
  const m = JSON.parse(data.toString());
  if (m.type === 'connected') process.send({ symbols: m.symbols });
  if (m.type !== 'heartbeat' || typeof m.id !== 'number' || !sent.has(m.id)) return;
  rtts.push(performance.now() - sent.get(m.id));
  sent.delete(m.id);
});
ws.on('close', (code, reason) => (disconnected ??= `close ${code}${reason.length > 0 ? ` "${reason}"` : ''}`));
ws.on('error', (error) => {
  disconnected ??= String(error);
  process.send({ error: String(error) });
});
setInterval(() => {
  if (ws.readyState !== WebSocket.OPEN) return;
  next += 1;
  sent.set(next, performance.now());
  ws.send(JSON.stringify({ type: 'heartbeat', id: next }));
}, INTERVAL_MS);

/** The round trips since the last call; heartbeats still in flight count at their age, and a late answer to one is then ignored. */
function take() {
  const now = performance.now();
  const pending = [...sent.values()].map((at) => now - at);
  sent.clear();
  const all = [...rtts, ...pending].sort((a, b) => a - b);
  rtts = [];
  return { rtts: all, pending, disconnected };
}

process.on('message', (m) => {
  if (m === 'take') process.send({ stats: take() });
});
process.on('disconnect', () => process.exit(0));
