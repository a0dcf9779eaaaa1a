// A webhook's delivery cursor, kept with the signal log in the state dir: the last seq delivered (or passed over) per symbol.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { fsyncDir, OPEN_REPLACE, ownSubfolder } from '../log/safe-dir.js';

const Seqs = z.record(z.string(), z.number().int().nonnegative());
/** `heads`: the log's heads when the file was written, so that a start after a lost tail can tell what the log lost. */
const CursorJson = z.object({ epoch: z.string(), origin: z.string(), cursors: Seqs, heads: Seqs.optional() });

/**
 * `<state dir>/webhooks/<hash of the URL>.json`, rewritten after each delivery (a temporary file written and synced
 * to the disk, renamed over the file, then the folder synced), so a killed server, or a machine that lost power,
 * resumes after the last delivery it recorded: at least once, the one in flight perhaps twice. Without the syncs a
 * power loss could leave the renamed file empty, and an empty cursor starts at the log's heads, skipping what was
 * not yet delivered.
 * The file is named by a hash, and holds only the URL's origin, since a webhook URL's path often is its secret.
 */
export class CursorFile {
  /**
   * How the cursor started: from its file (`new epoch`: one written under an earlier epoch of the same log, which
   * took a new one on losing its newest publications), or at the heads (no file, a file of another log, or a damaged file).
   */
  readonly start: 'resumed' | 'new epoch' | 'new' | 'other log' | 'damaged';
  /** The epoch the file was written under, when `start` is `new epoch`. */
  readonly savedEpoch: string | undefined;
  private readonly path: string;
  private readonly origin: string;
  private cursors: Record<string, number>;
  private readonly savedHeads: Record<string, number>;
  /** The save under way: saves are written one after another, each with the cursors as they were when it was asked for. */
  private saving: Promise<void> = Promise.resolve();

  /**
   * Reads the cursor of `url`; without one, or with one of another log (an epoch that is neither the log's nor
   * one of its `earlierEpochs`), starts at `heads`: a new webhook is sent what is published from now on, not the
   * log's past. `start` says which happened.
   */
  constructor(
    stateDir: string,
    url: string,
    private readonly epoch: string,
    private readonly heads: () => Record<string, number>,
    earlierEpochs: readonly string[] = [],
  ) {
    const dir = join(stateDir, 'webhooks');
    ownSubfolder(dir);
    this.path = join(dir, `${createHash('sha256').update(url).digest('hex').slice(0, 16)}.json`);
    this.origin = new URL(url).origin;
    const saved = this.read();
    this.savedHeads = typeof saved === 'object' ? (saved.heads ?? {}) : {};
    if (typeof saved === 'object' && (saved.epoch === epoch || earlierEpochs.includes(saved.epoch))) {
      this.start = saved.epoch === epoch ? 'resumed' : 'new epoch';
      this.savedEpoch = saved.epoch;
      this.cursors = saved.cursors;
    } else {
      this.start = saved === 'none' ? 'new' : saved === 'damaged' ? 'damaged' : 'other log';
      this.cursors = heads();
      this.saveAtStart();
    }
  }

  private read(): z.infer<typeof CursorJson> | 'none' | 'damaged' {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch {
      return 'none';
    }
    try {
      return CursorJson.parse(JSON.parse(text));
    } catch {
      return 'damaged';
    }
  }

  /** The last seq of `symbol` delivered or passed over (0: none yet). */
  get(symbol: string): number {
    return this.cursors[symbol] ?? 0;
  }

  set(symbol: string, seq: number): void {
    this.cursors[symbol] = seq;
  }

  /** The newest seq of `symbol` the log had when the file was last written, as far as the file says. */
  savedHead(symbol: string): number {
    return this.savedHeads[symbol] ?? 0;
  }

  /** Symbols with a cursor. */
  symbols(): string[] {
    return Object.keys(this.cursors);
  }

  /**
   * Writes the cursors as they are now, durably, after any save still under way (whether it succeeded: a save that
   * failed, on a full disk say, does not stop the ones after it); off the event loop.
   */
  save(): Promise<void> {
    const text = this.text();
    const write = async () => {
      const temporary = `${this.path}.tmp`;
      await writeSynced(temporary, text);
      await rename(temporary, this.path);
      await syncFolder(dirname(this.path));
    };
    this.saving = this.saving.then(write, write);
    return this.saving;
  }

  /** The first save of a new cursor, before the webhook delivers anything: the same steps, synchronously. */
  private saveAtStart(): void {
    const temporary = `${this.path}.tmp`;
    const fd = openSync(temporary, OPEN_REPLACE, 0o644);
    try {
      writeSync(fd, this.text());
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, this.path);
    fsyncDir(dirname(this.path));
  }

  private text(): string {
    return JSON.stringify({ epoch: this.epoch, origin: this.origin, cursors: this.cursors, heads: this.heads() });
  }
}

/** Writes `text` to `path` (replacing it) and syncs it to the disk. */
async function writeSynced(path: string, text: string): Promise<void> {
  const handle = await open(path, OPEN_REPLACE, 0o644);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Syncs a folder's entries (a renamed file's new name) to the disk, as `fsyncDir` does, off the event loop. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
