// The embedded signal log: per-symbol append-only segment files with a CRC per record, under the state dir.
import { randomUUID } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fdatasync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { SignalsError } from '../protocol/errors.js';
import type { SeqRange } from '../protocol/messages.js';
import { isSymbol } from '../protocol/symbol.js';
import { lockStateDir } from './lock.js';
import { checkOwnFolder, checkPlainFile, fsyncDir, OPEN_APPEND, OPEN_REPLACE, OPEN_UPDATE, ownSubfolder } from './safe-dir.js';
import { markNewest, markRun, newestMarked, previousRun } from './tail-guard.js';
import { encodeRecord, recordJson, scanRecords, type ScannedRecord } from './record.js';
import { DEFAULT_READ_LIMIT, selectRecords } from './select.js';
import {
  DEFAULT_RETENTION,
  type FsyncPolicy,
  type LogRecord,
  type Publication,
  type ReadOptions,
  type Retention,
  type SignalLog,
} from './signal-log.js';

export interface SegmentLogOptions {
  dir: string;
  retention?: Retention;
  fsync?: FsyncPolicy;
  fsyncIntervalMs?: number;
  /**
   * Read only: no lock, no writes, nothing created or trimmed (a torn tail is skipped, not cut off),
   * so the log of a running server can be read beside it, as it was when opened. A dir without a log
   * is DATA_ERROR.
   */
  readOnly?: boolean;
  /** Told about recoveries (a dropped torn record) and failures of the background fsync. */
  warn?: (message: string, fields: Record<string, unknown>) => void;
  now?: () => number;
}

/** Records per segment file: retention drops whole segments, so it keeps up to two segments' worth beyond its count. */
const SEGMENT_RECORDS = 1_000;
const SEGMENT_BYTES = 16 * 1024 * 1024;
export const SEGMENT_NAME = /^(\d{12})\.seg$/;
export const META = 'meta.json';

interface Segment {
  path: string;
  records: ScannedRecord[];
  bytes: number;
}

interface SymbolState {
  dir: string;
  segments: Segment[];
  /** The open file of the newest segment, once appended to in this run. */
  fd: number | undefined;
  /** Written since the last fsync began. */
  dirty: boolean;
  head: number;
  /** Jumps in seq between kept records, found when the log was opened (appends never make one). */
  gaps: SeqRange[];
  latest: Publication | undefined;
  /** Appends of this symbol run one after another, in call order (each assigns the next seq). */
  queue: Promise<unknown>;
  /** The fsync under way, and the one that will start after it (which covers every write made before it starts). */
  syncing: Promise<void> | undefined;
  nextSync: Promise<void> | undefined;
}

const stateError = (error: unknown, dir: string): SignalsError => {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof SignalsError) return error;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new SignalsError('STATE_UNWRITABLE', `the state dir ${dir} is not writable (${code}); fix its permissions or pick another --state-dir`);
  }
  if (code === 'ENOSPC' || code === 'EDQUOT') return new SignalsError('STATE_UNWRITABLE', `no space left for the state dir ${dir} (${code})`);
  if (code === 'ENOTDIR' || code === 'EEXIST') return new SignalsError('STATE_UNWRITABLE', `the state dir ${dir} is not a folder`);
  if (code === 'ELOOP') {
    return new SignalsError('STATE_UNSAFE', `a file the server writes in the state dir ${dir} is a symlink (${(error as Error).message}); remove it`);
  }
  return new SignalsError('STATE_UNWRITABLE', `the state dir ${dir} cannot be used: ${(error as Error).message}`);
};

/**
 * @example
 * const log = SegmentLog.open({ dir: '/var/lib/signals' });
 * const seq = await log.append('AAPL', signal); // durable (to the OS) before it resolves
 * for (const r of await log.read('AAPL', { afterSeq: 41 })) send(r.json);
 */
export class SegmentLog implements SignalLog {
  private currentEpoch: string;
  private earlier: string[];
  private readonly symbols = new Map<string, SymbolState>();
  private readonly retention: Retention;
  private readonly fsync: FsyncPolicy;
  private readonly now: () => number;
  private readonly timers: NodeJS.Timeout[] = [];
  private closed = false;
  /** run.json says every acknowledged record is on the disk (`--fsync interval`): the next append must say otherwise first. */
  private runSynced = false;
  /** Appends so far, and as the interval fsync last saw them: none between two ticks is a quiet interval. */
  private appends = 0;
  private appendsAtTick = 0;

