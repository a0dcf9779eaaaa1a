// A publication the signal log refuses (a full disk) turns /healthz unready and counts; when the log takes writes again, the server recovers by itself.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { MemoryLog } from '../../src/log/memory-log.js';
import { SegmentLog } from '../../src/log/segment-log.js';
import type { Publication, SignalLog } from '../../src/log/signal-log.js';
import { SignalsError } from '../../src/protocol/errors.js';
import { startServer, TestClient } from '../helpers/server.js';

const hold: Agent = {
  id: 'steady',
  name: 'Steady',
  analyze: async () => ({ kind: 'vote', signal: 'HOLD', confidence: 0.9, reasons: ['flat'], indicators: {} }),
};

/** A log whose disk is full while `full` is set: every append fails as the segment log's does on ENOSPC. */
class FullDiskLog extends MemoryLog {
  full = true;
  override append(symbol: string, publication: Publication): Promise<number> {
    if (this.full) return Promise.reject(new SignalsError('STATE_UNWRITABLE', 'no space left for the state dir /state (ENOSPC)'));
    return super.append(symbol, publication);
  }
}

const metric = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);

async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Full disk, then space again: what /healthz, /metrics and a subscriber see. `free` makes room. */
async function fullThenFree(log: SignalLog, free: () => void) {
  const ctx = await startServer({ agents: [hold], log, logRetryMs: 20 });
  const health = async () => {
    const res = await fetch(`${ctx.http}/healthz`);
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  expect((await health()).status).toBe(200);
  const client = await TestClient.subscribedTo(`${ctx.url}/ws/signals`, 'AAPL');
  client.send({ type: 'analyze', symbol: 'AAPL' });
  const unready = await until(health, (h) => h.status === 503);
  expect(unready.body).toMatchObject({ status: 'unhealthy', log: { status: 'failing', unlogged: ['AAPL'] } });
  expect(unready.body.log.error).toMatch(/ENOSPC|no space/i);
  const metrics = await (await fetch(`${ctx.http}/metrics`)).text();
  expect(metric(metrics, 'signals_log_write_failures_total')).toBeGreaterThanOrEqual(1);
  expect(metric(metrics, 'signals_internal_errors_total')).toBeGreaterThanOrEqual(1);
  // Refused by the log, so not sent: nothing published is missing from the log.
  expect(client.messages.filter((m) => m.type === 'decision_update' || m.type === 'signal_update')).toEqual([]);

  free();
  expect((await until(health, (h) => h.status === 200)).body.log).toBeUndefined();
  const late = await client.next((m) => m.type === 'decision_update' || m.type === 'signal_update');
  expect(late.data.seq).toBe(1);
  expect((await log.read('AAPL')).map((r) => r.seq)).toEqual([1]);
  client.close();
  await ctx.stop();
}

describe('a publication the log refuses', () => {
  it('turns /healthz 503 with the reason, counts, is not sent; once the log takes it, 200 and it is sent, with no restart', async () => {
    const log = new FullDiskLog();
    await fullThenFree(log, () => (log.full = false));
  });

  // A real full disk: a 64 KiB tmpfs (mounting one needs root).
  const root = process.getuid?.() === 0;
  it.runIf(root)('on a real full file system (tmpfs), then after a file is removed', async () => {
    const mount = mkdtempSync(join(tmpdir(), 'signals-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount]);
    try {
      const dir = join(mount, 'state');
      mkdirSync(dir);
      const log = SegmentLog.open({ dir });
      const filler = join(mount, 'filler');
      // Fill what is left: writes stop at ENOSPC.
      try {
        writeFileSync(filler, Buffer.alloc(64 * 1024));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      await fullThenFree(log, () => rmSync(filler));
    } finally {
      execFileSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });
});
