// The embedded signal log on a real disk: numbering across restarts, reads, torn tails, corruption, locking, retention.
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLog } from '../../src/log/memory-log.js';
import { SegmentLog } from '../../src/log/segment-log.js';
import type { Publication, SignalLog } from '../../src/log/signal-log.js';

const dirs: string[] = [];
const open: SignalLog[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'signals-log-'));
  dirs.push(dir);
  return dir;
};
const openLog = (dir: string, options: Partial<Parameters<typeof SegmentLog.open>[0]> = {}) => {
  const log = SegmentLog.open({ dir, ...options });
  open.push(log);
  return log;
};
afterEach(async () => {
  for (const log of open.splice(0)) await log.close();
});

const decision = (symbol: string, n: number): Publication => ({
  type: 'decision_update',
  data: {
    symbol,
    decision: { action: 'NO_SIGNAL', reason: `r${n}`, agent_summary: {} },
    timestamp: new Date(1_700_000_000_000 + n).toISOString(),
    trigger: 'manual',
  },
});
const seqs = async (log: SignalLog, symbol: string, afterSeq = 0, limit = 100_000) => (await log.read(symbol, { afterSeq, limit })).map((r) => r.seq);
const segmentFiles = (dir: string, symbol: string) =>
  readdirSync(join(dir, 'log', symbol))
    .filter((f) => f.endsWith('.seg'))
    .sort()
    .map((f) => join(dir, 'log', symbol, f));

for (const kind of ['segment', 'memory'] as const) {
  describe(`${kind} log`, () => {
    const make = (): SignalLog => (kind === 'segment' ? openLog(fresh()) : new MemoryLog());

    it('numbers each symbol from 1, stamps seq and epoch, and reads back the JSON as sent', async () => {
      const log = make();
      for (let i = 1; i <= 3; i++) await log.append('AAPL', decision('AAPL', i));
      const msft = decision('MSFT', 1);
      expect(await log.append('MSFT', msft)).toBe(1);
      expect(msft.data).toMatchObject({ seq: 1, epoch: log.epoch });
      expect(await seqs(log, 'AAPL')).toEqual([1, 2, 3]);
      expect(await seqs(log, 'AAPL', 1)).toEqual([2, 3]);
      const [second] = await log.read('AAPL', { afterSeq: 1, limit: 1 });
      expect(JSON.parse(second!.json)).toMatchObject({
        type: 'decision_update',
        data: { symbol: 'AAPL', seq: 2, epoch: log.epoch, decision: { reason: 'r2' } },
      });
      expect(log.head('AAPL')).toBe(3);
      expect(log.head('KO')).toBe(0);
      expect(log.latest('AAPL')?.data.seq).toBe(3);
    });
  });
}