  private constructor(
    private readonly options: SegmentLogOptions,
    private readonly release: () => void,
    meta: Meta,
  ) {
    this.currentEpoch = meta.epoch;
    this.earlier = meta.earlier;
    this.retention = options.retention ?? DEFAULT_RETENTION;
    this.fsync = options.fsync ?? 'interval';
    this.now = options.now ?? Date.now;
  }

  /**
   * Opens (or creates) the log in `dir`: takes the dir's lock, reads every segment, drops a torn last
   * record, and fails with STATE_UNWRITABLE, STATE_LOCKED or STATE_CORRUPT rather than lose data.
   */
  static open(options: SegmentLogOptions): SegmentLog {
    const { dir } = options;
    let release: () => void = () => undefined;
    if (options.readOnly) {
      if (!existsSync(join(dir, META))) {
        throw new SignalsError('DATA_ERROR', `no signal log in ${dir}: \`signals serve\` keeps one in its --state-dir (SIGNALS_STATE_DIR)`);
      }
      const log = new SegmentLog(options, release, readOrCreateMeta(dir));
      log.load();
      return log;
    }
    try {
      mkdirSync(join(dir, 'log'), { recursive: true, mode: 0o755 });
      accessSync(dir, constants.W_OK);
      checkOwnFolder(dir);
      ownSubfolder(join(dir, 'log'));
      release = lockStateDir(dir);
      const { lost, unclean } = previousRun(dir);
      const log = new SegmentLog(options, release, readOrCreateMeta(dir));
      const removed = log.load();
      // What a killed run wrote may be in the OS's cache only: flushed by the interval fsync before the log says it is synced.
      if (unclean) log.resumeUnflushed();
      if (lost !== undefined || removed.length > 0) {
        // Publications clients may have received are gone: numbering on in the same epoch would hand their seqs out again.
        log.earlier = [log.currentEpoch, ...log.earlier].slice(0, EARLIER_EPOCHS);
        log.currentEpoch = newEpoch(dir);
        options.warn?.('the signal log lost its newest publications: it takes a new epoch, so that no client takes new ones for them', {
          reason: lost ?? `the newest segment of ${removed.join(', ')} is gone`,
          epoch: log.currentEpoch,
        });
      }
      markRun(dir, log.fsync, false, false);
      log.startTimers();
      return log;
    } catch (error) {
      release();
      throw stateError(error, dir);
    }
  }

  /** The log's id; a new one after the log lost its newest publications (see `open`). */
  get epoch(): string {
    return this.currentEpoch;
  }

  get earlierEpochs(): readonly string[] {
    return this.earlier;
  }

  append(symbol: string, publication: Publication): Promise<number> {
    if (this.closed || this.options.readOnly)
      return Promise.reject(new SignalsError('STATE_UNWRITABLE', 'the signal log is closed or open read-only'));
    const state = this.state(symbol);
    const appended = state.queue.then(() => this.appendNow(state, publication));
    state.queue = appended.catch(() => undefined);
    return appended;
  }

  private async appendNow(state: SymbolState, publication: Publication): Promise<number> {
    const seq = state.head + 1;
    publication.data.seq = seq;
    publication.data.epoch = this.epoch;
    const time = this.now();
    const record = encodeRecord(seq, time, JSON.stringify(publication));
    let segment = state.segments.at(-1);
    try {
      if (!segment || segment.records.length >= SEGMENT_RECORDS || segment.bytes + record.length > SEGMENT_BYTES)
        segment = await this.roll(state, seq);
      // Said before the record is written (in the same turn: no tick between): a power loss from here on may take
      // it, and the next start must know that.
      if (this.runSynced) {
        markRun(this.options.dir, this.fsync, false, false);
        this.runSynced = false;
      }
      const fd = (state.fd ??= openSync(segment.path, OPEN_APPEND, 0o644));
      try {
        for (let written = 0; written < record.length;) written += writeSync(fd, record, written);
      } catch (error) {
        // Leave no partial record behind a failed write (a full disk): the next append starts clean.
        ftruncateSync(fd, segment.bytes);
        throw error;
      }
      segment.records.push({ seq, time, offset: segment.bytes, length: record.length });
      segment.bytes += record.length;
      state.head = seq;
      state.latest = publication;
      state.dirty = true;
      this.appends += 1;
      // On the thread pool: the event loop never waits for the disk, and appends waiting together share one fsync.
      if (this.fsync === 'always') await this.sync(state);
    } catch (error) {
      throw stateError(error, this.options.dir);
    }
    return seq;
  }

