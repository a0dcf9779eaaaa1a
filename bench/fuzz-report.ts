// The hostile-client suite's table: one row per phase, its answers by code, and every failed check spelled out.
import type { PhaseReport } from './fuzz-phase.js';

const COLUMNS = [
  ['phase', 34],
  ['frames', 9],
  ['conns', 7],
  ['RSS MiB before/after/max (bound)', 32],
  ['probe ms p50/p99/max', 22],
  ['s', 6],
  ['result', 6],
] as const;

const width = (i: number) => COLUMNS[i]?.[1] ?? 0;
const cells = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(width(i)) : v.padStart(width(i)))).join(' ');

export function header(): string {
  return cells(COLUMNS.map(([name]) => name));
}

export function row(r: PhaseReport): string {
  const answers = Object.entries(r.answers)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k} ${n.toLocaleString('en-US')}`)
    .join(', ');
  const lines = [
    cells([
      `${r.id}. ${r.title}`.slice(0, COLUMNS[0][1]),
      r.frames.toLocaleString('en-US'),
      r.connections.toLocaleString('en-US'),
      `${r.rss_mib.before}/${r.rss_mib.after ?? '-'}/${r.rss_mib.max} (${r.rss_mib.bound})`,
      `${r.probe.p50_ms}/${r.probe.p99_ms}/${r.probe.max_ms}`,
      String(r.seconds),
      r.ok ? 'pass' : 'FAIL',
    ]),
    `   answers: ${answers || 'none'}`,
  ];
  for (const c of r.checks) if (!c.ok) lines.push(`   FAIL ${c.name}: ${c.detail}`);
  return lines.join('\n');
}
