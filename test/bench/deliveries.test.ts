// The fan-out bench's clients count an analysis's messages with their latency, and nothing else the server sends:
// a price update carries the market's time, and counting one made a whole stretch look a minute late.
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { Deliveries, MAX_MS } from '../../bench/deliveries.js';
import { startServer } from '../helpers/server.js';

let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** The frames a raw client receives, each with the time it arrived. */
function record(ws: WebSocket): { at: number; data: Buffer; type: string }[] {
  const frames: { at: number; data: Buffer; type: string }[] = [];
  ws.on('message', (data: Buffer) => frames.push({ at: Date.now(), data, type: (JSON.parse(data.toString()) as { type: string }).type }));
  return frames;
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the fan-out bench counts deliveries', () => {
  it("counts every message of an analysis with its latency, and not the price updates stamped with the market's time", async () => {
    // The feed's clock is a past trading day, as the bench's nearly frozen replay is: its price updates are stamped then.
    const server = await startServer({ priceRate: 50 });
    stop = server.stop;
    const ws = new WebSocket(`${server.url}/ws/signals`, { perMessageDeflate: false });
    await new Promise((r) => ws.once('open', r));
    const frames = record(ws);
    ws.send(JSON.stringify({ type: 'subscribe', symbol: 'AAPL' }));
    await until(() => frames.some((f) => f.type === 'subscribed'), 'the subscription');
    const from = frames.length;
    server.feed.push('AAPL', 101);
    await until(() => frames.some((f) => f.type === 'price_update'), 'a price update');
    // The first quote started an analysis; this one asks for another.
    ws.send(JSON.stringify({ type: 'analyze', symbol: 'AAPL' }));
    const outcomes = () => frames.filter((f) => f.type === 'signal_update' || f.type === 'decision_update').length;
    await until(() => outcomes() >= 2, 'two analyses');
    ws.terminate();

    const deliveries = new Deliveries();
    for (const f of frames.slice(from)) deliveries.add(f.data, f.at);
    const analysis = frames.slice(from).filter((f) => ['agent_update', 'signal_update', 'decision_update'].includes(f.type));
    expect(analysis.length).toBeGreaterThanOrEqual(2 * 12);
    expect(frames.slice(from).filter((f) => f.type === 'price_update').length).toBeGreaterThan(0);
    expect(deliveries.received).toBe(analysis.length);
    // Each counted at its own latency (a loopback delivery: well under a second), none at the histogram's cap.
    const counted = deliveries.histogram.reduce((a, b) => a + b, 0);
    expect(counted).toBe(analysis.length);
    expect(deliveries.histogram.slice(1_000).reduce((a, b) => a + b, 0)).toBe(0);
    expect(deliveries.histogram[MAX_MS]).toBe(0);
  });
});
