// A webhook whose log lost publications (a segment moved away, a lost tail) counts and logs what it skips, and delivers what follows.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../src/core/log.js';
import type { Publisher } from '../../src/core/signal-core.js';
import { SegmentLog } from '../../src/log/segment-log.js';
import type { Publication } from '../../src/log/signal-log.js';
import { CursorFile } from '../../src/webhooks/cursor.js';
import { createWebhookMetrics } from '../../src/webhooks/metrics.js';
import { Webhook } from '../../src/webhooks/webhook.js';
import { decision } from '../helpers/publications.js';

const hasBootId = (() => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').length > 0;
  } catch {
    return false;
  }
})();

async function receiver() {
  const delivered: number[] = [];
  const ids: string[] = [];
  const server = createServer((req, res) => {
    ids.push(String(req.headers['signals-delivery']));
    delivered.push(Number(String(req.headers['signals-delivery']).split(':')[2]));
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, delivered, ids, stop: () => new Promise((resolve) => server.close(resolve)) };
}

/** A webhook over `log` from a cursor at `at` (or from the cursor file in `stateDir`), with its warnings recorded. */
async function webhookFrom(log: SegmentLog, stateDir: string, url: string, at?: number) {
  if (at !== undefined) {
    const cursor = new CursorFile(stateDir, url, log.epoch, () => ({}));
    cursor.set('AAPL', at);
    await cursor.save();
  }
  const warnings: Record<string, unknown>[] = [];
  const logger: Logger = { debug() {}, info() {}, error() {}, warn: (msg, fields) => warnings.push({ msg, ...fields }) };
  const registry = new Registry();
  const metrics = createWebhookMetrics(registry, () => new Map());
  let publisher: Publisher | undefined;
  const source = {
    epoch: log.epoch,
    earlierEpochs: log.earlierEpochs,
    symbols: () => ['AAPL'],
    head: (s: string) => log.head(s),
    history: (s: string, o: Parameters<SegmentLog['read']>[1]) => log.read(s, o),
    onPublish: (p: Publisher) => {
      publisher = p;
      return () => undefined;
    },
  };
  const hook = new Webhook({ url, every: true, timeoutMs: 5_000, stateDir, source, metrics, logger, label: 'test' });
  const dropped = async () => (await registry.getSingleMetric('signals_webhook_dropped_total')!.get()).values[0]?.value ?? 0;
  return { hook, warnings, dropped, publish: (p: Publication) => publisher!('AAPL', p) };
}

async function until(ok: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error('not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a webhook over a log that lost publications', () => {
  it('skips a removed segment, counting and logging the range, and delivers the rest in order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-hook-hole-'));
    const writer = SegmentLog.open({ dir });
    for (let n = 1; n <= 2100; n++) await writer.append('AAPL', decision(n));
    await writer.close();
    renameSync(join(dir, 'log', 'AAPL', '000000001001.seg'), join(dir, 'moved-away.seg'));
    const log = SegmentLog.open({ dir });
    const r = await receiver();
    const w = await webhookFrom(log, dir, r.url, 950);
    w.hook.start();
    await until(() => r.delivered.at(-1) === 2100);
    await w.hook.stop();
    expect(r.delivered).toEqual([...Array.from({ length: 50 }, (_, i) => 951 + i), ...Array.from({ length: 100 }, (_, i) => 2001 + i)]);
    expect(await w.dropped()).toBe(1000);
    expect(w.warnings).toContainEqual(expect.objectContaining({ symbol: 'AAPL', from: 1001, to: 2000, missed: 1000 }));
    await log.close();
    await r.stop();
  });

  it('after a lost tail (its cursor past the log end), says so and delivers the next publications, which reuse those seqs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-hook-tail-'));
    const log = SegmentLog.open({ dir });
    for (let n = 1; n <= 5; n++) await log.append('AAPL', decision(n));
    const r = await receiver();
    const w = await webhookFrom(log, dir, r.url, 9);
    w.hook.start();
    expect(w.warnings).toContainEqual(expect.objectContaining({ symbol: 'AAPL', cursor: 9, head: 5 }));
    const next = decision(6);
    await log.append('AAPL', next);
    w.publish(next);
    await until(() => r.delivered.includes(6));
    await w.hook.stop();
    expect(r.delivered).toEqual([6]);
    await log.close();
    await r.stop();
  });

  it.runIf(hasBootId)(
    'after a power loss took a new epoch: goes on from its cursor, and counts and logs in one line what it had not delivered of the lost end',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'signals-hook-epoch-'));
      const r = await receiver();
      const writer = SegmentLog.open({ dir });
      for (let n = 1; n <= 15; n++) await writer.append('AAPL', decision(n));
      await writer.close();
      // The cursor as the webhook last wrote it: 12 delivered while the log had 20; the power loss took 16 to 20.
      const saved = new CursorFile(dir, r.url, writer.epoch, () => ({ AAPL: 20 }));
      saved.set('AAPL', 12);
      await saved.save();
      writeFileSync(join(dir, 'run.json'), JSON.stringify({ boot_id: 'a-boot-before-the-power-loss', fsync: 'interval', clean: false }));
      const log = SegmentLog.open({ dir });
      expect(log.epoch).not.toBe(writer.epoch);
      expect(log.earlierEpochs).toEqual([writer.epoch]);

      const w = await webhookFrom(log, dir, r.url);
      w.hook.start();
      const next = decision(16);
      await log.append('AAPL', next);
      w.publish(next);
      await until(() => r.delivered.includes(16));
      await w.hook.stop();
      // 13 to 15 are still in the log and had not been delivered: delivered, not skipped. 16 is the new epoch's own.
      expect(r.delivered).toEqual([13, 14, 15, 16]);
      expect(r.ids.at(-1)).toBe(`${log.epoch}:AAPL:16`);
      expect(await w.dropped()).toBe(5);
      const lines = w.warnings.filter((x) => String(x.msg).includes('new epoch'));
      expect(lines).toEqual([
        expect.objectContaining({ epoch: log.epoch, previous_epoch: writer.epoch, undelivered_and_lost: 5, lost_seqs: { AAPL: '16-20' } }),
      ]);
      await log.close();
      await r.stop();
    },
  );
});

describe('the cursor file', () => {
  it('saves one after another, each with the cursors as they were when asked, and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-cursor-'));
    try {
      const cursor = new CursorFile(dir, 'http://127.0.0.1:9/hook', 'epoch-1', () => ({ AAPL: 3 }));
      const saves: Promise<void>[] = [];
      for (let seq = 1; seq <= 50; seq++) {
        cursor.set('AAPL', seq);
        saves.push(cursor.save());
      }
      await Promise.all(saves);
      const files = readdirSync(join(dir, 'webhooks'));
      expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
      expect(new CursorFile(dir, 'http://127.0.0.1:9/hook', 'epoch-1', () => ({})).get('AAPL')).toBe(50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a save that fails leaves the next free to succeed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-cursor-'));
    try {
      const cursor = new CursorFile(dir, 'http://127.0.0.1:9/hook', 'epoch-1', () => ({}));
      const [file] = readdirSync(join(dir, 'webhooks'));
      const blocker = join(dir, 'webhooks', `${file}.tmp`);
      mkdirSync(blocker);
      cursor.set('AAPL', 7);
      await expect(cursor.save()).rejects.toThrow();
      rmSync(blocker, { recursive: true });
      cursor.set('AAPL', 8);
      await cursor.save();
      expect(new CursorFile(dir, 'http://127.0.0.1:9/hook', 'epoch-1', () => ({})).get('AAPL')).toBe(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
