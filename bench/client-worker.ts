// A benchmark client process: opens many WebSocket clients, each subscribed to one symbol, and measures
// delivery (count and publish-to-receive latency histogram). Driven by its parent over IPC.
import WebSocket from 'ws';
import { Deliveries } from './deliveries.js';

const [url, countArg, symbolsArg, offsetArg] = process.argv.slice(2);
const count = Number(countArg);
const symbols = symbolsArg!.split(',');
const offset = Number(offsetArg ?? 0);

let counting = false;
let deliveries = new Deliveries();
const clients: WebSocket[] = [];
const stalled = new Set<WebSocket>();

function onMessage(data: Buffer): void {
  if (counting) deliveries.add(data);
}

function open(i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url!, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', symbol: symbols[(offset + i) % symbols.length] })));
    const ack = (data: Buffer) => {
      if (data.includes('"subscribed"')) {
        ws.off('message', ack);
        ws.on('message', onMessage);
        resolve();
      }
    };
    ws.on('message', ack);
    clients.push(ws);
  });
}

async function connectAll(): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, count - i) }, (_, k) => open(i + k)));
  }
}

process.on('message', (m: { cmd: string; fraction?: number }) => {
  if (m.cmd === 'start') {
    deliveries = new Deliveries();
    counting = true;
  } else if (m.cmd === 'stop') {
    counting = false;
    process.send!({ received: deliveries.received, histogram: Array.from(deliveries.histogram) });
  } else if (m.cmd === 'stall') {
    // Stop reading on a fraction of the sockets: the kernel buffers fill, then the server's.
    for (const ws of clients.slice(0, Math.round(clients.length * (m.fraction ?? 0)))) {
      (ws as unknown as { _socket: { pause(): void } })._socket.pause();
      stalled.add(ws);
    }
    process.send!({ stalled: stalled.size });
  } else if (m.cmd === 'exit') {
    for (const ws of clients) ws.terminate();
    process.exit(0);
  }
});

connectAll().then(
  () => process.send!({ ready: clients.length }),
  (error: Error) => {
    process.send!({ error: error.message });
    process.exit(1);
  },
);
