// The ranked view (`r`): the universe's top and bottom by the consensus as lines, the selection marked, and each watched symbol's rank for the table.
import type { Line } from './detail.js';
import { fit, right } from './format.js';
import { rankList, RANK_TOP, type DashboardState } from './model.js';
import { ACTION_COLOR } from './table.js';

const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}`;

/**
 * The ranked view's lines at `width`, and the index of the selected row's line (for scrolling to it): a title with the
 * universe and the day, a column head, the top RANK_TOP, a gap, the bottom RANK_TOP. Watched symbols are marked ●.
 */
export function rankLines(state: DashboardState, width: number): { lines: Line[]; selectedAt: number } {
  const ranking = state.ranking;
  if (!ranking) {
    const why = state.universe === undefined ? 'this server ranks no universe' : `ranking the ${state.universe} universe…`;
    return { lines: [{ text: why, dim: true }], selectedAt: 0 };
  }
  const watched = new Set(state.rows.map((r) => r.symbol));
  const lines: Line[] = [
    {
      text: fit(
        `universe ${ranking.universe} · ${ranking.barDate} close · ${ranking.ranked} ranked · top and bottom ${RANK_TOP} by the consensus`,
        width,
      ),
      bold: true,
    },
    {
      text: fit(`${right('RANK', 5)} ${fit('SYMBOL', 8)} ${fit('ACTION', 6)} ${right('CONF', 5)} ${right('AGREE', 6)} ${right('PCTL', 6)}`, width),
      bold: true,
    },
  ];
  let selectedAt = lines.length;
  let previous = 0;
  for (const r of rankList(ranking)) {
    if (previous > 0 && r.rank > previous + 1) lines.push({ text: fit(`${right('…', 5)} ${ranking.ranked - 2 * RANK_TOP} more`, width), dim: true });
    previous = r.rank;
    const selected = r.symbol === state.rankSelected;
    if (selected) selectedAt = lines.length;
    const text = `${selected ? '›' : ' '}${right(String(r.rank), 4)} ${fit(r.symbol, 8)} ${fit(r.action, 6)} ${right(r.confidence.toFixed(2), 5)} ${right(signed(r.agreement), 6)} ${right(r.consensus_percentile.toFixed(1), 6)}${watched.has(r.symbol) ? ' ●' : ''}`;
    lines.push({ text: fit(text, width), color: ACTION_COLOR[r.action], bold: selected });
  }
  return { lines, selectedAt };
}

/** Each watched symbol's place in the ranking, as the table's RANK column shows it: `12/498`. */
export function rankTexts(state: DashboardState): ReadonlyMap<string, string> {
  const ranking = state.ranking;
  if (!ranking) return new Map();
  return new Map(ranking.rows.map((r) => [r.symbol, `${r.rank}/${ranking.ranked}`]));
}
