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

/**
 * Records how the run holding the log stands: open (`clean` false) or closed with everything on the disk, and
 * whether every record it acknowledged is on the disk (`synced`: written after an fsync that covered the last
 * append, and written false again before the next append is acknowledged).
 */
export function markRun(dir: string, fsync: FsyncPolicy, clean: boolean, synced: boolean): void {
  writeDurably(dir, RUN, `${JSON.stringify({ boot_id: bootId() ?? null, fsync, clean, synced })}\n`);
}

/** How the last run that held the log ended, as far as run.json says. */
export interface PreviousRun {
  /** Why the log may have lost records it acknowledged, or undefined when it cannot have. */
  lost: string | undefined;
  /** The run did not close the log: what it wrote may still be only in the OS's cache. */
  unclean: boolean;
}

/**
 * A killed process loses nothing (every record reached the OS first); a power loss or an OS crash (the machine
 * booted since) may take what `--fsync interval` or `never` had not yet flushed. Under `interval` the log knows
 * whether anything was waiting for its fsync when the machine went down (run.json's `synced`); when something
 * was, it cannot tell whether that reached the disk, so it counts it lost.
 */
export function previousRun(dir: string): PreviousRun {
  const path = join(dir, RUN);
  if (!existsSync(path)) return { lost: undefined, unclean: false };
  checkPlainFile(path);
  let run: { boot_id?: unknown; fsync?: unknown; clean?: unknown; synced?: unknown };
  try {
    run = JSON.parse(readFileSync(path, 'utf8')) as typeof run;
  } catch {
    return { lost: `${path} is damaged`, unclean: true };
  }
  const unclean = run.clean !== true;
  const boot = bootId();
  if (!unclean || run.fsync === 'always' || run.synced === true || boot === undefined || run.boot_id === boot) return { lost: undefined, unclean };
  return {
    lost: `the machine restarted while the log was open with --fsync ${String(run.fsync)} and publications were waiting for their fsync (whether they reached the disk cannot be told)`,
    unclean,
  };
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