  /** An fsync of the symbol's open segment that starts after every write made so far; resolves when it is done. */
  private sync(state: SymbolState): Promise<void> {
    if (state.nextSync) return state.nextSync;
    const start = (): Promise<void> => {
      state.nextSync = undefined;
      state.dirty = false;
      const fd = state.fd;
      const done =
        fd === undefined ? Promise.resolve() : new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve())));
      const tracked: Promise<void> = done.finally(() => {
        if (state.syncing === tracked) state.syncing = undefined;
      });
      state.syncing = tracked;
      // Its failure reaches whoever awaits `done`; this copy is only for `settled`.
      tracked.catch(() => undefined);
      return done;
    };
    state.nextSync = (state.syncing ?? Promise.resolve()).catch(() => undefined).then(start);
    return state.nextSync;
  }

  /** Waits for every fsync of the symbol under way or queued: its file may then be closed. */
  private async settled(state: SymbolState): Promise<void> {
    while (state.nextSync ?? state.syncing) await (state.nextSync ?? state.syncing)!.catch(() => undefined);
  }

  async read(symbol: string, options: ReadOptions = {}): Promise<LogRecord[]> {
    const state = this.symbols.get(symbol);
    if (!state) return [];
    const out: LogRecord[] = [];
    const limit = options.limit ?? DEFAULT_READ_LIMIT;
    for (const segment of state.segments) {
      if (out.length >= limit) break;
      const last = segment.records.at(-1);
      if (!last || last.seq <= (options.afterSeq ?? 0)) continue;
      const wanted = selectRecords(segment.records, { ...options, limit: limit - out.length });
      if (wanted.length === 0) continue;
      const first = wanted[0]!;
      const end = wanted.at(-1)!.offset + wanted.at(-1)!.length;
      // One read for the span; it is contiguous within a segment.
      const bytes = Buffer.allocUnsafe(end - first.offset);
      const fd = openSync(segment.path, 'r');
      try {
        for (let got = 0; got < bytes.length;) got += readSync(fd, bytes, got, bytes.length - got, first.offset + got);
      } finally {
        closeSync(fd);
      }
      for (const r of wanted) {
        out.push({ seq: r.seq, time: r.time, json: recordJson(bytes.subarray(r.offset - first.offset, r.offset - first.offset + r.length)) });
      }
    }
    return out;
  }

  head(symbol: string): number {
    return this.symbols.get(symbol)?.head ?? 0;
  }

  oldest(symbol: string): number {
    return this.symbols.get(symbol)?.segments[0]?.records[0]?.seq ?? 0;
  }

  gaps(symbol: string): SeqRange[] {
    const oldest = this.oldest(symbol);
    // Retention may since have dropped the records before a gap: it is then no gap, but the log's start.
    return (this.symbols.get(symbol)?.gaps ?? []).filter((g) => g.from > oldest);
  }

  latest(symbol: string): Publication | undefined {
    return this.symbols.get(symbol)?.latest;
  }

  /** Finishes the appends under way, writes everything to the disk, closes the files and releases the state dir. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    for (const state of this.symbols.values()) {
      await state.queue;
      await this.settled(state);
      if (state.fd === undefined) continue;
      fdatasyncSync(state.fd);
      closeSync(state.fd);
      state.fd = undefined;
    }
    if (!this.options.readOnly) markRun(this.options.dir, this.fsync, true, true);
    this.release();
  }

  /** Bytes kept on disk by all segments (for the bench and the retention tests). */
  diskBytes(): number {
    let total = 0;
    for (const state of this.symbols.values()) for (const s of state.segments) total += s.bytes;
    return total;
  }

  private state(symbol: string): SymbolState {
    let state = this.symbols.get(symbol);
    if (!state) {
      if (!isSymbol(symbol)) throw new SignalsError('BAD_ARGUMENT', `not a symbol: ${symbol}`);
      const dir = join(this.options.dir, 'log', symbol);
      if (!this.options.readOnly) ownSubfolder(dir);
      state = {
        dir,
        segments: [],
        fd: undefined,
        dirty: false,
        head: 0,
        gaps: [],
        latest: undefined,
        queue: Promise.resolve(),
        syncing: undefined,
        nextSync: undefined,
      };
      this.symbols.set(symbol, state);
    }
    return state;
  }

  /** Starts a new segment whose first record is `seq`; the old one is synced and closed, then retention runs. */
  private async roll(state: SymbolState, seq: number): Promise<Segment> {
    if (state.fd !== undefined) {
      await this.sync(state);
      await this.settled(state);
      closeSync(state.fd);
      state.fd = undefined;
      state.dirty = false;
    }
    const segment: Segment = { path: join(state.dir, `${String(seq).padStart(12, '0')}.seg`), records: [], bytes: 0 };
    // 'a', not 'wx': a roll that failed after creating the file (say, its directory fsync) can be retried.
    closeSync(openSync(segment.path, OPEN_APPEND, 0o644));
    // The new file's name must survive a crash as well as its records; then it is marked the newest.
    fsyncDir(state.dir);
    markNewest(state.dir, segment.path);
    state.segments.push(segment);
    this.applyRetention(state);
    return segment;
  }

  /** Drops whole old segments past the count or age limit; the newest segment (with the newest record) always stays. */
  private applyRetention(state: SymbolState): void {
    const cutoff = this.now() - this.retention.maxAgeMs;
    let total = state.segments.reduce((n, s) => n + s.records.length, 0);
    while (state.segments.length > 1) {
      const oldest = state.segments[0]!;
      const tooMany = total - oldest.records.length >= this.retention.maxCount;
      const tooOld = (oldest.records.at(-1)?.time ?? 0) < cutoff;
      if (!tooMany && !tooOld) break;
      unlinkSync(oldest.path);
      state.segments.shift();
      total -= oldest.records.length;
    }
  }

  /** Reads every segment; returns the symbols whose newest segment (as marked when it was made) is gone. */
  private load(): string[] {
    const root = join(this.options.dir, 'log');
    const readOnly = this.options.readOnly === true;
    const removed: string[] = [];
    if (readOnly && !existsSync(root)) return removed;
    for (const symbol of readdirSync(root)) {
      if (!isSymbol(symbol)) continue;
      const state = this.state(symbol);
      const names = readdirSync(state.dir)
        .filter((n) => SEGMENT_NAME.test(n))
        .sort();
      const marked = readOnly ? undefined : newestMarked(state.dir);
      if (marked !== undefined && !names.includes(marked)) {
        removed.push(symbol);
        if (names.length > 0) markNewest(state.dir, join(state.dir, names.at(-1)!));
      }
      let newestJson: string | undefined;
      names.forEach((name, i) => {
        const path = join(state.dir, name);
        // Read only, beside a running server: a segment its retention deleted since the listing is simply gone.
        if (readOnly && !existsSync(path)) return;
        checkPlainFile(path);
        const bytes = readFileSync(path);
        const scan = scanRecords(bytes);
        const last = i === names.length - 1;
        if (scan.damage === 'corrupt' || (scan.damage === 'torn' && !last)) {
          throw new SignalsError(
            'STATE_CORRUPT',
            `the signal log is damaged in ${path} at byte ${scan.end} (not a torn last record); run \`signals repair --state-dir ${this.options.dir}\` to keep every intact record of it (it says what it drops)`,
          );
        }
        if (scan.damage === 'torn' && !readOnly) {
          const fd = openSync(path, OPEN_UPDATE);
          try {
            ftruncateSync(fd, scan.end);
            fdatasyncSync(fd);
          } finally {
            closeSync(fd);
          }
          this.options.warn?.('dropped a torn last record left by a crash (it was never acknowledged)', {
            file: path,
            bytes: bytes.length - scan.end,
          });
        }
        for (const r of scan.records) {
          if (r.seq <= state.head) {
            throw new SignalsError(
              'STATE_CORRUPT',
              `the signal log ${path} repeats or reorders seq ${r.seq}; run \`signals repair --state-dir ${this.options.dir}\` to drop what is out of order`,
            );
          }
          if (state.head > 0 && r.seq > state.head + 1) state.gaps.push({ from: state.head + 1, to: r.seq - 1 });
          state.head = r.seq;
        }
        state.segments.push({ path, records: scan.records, bytes: scan.end });
        const newest = scan.records.at(-1);
        if (newest) newestJson = recordJson(bytes.subarray(newest.offset, newest.offset + newest.length));
      });
      if (newestJson !== undefined) state.latest = JSON.parse(newestJson) as Publication;
      if (!readOnly) this.applyRetention(state);
    }
    return removed;
  }

  /** Opens each symbol's newest segment as if just written to, so that the interval fsync flushes it. */
  private resumeUnflushed(): void {
    for (const state of this.symbols.values()) {
      const newest = state.segments.at(-1);
      if (!newest) continue;
      state.fd ??= openSync(newest.path, OPEN_APPEND, 0o644);
      state.dirty = true;
    }
  }

  private startTimers(): void {
    if (this.fsync === 'interval') {
      const flush = () => {
        const quiet = this.appends === this.appendsAtTick;
        this.appendsAtTick = this.appends;
        for (const state of this.symbols.values()) {
          if (!state.dirty || state.fd === undefined) continue;
          this.sync(state).catch((error: unknown) => {
            // Tried again at the next tick: until one succeeds, the log does not say it is synced.
            state.dirty = true;
            this.options.warn?.('fsync of the signal log failed', { dir: state.dir, error: String(error) });
          });
        }
        // After a whole interval without appends, once every fsync has finished: every acknowledged record is on the disk.
        if (!quiet || this.runSynced || this.closed) return;
        for (const state of this.symbols.values()) if (state.dirty || state.syncing || state.nextSync) return;
        try {
          markRun(this.options.dir, this.fsync, false, true);
          this.runSynced = true;
        } catch (error) {
          this.options.warn?.('could not record that the signal log is on the disk', { dir: this.options.dir, error: String(error) });
        }
      };
      this.timers.push(setInterval(flush, this.options.fsyncIntervalMs ?? 200).unref());
    }
    // Age-based retention for symbols that stopped publishing (busy ones are trimmed as their segments roll).
    this.timers.push(setInterval(() => this.symbols.forEach((s) => this.applyRetention(s)), 10 * 60_000).unref());
  }
}

