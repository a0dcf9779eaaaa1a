// Back-pressure per client, on both outbound paths (pre-built frames through ws internals, and ws.send): bursts, stalled readers, conflation.
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../src/protocol/messages.js';
import { hubServer, sleep } from '../helpers/hub-server.js';
import { closeCode, rawWebSocket } from '../helpers/raw-socket.js';
import { TestClient } from '../helpers/server.js';

const alert = (message: string): ServerMessage => ({
  type: 'alert',
  alert_type: 'load',
  message,
  severity: 'info',
  timestamp: new Date().toISOString(),
});
const price = (p: number): ServerMessage => ({
  type: 'price_update',
  data: { symbol: 'AAPL', price: p, volume: 1, timestamp: new Date().toISOString() },
});

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

for (const fast of [true, false]) {
  describe(`${fast ? 'pre-built frames through ws internals' : 'the public ws.send path'}`, () => {
    it('the path in use is the one asked for', async () => {
      const ctx = await hubServer(fast, {});
      cleanup.push(ctx.close);
      expect(ctx.path.fast).toBe(fast);
    });

    it('a burst larger than the cap, sent in one turn to a client that reads, does not make it a slow consumer', async () => {
      const ctx = await hubServer(fast, { conflateAtBytes: 16 * 1024, maxBufferedBytes: 64 * 1024 });
      cleanup.push(ctx.close);
      const reader = new TestClient(ctx.url);
      await ctx.until(1);
      const big = 'y'.repeat(16 * 1024);
      for (let i = 0; i < 10; i++) ctx.hub.broadcast('AAPL', alert(big));
      await reader.next(() => reader.messages.filter((m) => m.type === 'alert').length === 10);
      expect(reader.closed).toBeUndefined();
      expect(ctx.counts.slow).toBe(0);
      reader.close();
    });

    it('bytes sent to a non-reader in one turn count against its cap; it gets 4008 behind what it had not read', async () => {
      const ctx = await hubServer(fast, { maxBufferedBytes: 256 * 1024, conflateAtBytes: 64 * 1024, closeGraceMs: 1_500 });
      cleanup.push(ctx.close);
      const stalled = await rawWebSocket(ctx.port, '/');
      await ctx.until(1);
      stalled.pause();
      const big = 'z'.repeat(64 * 1024);
      // About 12 MB in one synchronous turn: more than the kernel's socket buffers take for a peer that does not read.
      for (let i = 0; i < 200; i++) ctx.hub.broadcast('AAPL', alert(big));
      expect(ctx.counts.slow).toBe(1);
      const received: Buffer[] = [];
      stalled.on('data', (chunk: Buffer) => received.push(chunk));
      stalled.resume();
      await new Promise((r) => stalled.once('close', r));
      expect(closeCode(Buffer.concat(received))).toBe(4008);
    });

    it('past the server-wide budget, clients holding more than their share are closed as slow; a reader is kept', async () => {
      const ctx = await hubServer(fast, { maxBufferedBytes: 64 * 1024 * 1024, conflateAtBytes: 64 * 1024 * 1024, maxQueuedBytes: 1024 * 1024 });
      cleanup.push(ctx.close);
      const reader = new TestClient(ctx.url);
      const stalled = await Promise.all([1, 2, 3].map(() => rawWebSocket(ctx.port, '/')));
      await ctx.until(4);
      for (const s of stalled) s.pause();
      const big = 'q'.repeat(64 * 1024);
      // Turn by turn, until the kernel's buffers for the stalled ones are full and their backlogs add up past the budget.
      let sent = 0;
      for (; sent < 400 && ctx.counts.slow < 3; sent++) {
        ctx.hub.broadcast('AAPL', alert(big));
        await sleep(1);
      }
      expect(ctx.counts.slow).toBe(3);
      await reader.next(() => reader.messages.filter((m) => m.type === 'alert').length === sent, 10_000);
      expect(reader.closed).toBeUndefined();
      for (const s of stalled) s.destroy();
      reader.close();
    });

    it('prices to a client that is behind are conflated to the latest, and sent once it catches up', async () => {
      const ctx = await hubServer(fast, { conflateAtBytes: 32 * 1024, maxBufferedBytes: 4 * 1024 * 1024 });
      cleanup.push(ctx.close);
      const stalled = await rawWebSocket(ctx.port, '/');
      await ctx.until(1);
      stalled.pause();
      const big = 'p'.repeat(64 * 1024);
      // Fill the kernel's buffers and then ours past the conflation mark, a turn at a time.
      for (let i = 0; i < 200 && ctx.counts.conflated === 0; i++) {
        ctx.hub.broadcast('AAPL', alert(big));
        for (let p = 0; p < 5; p++) ctx.hub.broadcast('AAPL', price(100 + i + p / 10));
        await sleep(1);
      }
      expect(ctx.counts.conflated).toBeGreaterThan(0);
      expect(ctx.counts.slow).toBe(0);
      stalled.destroy();
    });
  });
}
