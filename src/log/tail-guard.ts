// How the segment log tells that it may have lost its newest records: how the last run ended, and each symbol's newest segment.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FsyncPolicy } from './signal-log.js';
import { checkPlainFile, fsyncDir, OPEN_REPLACE } from './safe-dir.js';

const RUN = 'run.json';
const NEWEST = 'newest';

/** Writes `text` to `dir/name` atomically and durably (temporary file, fsync, rename, fsync of the folder). */
function writeDurably(dir: string, name: string, text: string): void {
  const tmp = join(dir, `${name}.tmp`);
  const fd = openSync(tmp, OPEN_REPLACE, 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, name));
  fsyncDir(dir);
}

/** This boot of the machine (Linux); undefined elsewhere. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Records that a run with `fsync` holds the log (`clean` false), or that it closed it with everything on the disk. */
export function markRun(dir: string, fsync: FsyncPolicy, clean: boolean): void {
  writeDurably(dir, RUN, `${JSON.stringify({ boot_id: bootId() ?? null, fsync, clean })}\n`);
}

/**
 * Why the log may have lost records it acknowledged, or undefined. A killed process loses nothing (every
 * record reached the OS first); a power loss or an OS crash (the machine booted since) may take what
 * `--fsync interval` or `never` had not yet flushed.
 */
export function lostTail(dir: string): string | undefined {
  const path = join(dir, RUN);
  if (!existsSync(path)) return undefined;
  checkPlainFile(path);
  let run: { boot_id?: unknown; fsync?: unknown; clean?: unknown };
  try {
    run = JSON.parse(readFileSync(path, 'utf8')) as typeof run;
  } catch {
    return `${path} is damaged`;
  }
  const boot = bootId();
  if (run.clean === true || run.fsync === 'always' || boot === undefined || run.boot_id === boot) return undefined;
  return `the machine restarted while the log was open with --fsync ${String(run.fsync)}`;
}

/** Marks `segment` as its symbol's newest: from then on, a start that does not find it knows the log's end is gone. */
export function markNewest(symbolDir: string, segment: string): void {
  writeDurably(symbolDir, NEWEST, `${basename(segment)}\n`);
}

/** The file name of the symbol's newest segment as last marked, or undefined (a log older than the mark). */
export function newestMarked(symbolDir: string): string | undefined {
  const path = join(symbolDir, NEWEST);
  if (!existsSync(path)) return undefined;
  checkPlainFile(path);
  return readFileSync(path, 'utf8').trim();
}
