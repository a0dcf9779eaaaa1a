// `signals repair`: salvages a damaged signal log and prints what it kept, dropped and set aside.
import { repairStateDir, type RepairReport } from '../log/repair.js';
import type { SeqRange } from '../protocol/messages.js';
import type { RepairOptions } from './options.js';

const ranges = (gaps: SeqRange[]) => gaps.map((g) => (g.from === g.to ? `${g.from}` : `${g.from}-${g.to}`)).join(', ');

/** The report for a person: one line per repaired segment, one per symbol with a hole, and the new epoch. */
export function describeRepair(report: RepairReport, dir: string): string {
  if (report.repaired.length === 0) return `nothing to repair: the ${report.segments} segments in ${dir} are intact\n`;
  const lines = report.repaired.map(
    (r) =>
      `${r.file}: kept ${r.kept} records, dropped ${r.droppedBytes} bytes${r.lostTail ? ' at its end (the newest records of the symbol)' : ''}; the damaged file is now ${r.setAside}`,
  );
  for (const [symbol, gaps] of Object.entries(report.gaps)) lines.push(`${symbol}: the log lacks seqs ${ranges(gaps)}`);
  if (report.epoch !== undefined)
    lines.push(`the log's newest records were lost: it takes a new epoch (${report.epoch}); clients start over from it`);
  return `${lines.join('\n')}\n`;
}

export async function runRepair(options: RepairOptions): Promise<void> {
  const report = repairStateDir(options.stateDir);
  process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : describeRepair(report, options.stateDir));
}
