// The state dir is the server's own: refused when another user could write to it, and its files never opened through a symlink.
import { closeSync, constants, fsyncSync, lstatSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import { SignalsError } from '../protocol/errors.js';

/** open(2) flags for the files the server writes in the state dir: a symlink planted in a file's place fails with ELOOP. */
export const OPEN_APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;
export const OPEN_REPLACE = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW;
export const OPEN_UPDATE = constants.O_RDWR | constants.O_NOFOLLOW;

/**
 * Refuses a folder another user could write to: one owned by another uid, or writable by its group or
 * by everyone. Another user could otherwise plant symlinks there that the server (perhaps root) writes through.
 */
export function checkOwnFolder(path: string, stats: Stats = statSync(path)): void {
  const uid = process.getuid?.();
  // No uids (Windows): nothing to compare.
  if (uid === undefined) return;
  if (stats.uid !== uid) {
    throw new SignalsError(
      'STATE_UNSAFE',
      `${path} belongs to uid ${stats.uid}, not to the user running signals (uid ${uid}), who could otherwise be made to write through its files; chown it to that user or pick another --state-dir`,
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    throw new SignalsError(
      'STATE_UNSAFE',
      `${path} can be written by other users (mode ${(stats.mode & 0o777).toString(8)}); run \`chmod go-w ${path}\` or pick another --state-dir`,
    );
  }
}

/** Makes (or checks) a folder inside the state dir: a real folder, not a symlink, of this user and writable by it alone. */
export function ownSubfolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  const stats = lstatSync(path);
  if (!stats.isDirectory()) {
    throw new SignalsError(
      'STATE_UNSAFE',
      `${path} is a symlink or not a folder: the server writes only in folders of the state dir itself; remove it`,
    );
  }
  checkOwnFolder(path, stats);
}

/** Flushes a folder's entries (a new or renamed file's name) to the disk. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Refuses a file of the state dir that is a symlink (or anything but a plain file) before it is read. */
export function checkPlainFile(path: string): void {
  if (!lstatSync(path).isFile()) {
    throw new SignalsError('STATE_UNSAFE', `${path} is a symlink or not a file: the server reads only files of the state dir itself; remove it`);
  }
}
