// One process per state dir: a lock file holding the owner's pid, taken with O_EXCL; a dead owner's lock is taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SignalsError } from '../protocol/errors.js';

const LOCK = 'signals.lock';
/** Dirs this process holds: a second log on one of them is refused too, though the pid in the file is ours. */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the state dir's lock; returns the function that releases it. A second process on the same dir
 * gets STATE_LOCKED. The lock is advisory and local: a state dir on a network file system shared by two
 * hosts is not protected (each host sees the other's pid as dead).
 */
export function lockStateDir(dir: string): () => void {
  const path = join(dir, LOCK);
  if (held.has(path)) throw new SignalsError('STATE_LOCKED', `the state dir ${dir} is already in use by this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      held.add(path);
      return () => {
        held.delete(path);
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = Number.NaN;
      try {
        owner = Number(readFileSync(path, 'utf8').trim());
      } catch {
        // Removed by its owner just now: try again.
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new SignalsError(
          'STATE_LOCKED',
          `the state dir ${dir} is in use by another signals process (pid ${owner}); stop it or pick another --state-dir`,
        );
      }
      // A lock left by a process that died (kill -9, power loss): take it over.
      unlinkSync(path);
    }
  }
  throw new SignalsError('STATE_LOCKED', `could not lock the state dir ${dir}; another process keeps taking it`);
}
