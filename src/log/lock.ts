// One process per state dir: a lock file holding the owner's pid and start time, taken with O_EXCL; a dead owner's lock is taken over.
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
 * When a process started, in clock ticks since boot (field 22 of /proc/PID/stat); undefined without
 * /proc (not Linux) or once the process is gone. With the pid, it names one process: a pid is reused,
 * a (pid, start time) pair is not.
 */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process holding pid `owner` is the one that wrote the lock (`start` its start time, if the lock has one). */
function holds(owner: number, start: string | undefined): boolean {
  if (!alive(owner)) return false;
  const now = processStart(owner);
  // Without /proc, a live pid is taken at its word.
  if (now === undefined) return true;
  if (start !== undefined) return start === now;
  // A lock written before start times were recorded: the pid's command line must still be a signals process.
  try {
    return readFileSync(`/proc/${owner}/cmdline`, 'utf8').includes('signals');
  } catch {
    return true;
  }
}

/**
 * Takes the state dir's lock; returns the function that releases it. A second process on the same dir
 * gets STATE_LOCKED. A lock whose pid is dead, or alive but another process than the one that took it
 * (the pid was reused after a crash), is taken over. The lock is advisory and local: a state dir on a
 * network file system shared by two hosts is not protected (each host sees the other's pid as dead).
 */
export function lockStateDir(dir: string): () => void {
  const path = join(dir, LOCK);
  if (held.has(path)) throw new SignalsError('STATE_LOCKED', `the state dir ${dir} is already in use by this process`);
  const mine = `${process.pid} ${processStart(process.pid) ?? '-'}`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // O_EXCL does not follow a symlink planted at the path: it fails with EEXIST.
      const fd = openSync(path, 'wx', 0o644);
      writeSync(fd, `${mine}\n`);
      closeSync(fd);
      held.add(path);
      return () => {
        held.delete(path);
        try {
          if (readFileSync(path, 'utf8').trim() === mine) unlinkSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = Number.NaN;
      let start: string | undefined;
      try {
        const [pid, started] = readFileSync(path, 'utf8').trim().split(' ');
        owner = Number(pid);
        start = started === '-' ? undefined : started;
      } catch {
        // Removed by its owner just now: try again.
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && holds(owner, start)) {
        throw new SignalsError(
          'STATE_LOCKED',
          `the state dir ${dir} is in use by another signals process (pid ${owner}); stop it or pick another --state-dir`,
        );
      }
      // A lock left by a process that died (kill -9, power loss), or whose pid another process now has: take it over.
      unlinkSync(path);
    }
  }
  throw new SignalsError('STATE_LOCKED', `could not lock the state dir ${dir}; another process keeps taking it`);
}
