// The evidence a backtest reports: the records the analyses carried at the window's end, the regime over it, and their rows.
import type { EvidenceData } from '../protocol/messages.js';
import type { EndEvidence, RegimeSummary } from './schema.js';
import type { Decision } from './walk.js';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));

/** The step that ends the window: the latest day over every symbol (the first symbol's on a tie) whose records were kept. */
function lastWithRecords(decisions: readonly Decision[]): Decision | undefined {
  let last: Decision | undefined;
  for (const d of decisions) if (d.records && (last === undefined || d.date > last.date)) last = d;
  return last;
}

/** The records of the window's last step; null when the analyses carried none. */
export function endEvidence(decisions: readonly Decision[]): EndEvidence | null {
  const last = lastWithRecords(decisions);
  if (last?.records === undefined) return null;
  const { consensus, agents } = last.records;
  if (consensus === null && Object.keys(agents).length === 0) return null;
  return { as_of: last.date, consensus, agents };
}

/** Each regime signal's share of step days in each state (a day counted once, whatever the symbols), and its record at the end. */
export function regimeSummary(decisions: readonly Decision[]): RegimeSummary {
  const byDay = new Map<string, Record<string, string>>();
  for (const d of decisions) if (!byDay.has(d.date)) byDay.set(d.date, d.regime);
  const counts = new Map<string, Map<string, number>>();
  for (const states of byDay.values()) {
    for (const [id, state] of Object.entries(states)) {
      const signal = counts.get(id) ?? new Map<string, number>();
      signal.set(state, (signal.get(state) ?? 0) + 1);
      counts.set(id, signal);
    }
  }
  const last = lastWithRecords(decisions);
  const signals = Object.fromEntries(
    [...counts].map(([id, states]) => {
      const days = [...states.values()].reduce((n, x) => n + x, 0);
      const shares = Object.fromEntries([...states].sort(([a], [b]) => (a < b ? -1 : 1)).map(([state, n]) => [state, n / days]));
      return [id, { days, states: shares, evidence: last?.records?.regime[id] ?? null }];
    }),
  );
  return { days: byDay.size, signals };
}

const interval = (e: EvidenceData) => (e.interval === null ? '-' : `[${num(e.interval[0], 3)}, ${num(e.interval[1], 3)}]`);

/** One row per record: IC with its interval and t, months, hit rate, shrunk IC, weight and the verdict in words. */
export function evidenceRows(named: readonly [string, EvidenceData][]): string[][] {
  return named.map(([label, e]) => [
    label,
    num(e.ic, 3),
    interval(e),
    num(e.t, 1),
    String(e.months),
    pct(e.hit_rate),
    num(e.shrunk_ic, 3),
    e.weight === undefined ? '' : num(e.weight, 3),
    e.label,
  ]);
}

export const EVIDENCE_COLUMNS = ['IC', '95% INTERVAL', 'T', 'MONTHS', 'HIT', 'SHRUNK IC', 'WEIGHT', 'VERDICT'];

/**
 * Each regime signal's states over the window, as shares of days, most common first.
 * @example regimeStates({ days: 4, states: { up: 0.75, down: 0.25 }, evidence: null }) // 'up 75.0%, down 25.0%'
 */
export const regimeStates = (signal: RegimeSummary['signals'][string]) =>
  Object.entries(signal.states)
    .sort(([, a], [, b]) => b - a)
    .map(([state, share]) => `${state} ${pct(share)}`)
    .join(', ');
