// The state dir's lock names a process by pid and start time: a live pid that another process reused after a crash does not hold it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockStateDir, processStart } from '../../src/log/lock.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'signals-lock-'));
const lockFile = (dir: string) => join(dir, 'signals.lock');

describe.runIf(processStart(process.pid) !== undefined)('a lock whose pid is alive', () => {
  // A live process that is not a signals server: what a pid from a lock left by kill -9 may be after a reboot.
  let other: ChildProcess;
  beforeAll(() => {
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' });
  });
  afterAll(() => {
    other.kill('SIGKILL');
  });

  it('is held while the pid is the process that took it (same start time)', () => {
    const dir = fresh();
    writeFileSync(lockFile(dir), `${other.pid} ${processStart(other.pid!)}\n`);
    expect(() => lockStateDir(dir)).toThrow(expect.objectContaining({ code: 'STATE_LOCKED', message: expect.stringContaining(`pid ${other.pid}`) }));
  });

  it('is stale when the pid now belongs to a process that started at another time', () => {
    const dir = fresh();
    writeFileSync(lockFile(dir), `${other.pid} ${Number(processStart(other.pid!)) + 1}\n`);
    const release = lockStateDir(dir);
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(`${process.pid} ${processStart(process.pid)}\n`);
    release();
  });

  it('in the old form (a pid alone) is stale when the pid is no signals process', () => {
    const dir = fresh();
    writeFileSync(lockFile(dir), `${other.pid}\n`);
    lockStateDir(dir)();
  });
});