describe('segment log on disk', () => {
  it('keeps its epoch and continues each seq after a restart', async () => {
    const dir = fresh();
    const first = openLog(dir);
    for (let i = 1; i <= 5; i++) await first.append('AAPL', decision('AAPL', i));
    const epoch = first.epoch;
    await first.close();
    const second = openLog(dir);
    expect(second.epoch).toBe(epoch);
    expect(second.head('AAPL')).toBe(5);
    expect(second.latest('AAPL')?.data).toMatchObject({ seq: 5, epoch });
    expect(await second.append('AAPL', decision('AAPL', 6))).toBe(6);
    expect(await seqs(second, 'AAPL')).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads across segments in order (records roll over into new files)', async () => {
    const log = openLog(fresh());
    for (let i = 1; i <= 2_500; i++) await log.append('SPY', decision('SPY', i));
    expect(await seqs(log, 'SPY', 990, 30)).toEqual(Array.from({ length: 30 }, (_, i) => 991 + i));
    expect((await seqs(log, 'SPY')).length).toBe(2_500);
  });

  it('drops a torn last record (a write cut short by a crash), and the next seq is the torn one', async () => {
    const dir = fresh();
    const log = openLog(dir);
    for (let i = 1; i <= 3; i++) await log.append('AAPL', decision('AAPL', i));
    await log.close();
    const file = segmentFiles(dir, 'AAPL').at(-1)!;
    const size = statSync(file).size;
    // Half of a fourth record: its length says more bytes than follow.
    const whole = readFileSync(file);
    appendFileSync(file, whole.subarray(0, Math.floor(whole.length / 3 / 2)));
    const warnings: string[] = [];
    const reopened = openLog(dir, { warn: (m) => warnings.push(m) });
    expect(statSync(file).size).toBe(size);
    expect(warnings.join()).toMatch(/torn/);
    expect(await seqs(reopened, 'AAPL')).toEqual([1, 2, 3]);
    expect(await reopened.append('AAPL', decision('AAPL', 4))).toBe(4);
  });

  it('a last record that fails its checksum at the end of the file is torn too', async () => {
    const dir = fresh();
    const log = openLog(dir);
    for (let i = 1; i <= 3; i++) await log.append('AAPL', decision('AAPL', i));
    await log.close();
    const file = segmentFiles(dir, 'AAPL').at(-1)!;
    const bytes = readFileSync(file);
    bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0xff;
    writeFileSync(file, bytes);
    const reopened = openLog(dir);
    expect(await seqs(reopened, 'AAPL')).toEqual([1, 2]);
  });

  it('damage before the end (not a torn tail) is a STATE_CORRUPT start-up error, and nothing is truncated', async () => {
    const dir = fresh();
    const log = openLog(dir);
    for (let i = 1; i <= 3; i++) await log.append('AAPL', decision('AAPL', i));
    await log.close();
    const file = segmentFiles(dir, 'AAPL').at(-1)!;
    const bytes = readFileSync(file);
    bytes[30] = bytes[30]! ^ 0xff;
    writeFileSync(file, bytes);
    expect(() => SegmentLog.open({ dir })).toThrow(expect.objectContaining({ code: 'STATE_CORRUPT' }));
    expect(statSync(file).size).toBe(bytes.length);
  });

  it('a second log on the same dir is refused with STATE_LOCKED until the first closes', async () => {
    const dir = fresh();
    const log = openLog(dir);
    expect(() => SegmentLog.open({ dir })).toThrow(expect.objectContaining({ code: 'STATE_LOCKED' }));
    await log.close();
    openLog(dir);
  });

  it('a lock left by a dead process is taken over', async () => {
    const dir = fresh();
    await openLog(dir).close();
    // No process has pid 2^22 + 1 (above Linux's pid_max default of 2^22).
    writeFileSync(join(dir, 'signals.lock'), '4194305\n');
    openLog(dir);
  });

  it('read only: beside a writer that holds the lock, nothing written or cut, a torn tail skipped', async () => {
    const dir = fresh();
    const writer = openLog(dir);
    for (let i = 1; i <= 3; i++) await writer.append('AAPL', decision('AAPL', i));
    const file = segmentFiles(dir, 'AAPL').at(-1)!;
    appendFileSync(file, Buffer.from([40, 0, 0]));
    const size = statSync(file).size;
    const reader = SegmentLog.open({ dir, readOnly: true });
    expect(reader.epoch).toBe(writer.epoch);
    expect(await seqs(reader, 'AAPL')).toEqual([1, 2, 3]);
    expect(statSync(file).size).toBe(size);
    await expect(reader.append('AAPL', decision('AAPL', 4))).rejects.toMatchObject({ code: 'STATE_UNWRITABLE' });
    await reader.close();
    expect(readFileSync(join(dir, 'signals.lock'), 'utf8').split(' ')[0]).toBe(String(process.pid));
    expect(() => SegmentLog.open({ dir: fresh(), readOnly: true })).toThrow(expect.objectContaining({ code: 'DATA_ERROR' }));
  });

  it('a state dir that cannot be created is STATE_UNWRITABLE', () => {
    const file = join(fresh(), 'a-file');
    writeFileSync(file, 'x');
    expect(() => SegmentLog.open({ dir: join(file, 'state') })).toThrow(expect.objectContaining({ code: 'STATE_UNWRITABLE' }));
  });

  it('an unreadable meta.json is STATE_CORRUPT, not a new epoch', async () => {
    const dir = fresh();
    await openLog(dir).close();
    writeFileSync(join(dir, 'meta.json'), '{"epo');
    expect(() => SegmentLog.open({ dir })).toThrow(expect.objectContaining({ code: 'STATE_CORRUPT' }));
  });

  it('retention keeps disk use bounded under a long run, never dropping the newest record', async () => {
    const dir = fresh();
    const log = openLog(dir, { retention: { maxCount: 1_500, maxAgeMs: 1e12 }, fsync: 'never' });
    const sizes: number[] = [];
    for (let i = 1; i <= 10_000; i++) {
      await log.append('AAPL', decision('AAPL', i));
      if (i % 2_000 === 0) sizes.push(log.diskBytes());
    }
    // At least the count and at most the count plus two segments (1,000 records each) are kept: the size stops growing.
    expect(sizes.at(-1)!).toBeLessThanOrEqual(sizes[2]! * 1.01);
    expect(log.oldest('AAPL')).toBeGreaterThan(10_000 - 3_500);
    expect(log.oldest('AAPL')).toBeLessThanOrEqual(10_000 - 1_500 + 1);
    expect(log.head('AAPL')).toBe(10_000);
    expect(segmentFiles(dir, 'AAPL').length).toBeLessThanOrEqual(3);
    let now = Date.now();
    const aging = openLog(fresh(), { retention: { maxCount: 1e9, maxAgeMs: 1_000 }, now: () => now });
    for (let i = 1; i <= 2_001; i++) await aging.append('KO', decision('KO', i));
    now += 5_000;
    for (let i = 0; i < 1_000; i++) await aging.append('KO', decision('KO', 0));
    expect(aging.oldest('KO')).toBeGreaterThan(2_000);
  });

  it('a record written but cut off mid-file by truncation is detected as torn when it is last', async () => {
    const dir = fresh();
    const log = openLog(dir);
    for (let i = 1; i <= 2; i++) await log.append('AAPL', decision('AAPL', i));
    await log.close();
    const file = segmentFiles(dir, 'AAPL').at(-1)!;
    truncateSync(file, statSync(file).size - 5);
    expect(await seqs(openLog(dir), 'AAPL')).toEqual([1]);
  });
});
