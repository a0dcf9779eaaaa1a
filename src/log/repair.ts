// `signals repair`: keeps every intact record of a damaged signal log, sets the damaged files aside, and says what was dropped.
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { SignalsError } from '../protocol/errors.js';
import type { SeqRange } from '../protocol/messages.js';
import { isSymbol } from '../protocol/symbol.js';
import { lockStateDir } from './lock.js';
import { salvageRecords, scanRecords } from './record.js';
import { checkOwnFolder, checkPlainFile, fsyncDir, ownSubfolder } from './safe-dir.js';
import { META, newEpoch, SEGMENT_NAME, SegmentLog } from './segment-log.js';

export interface SegmentRepair {
  symbol: string;
  /** The segment, relative to the state dir, rewritten with its intact records only. */
  file: string;
  kept: number;
  droppedBytes: number;
  /** Where the damaged original now is, relative to the state dir. */
  setAside: string;
  /** The damage reached the end of the symbol's newest segment: how many records it took is unknown. */
  lostTail: boolean;
}

export interface RepairReport {
  segments: number;
  repaired: SegmentRepair[];
  /** Per symbol, the seqs the log lacks now, between its oldest and its newest. */
  gaps: Record<string, SeqRange[]>;
  /** Set when a lost tail made the log take a new epoch. */
  epoch?: string;
}

/** Writes `buffers` to a new file at `path` (never through a symlink) and flushes it to the disk. */
function writeNew(path: string, buffers: Buffer[]): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    for (const b of buffers) for (let written = 0; written < b.length;) written += writeSync(fd, b, written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Repairs the signal log in `dir` (its server stopped: the lock is taken). Each segment that would stop the
 * server (damage other than a torn last record, seqs out of order) is rewritten with every intact record, in
 * seq order; the original goes to `damaged/<symbol>/`. When the damage reached the end of a symbol's newest
 * segment, records that clients may have received are gone from the log's end: the log then takes a new
 * epoch, so that no client takes the publications numbered after it for the lost ones.
 * @example const report = repairStateDir('/var/lib/signals'); // report.repaired, report.gaps
 */
export function repairStateDir(dir: string): RepairReport {
  if (!existsSync(join(dir, META))) {
    throw new SignalsError('DATA_ERROR', `no signal log in ${dir}: \`signals serve\` keeps one in its --state-dir (SIGNALS_STATE_DIR)`);
  }
  checkOwnFolder(dir);
  const release = lockStateDir(dir);
  try {
    const report: RepairReport = { segments: 0, repaired: [], gaps: {} };
    const root = join(dir, 'log');
    const symbols = existsSync(root) ? readdirSync(root).filter(isSymbol).sort() : [];
    for (const symbol of symbols) {
      const names = readdirSync(join(root, symbol))
        .filter((n) => SEGMENT_NAME.test(n))
        .sort();
      let last = 0;
      names.forEach((name, i) => {
        report.segments += 1;
        const path = join(root, symbol, name);
        checkPlainFile(path);
        const bytes = readFileSync(path);
        const scan = scanRecords(bytes);
        const newest = i === names.length - 1;
        const ordered = scan.records.every((r, k) => r.seq > (k === 0 ? last : scan.records[k - 1]!.seq));
        // What opening the log handles by itself: nothing to do.
        if (ordered && (scan.damage === undefined || (scan.damage === 'torn' && newest))) {
          last = scan.records.at(-1)?.seq ?? last;
          return;
        }
        const salvage = salvageRecords(bytes, last);
        const damaged = join(dir, 'damaged', symbol);
        ownSubfolder(join(dir, 'damaged'));
        ownSubfolder(damaged);
        const setAside = join(damaged, name);
        if (existsSync(setAside)) throw new SignalsError('STATE_UNWRITABLE', `${setAside} exists already: move it away, then repair again`);
        const rewritten = `${path}.repair`;
        writeNew(
          rewritten,
          salvage.records.map((r) => bytes.subarray(r.offset, r.offset + r.length)),
        );
        renameSync(path, setAside);
        renameSync(rewritten, path);
        fsyncDir(join(root, symbol));
        fsyncDir(damaged);
        const end = salvage.dropped.at(-1);
        report.repaired.push({
          symbol,
          file: join('log', symbol, name),
          kept: salvage.records.length,
          droppedBytes: salvage.dropped.reduce((n, d) => n + d.length, 0),
          setAside: join('damaged', symbol, name),
          lostTail: newest && end !== undefined && end.offset + end.length === bytes.length,
        });
        last = salvage.records.at(-1)?.seq ?? last;
      });
    }
    if (report.repaired.some((r) => r.lostTail)) report.epoch = newEpoch(dir);
    const log = SegmentLog.open({ dir, readOnly: true });
    for (const symbol of symbols) {
      const gaps = log.gaps(symbol);
      if (gaps.length > 0) report.gaps[symbol] = gaps;
    }
    return report;
  } finally {
    release();
  }
}
