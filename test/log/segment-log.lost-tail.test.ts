// A log that lost its newest records (a power loss under --fsync interval, its newest segment removed) takes a new epoch instead of reusing seqs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { SegmentLog } from '../../src/log/segment-log.js';
import { startServer, TestClient } from '../helpers/server.js';
import { decision } from '../helpers/publications.js';

const hold: Agent = {
  id: 'steady',
  name: 'Steady',
  analyze: async () => ({ kind: 'vote', signal: 'HOLD', confidence: 0.9, reasons: ['flat'], indicators: {} }),
};
const hasBootId = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').length > 0;
  } catch {
    return false;
  }
})();

/** A closed log of `count` AAPL records; `reopen` opens it again, recording warnings. */
async function logOf(count: number, fsync: 'always' | 'interval' = 'interval') {
  const dir = mkdtempSync(join(tmpdir(), 'signals-tail-'));
  const log = SegmentLog.open({ dir, fsync });
  for (let n = 1; n <= count; n++) await log.append('AAPL', decision(n));
  await log.close();
  const warnings: Record<string, unknown>[] = [];
  const reopen = () => SegmentLog.open({ dir, warn: (msg, fields) => warnings.push({ msg, ...fields }) });
  /** Rewrites how the last run ended, as a power loss or a kill -9 leaves it. */
  const lastRun = (changes: Record<string, unknown>) => {
    const path = join(dir, 'run.json');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...changes }));
  };
  return { dir, epoch: log.epoch, reopen, warnings, lastRun };
}

describe('the epoch after an end the log may have lost', () => {
  it('a clean stop, or a killed process on the same boot: the same epoch, seqs continue', async () => {
    const t = await logOf(3);
    let log = t.reopen();
    expect(log.epoch).toBe(t.epoch);
    await log.close();
    t.lastRun({ clean: false });
    log = t.reopen();
    expect(log.epoch).toBe(t.epoch);
    expect(await log.append('AAPL', decision(4))).toBe(4);
    await log.close();
    expect(t.warnings).toEqual([]);
  });

  it.runIf(hasBootId)(
    'a power loss (another boot, not closed) under --fsync interval with appends not yet flushed: a new epoch, kept on later starts',
    async () => {
      const t = await logOf(3);
      t.lastRun({ clean: false, synced: false, boot_id: 'a-boot-before-the-power-loss' });
      const log = t.reopen();
      expect(log.epoch).not.toBe(t.epoch);
      expect(t.warnings).toEqual([
        expect.objectContaining({ reason: expect.stringMatching(/restarted .*--fsync interval .*cannot be told/), epoch: log.epoch }),
      ]);
      expect(log.head('AAPL')).toBe(3);
      await log.close();
      const again = t.reopen();
      expect(again.epoch).toBe(log.epoch);
      await again.close();
    },
  );

  it.runIf(hasBootId)('a power loss under --fsync interval once it had flushed every append: the same epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-tail-'));
    const log = SegmentLog.open({ dir, fsync: 'interval', fsyncIntervalMs: 20 });
    for (let n = 1; n <= 3; n++) await log.append('AAPL', decision(n));
    const run = () => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as { synced: boolean; clean: boolean };
    expect(run()).toMatchObject({ clean: false, synced: false });
    // A quiet interval after the fsync of the last append: the log says everything is on the disk.
    const deadline = Date.now() + 10_000;
    while (!run().synced && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const atPowerLoss = run();
    expect(atPowerLoss).toMatchObject({ clean: false, synced: true });
    await log.close();
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...atPowerLoss, boot_id: 'a-boot-before-the-power-loss' }));
    const warnings: unknown[] = [];
    const again = SegmentLog.open({ dir, warn: (msg) => warnings.push(msg) });
    expect(again.epoch).toBe(log.epoch);
    expect(warnings).toEqual([]);
    // The next append says first that it is not on the disk yet.
    await again.append('AAPL', decision(4));
    expect(run()).toMatchObject({ clean: false, synced: false });
    await again.close();
  });

  it.runIf(hasBootId)('the same under --fsync always: nothing acknowledged can be lost, the same epoch', async () => {
    const t = await logOf(3, 'always');
    t.lastRun({ clean: false, boot_id: 'a-boot-before-the-power-loss' });
    const log = t.reopen();
    expect(log.epoch).toBe(t.epoch);
    await log.close();
  });

  it("the newest segment removed: a new epoch; a client's cursor from before is not recovered, and the snapshot carries the new epoch", async () => {
    const t = await logOf(1500);
    rmSync(join(t.dir, 'log', 'AAPL', '000000001001.seg'));
    const log = t.reopen();
    expect(log.epoch).not.toBe(t.epoch);
    expect(log.head('AAPL')).toBe(1000);
    expect(t.warnings).toEqual([expect.objectContaining({ reason: expect.stringMatching(/newest segment of AAPL is gone/) })]);

    const ctx = await startServer({ agents: [hold], log });
    const c = await TestClient.connect(`${ctx.url}/ws/signals`);
    c.send({ type: 'subscribe', symbol: 'AAPL', since: { seq: 1400, epoch: t.epoch } });
    expect(await c.next((m) => m.type === 'subscribed')).toMatchObject({ recovered: false, seq: 1000, epoch: log.epoch });
    const snapshot = await c.next((m) => m.type === 'decision_update');
    expect(snapshot.data).toMatchObject({ seq: 1000, epoch: log.epoch, trigger: 'snapshot' });
    c.close();
    await ctx.stop();

    const again = t.reopen();
    expect(again.epoch).toBe(log.epoch);
    await again.close();
  });
});
