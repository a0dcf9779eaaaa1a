// `signals repair` as a real process: one flipped byte costs one record, not a 1,000-record segment; a lost end takes a new epoch.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanRecords } from '../../src/log/record.js';
import { SegmentLog } from '../../src/log/segment-log.js';
import { run } from '../helpers/cli.js';
import { decision } from '../helpers/publications.js';

/** A state dir whose AAPL log holds seqs 1 to `count` (segments of 1,000), closed; its epoch. */
async function logOf(count: number) {
  const dir = mkdtempSync(join(tmpdir(), 'signals-repair-'));
  const log = SegmentLog.open({ dir });
  for (let n = 1; n <= count; n++) await log.append('AAPL', decision(n));
  const epoch = log.epoch;
  await log.close();
  return { dir, epoch, segment: (first: number) => join(dir, 'log', 'AAPL', `${String(first).padStart(12, '0')}.seg`) };
}

/** The byte offset of the record with seq `seq` in a segment (its JSON holds `"reason":"p<seq>"`). */
const offsetOf = (bytes: Buffer, seq: number) => bytes.indexOf(`"reason":"p${seq}"`);

describe('signals repair', () => {
  it('one flipped byte in a middle segment: serve refuses (14) and points at repair; repair keeps 999 records and names the one seq lost', async () => {
    const { dir, epoch, segment } = await logOf(2500);
    const file = segment(1001);
    const bytes = readFileSync(file);
    const flipped = offsetOf(bytes, 1500);
    bytes[flipped] = bytes[flipped]! ^ 0x01;
    writeFileSync(file, bytes);

    const refused = run(['serve', '--port', '0', '--state-dir', dir], {}, 20_000);
    expect(refused.code).toBe(14);
    expect(refused.stderr).toMatch(new RegExp(`signals repair --state-dir ${dir}`));

    const r = run(['repair', '--state-dir', dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /log\/AAPL\/000000001001\.seg: kept 999 records, dropped \d+ bytes; the damaged file is now damaged\/AAPL\/000000001001\.seg/,
    );
    expect(r.stdout).toMatch(/AAPL: the log lacks seqs 1500\n/);
    expect(readFileSync(join(dir, 'damaged', 'AAPL', '000000001001.seg'))).toEqual(bytes);

    const log = SegmentLog.open({ dir });
    expect(log.epoch).toBe(epoch);
    expect(log.head('AAPL')).toBe(2500);
    expect(log.gaps('AAPL')).toEqual([{ from: 1500, to: 1500 }]);
    expect((await log.read('AAPL', { afterSeq: 1498, limit: 2 })).map((x) => x.seq)).toEqual([1499, 1501]);
    await log.close();

    const again = run(['repair', '--state-dir', dir, '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ segments: 3, repaired: [], gaps: { AAPL: [{ from: 1500, to: 1500 }] } });
  }, 60_000);

  it('damage running to the end of the newest segment: what followed is unknowable, so the log takes a new epoch', async () => {
    const { dir, epoch, segment } = await logOf(1200);
    const file = segment(1001);
    const bytes = readFileSync(file);
    // The header of the last record, 1200, claims 4 GB: no crash leaves that, and whether records followed is unknowable.
    const header = scanRecords(bytes).records.at(-1)!.offset;
    bytes.fill(0xff, header, header + 4);
    writeFileSync(file, bytes);
    const r = run(['repair', '--state-dir', dir, '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.repaired).toEqual([expect.objectContaining({ kept: 199, lostTail: true })]);
    expect(report.epoch).toEqual(expect.any(String));
    expect(report.epoch).not.toBe(epoch);
    const log = SegmentLog.open({ dir });
    expect(log.epoch).toBe(report.epoch);
    expect(log.head('AAPL')).toBe(1199);
    await log.close();
  }, 60_000);

  it('a state dir without a signal log: exit 5, nothing made there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-repair-empty-'));
    const r = run(['repair', '--state-dir', dir]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^signals: .*no signal log/);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'damaged'))).toBe(false);
  });
});
