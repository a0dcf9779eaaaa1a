// The real `signals serve` killed with SIGKILL at random moments and restarted on the same state dir, a client recovering with `since` throughout.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SegmentLog } from '../../src/log/segment-log.js';
import { spawnServe } from '../helpers/cli.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SYMBOLS = ['AAPL', 'MSFT', 'SPY'];
/** A fast replay from a volatile stretch: each restart publishes several analyses per symbol within a second. */
const SERVE = ['--symbols', SYMBOLS.join(','), '--from', '2020-03-02', '--speed', '40000', '--threshold', '0.5', '--log-level', 'info'];

/** A client that keeps, per symbol, every seq it received, and subscribes with `since` from what it has. */
class RecoveringClient {
  readonly seqs = new Map<string, number[]>(SYMBOLS.map((s) => [s, []]));
  epoch: string | undefined;
  notRecovered = 0;
  private ws: WebSocket | undefined;

  /** Learns the log's epoch from a `subscribed`: with it and seq 0, the first real subscribe recovers from the very first publication. */
  async learnEpoch(url: string): Promise<void> {
    const ws = new WebSocket(url);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', symbol: SYMBOLS[0] })));
    this.epoch = await new Promise<string>((resolve) =>
      ws.on('message', (data) => {
        const m = JSON.parse((data as Buffer).toString());
        if (m.type === 'subscribed') resolve(m.epoch);
      }),
    );
    ws.terminate();
  }

  connect(url: string): Promise<void> {
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.on('error', () => {});
    ws.on('message', (data) => {
      const m = JSON.parse((data as Buffer).toString());
      if (m.type === 'subscribed' && m.recovered === false) this.notRecovered += 1;
      if ((m.type === 'signal_update' || m.type === 'decision_update') && m.data.trigger !== 'snapshot') {
        this.epoch = m.data.epoch;
        this.seqs.get(m.data.symbol)!.push(m.data.seq);
      }
    });
    return new Promise((resolve) =>
      ws.once('open', () => {
        const since = Object.fromEntries(SYMBOLS.map((s) => [s, { seq: this.seqs.get(s)!.at(-1) ?? 0, epoch: this.epoch }]));
        ws.send(JSON.stringify({ type: 'subscribe', symbols: SYMBOLS, since }));
        resolve();
      }),
    );
  }

  close(): void {
    this.ws?.terminate();
  }
}

describe('crash safety', () => {
  it('20 SIGKILLs at random moments: the seqs a recovering client got are gapless, without duplicates, and what the log holds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-crash-'));
    const client = new RecoveringClient();
    let server = spawnServe([...SERVE, '--state-dir', dir]);
    await client.learnEpoch(await server.url);
    await client.connect(await server.url);
    for (let kill = 0; kill < 20; kill++) {
      await sleep(100 + Math.random() * 300);
      server.child.kill('SIGKILL');
      await server.exited;
      client.close();
      server = spawnServe([...SERVE, '--state-dir', dir]);
      await client.connect(await server.url);
    }
    // A last server that is not killed: the client catches up on what the final kill left unsent, then it stops cleanly.
    await sleep(500);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    client.close();

    const log = SegmentLog.open({ dir });
    let total = 0;
    for (const symbol of SYMBOLS) {
      const logged = (await log.read(symbol, { limit: 1_000_000 })).map((r) => r.seq);
      const got = client.seqs.get(symbol)!;
      // From seq 0 on the first connection, and from its last seq on every reconnect: the client has every one.
      expect(got).toEqual(logged);
      expect(logged).toEqual(Array.from({ length: logged.length }, (_, i) => i + 1));
      total += logged.length;
    }
    await log.close();
    expect(client.notRecovered).toBe(0);
    // Enough publications that the kills landed while analyses were being logged.
    expect(total).toBeGreaterThan(60);
  }, 120_000);
});