/** Earlier epochs meta.json keeps, newest first: enough for any webhook cursor to find its way across lost tails. */
const EARLIER_EPOCHS = 16;

interface Meta {
  epoch: string;
  earlier: string[];
}

/** meta.json: the log's epoch and the ones it had before, or undefined when there is none. */
function readMeta(dir: string): Meta | undefined {
  const path = join(dir, META);
  if (!existsSync(path)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(path, 'utf8')) as { epoch?: unknown; earlier?: unknown };
    if (typeof meta.epoch === 'string' && meta.epoch !== '') {
      const earlier = Array.isArray(meta.earlier) ? meta.earlier.filter((e): e is string => typeof e === 'string') : [];
      return { epoch: meta.epoch, earlier };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new SignalsError('STATE_CORRUPT', `${path} is not a signals state file; move it away or pick another --state-dir`);
}

/** The log's epoch, made when the log is created and kept in meta.json (written atomically). */
function readOrCreateMeta(dir: string): Meta {
  return readMeta(dir) ?? { epoch: newEpoch(dir), earlier: [] };
}

/**
 * Gives the log in `dir` a new epoch (meta.json written atomically): cursors of the old one no longer recover.
 * The old one is kept as an earlier epoch: the records the log still holds keep their seqs under the new one.
 */
export function newEpoch(dir: string): string {
  const path = join(dir, META);
  const old = existsSync(path) ? readMeta(dir) : undefined;
  const earlier = old ? [old.epoch, ...old.earlier].slice(0, EARLIER_EPOCHS) : [];
  const epoch = randomUUID();
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, OPEN_REPLACE, 0o644);
  try {
    writeSync(fd, `${JSON.stringify({ epoch, earlier, created: new Date().toISOString(), format: 1 }, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  fsyncDir(dir);
  return epoch;
}
