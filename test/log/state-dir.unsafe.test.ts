// A state dir another user could write to is refused, and a symlink planted where the server keeps a file is never written through.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repairStateDir } from '../../src/log/repair.js';
import { SegmentLog } from '../../src/log/segment-log.js';
import { CursorFile } from '../../src/webhooks/cursor.js';
import { run } from '../helpers/cli.js';
import { decision } from '../helpers/publications.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'signals-unsafe-'));
/** A file outside the state dir that a planted symlink points at: it must come out unchanged. */
function victim(): { path: string; unchanged: () => boolean } {
  const path = join(fresh(), 'victim');
  writeFileSync(path, 'precious\n');
  return { path, unchanged: () => readFileSync(path, 'utf8') === 'precious\n' };
}
const unsafe = (pattern: RegExp) => expect.objectContaining({ code: 'STATE_UNSAFE', message: expect.stringMatching(pattern) });

describe('a state dir other users could write to', () => {
  it('group- or world-writable: refused, naming the path and the fix', () => {
    for (const mode of [0o777, 0o775]) {
      const dir = fresh();
      chmodSync(dir, mode);
      expect(() => SegmentLog.open({ dir })).toThrow(unsafe(new RegExp(`${dir} can be written by other users .*chmod go-w ${dir}`)));
    }
  });

  it.runIf(process.getuid?.() === 0)('owned by another user: refused, naming the owner', () => {
    const dir = fresh();
    chownSync(dir, 65534, 65534);
    expect(() => SegmentLog.open({ dir })).toThrow(unsafe(/belongs to uid 65534, not to the user running signals \(uid 0\)/));
    expect(() => repairStateDir(dir)).toThrow();
  });

  it('a log folder inside it that others can write to: refused', async () => {
    const dir = fresh();
    await SegmentLog.open({ dir }).close();
    chmodSync(join(dir, 'log'), 0o777);
    expect(() => SegmentLog.open({ dir })).toThrow(unsafe(/log can be written by other users/));
  });

  it('`signals serve` on it: exit 19 STATE_UNSAFE, one line on stderr', () => {
    const dir = fresh();
    chmodSync(dir, 0o777);
    const r = run(['serve', '--port', '0', '--state-dir', dir], {}, 20_000);
    expect(r.code).toBe(19);
    expect(r.stderr).toMatch(/^signals: .*chmod go-w/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('symlinks planted in the state dir', () => {
  it('in place of a segment: refused, and its target is neither read into the log nor written', async () => {
    const dir = fresh();
    const target = victim();
    mkdirSync(join(dir, 'log', 'AAPL'), { recursive: true });
    symlinkSync(target.path, join(dir, 'log', 'AAPL', '000000000001.seg'));
    expect(() => SegmentLog.open({ dir })).toThrow(unsafe(/000000000001\.seg is a symlink/));
    expect(target.unchanged()).toBe(true);
  });

  it("in place of a symbol's folder: refused", () => {
    const dir = fresh();
    mkdirSync(join(dir, 'log'), { recursive: true });
    symlinkSync(fresh(), join(dir, 'log', 'AAPL'));
    expect(() => SegmentLog.open({ dir })).toThrow(unsafe(/AAPL is a symlink or not a folder/));
  });

  it('in place of the segment a new symbol starts, or of meta.json.tmp: not written through', async () => {
    const dir = fresh();
    const target = victim();
    symlinkSync(target.path, join(dir, 'meta.json.tmp'));
    expect(() => SegmentLog.open({ dir })).toThrow(unsafe(/symlink/));
    expect(target.unchanged()).toBe(true);

    const other = fresh();
    const log = SegmentLog.open({ dir: other });
    mkdirSync(join(other, 'log', 'MSFT'));
    symlinkSync(target.path, join(other, 'log', 'MSFT', '000000000001.seg'));
    await expect(log.append('MSFT', decision(1))).rejects.toMatchObject({ code: 'STATE_UNSAFE' });
    expect(target.unchanged()).toBe(true);
    await log.close();
  });

  it("in place of a webhook cursor's temporary file: not written through", () => {
    const dir = fresh();
    const target = victim();
    const url = 'https://hooks.example/signals';
    new CursorFile(dir, url, 'e1', () => ({}));
    const cursorTmp = `${join(dir, 'webhooks', readdirSync(join(dir, 'webhooks'))[0]!)}.tmp`;
    symlinkSync(target.path, cursorTmp);
    expect(() => new CursorFile(dir, url, 'e2', () => ({}))).toThrow(/ELOOP/);
    expect(target.unchanged()).toBe(true);
  });
});
