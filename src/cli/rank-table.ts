// The text forms of `signals rank`: the table (evidence and regime once, then the top and the bottom) and the CSV.
import type { ChalkInstance } from 'chalk';
import type { RankResult, RankRow } from '../protocol/rank.js';

const signed = (x: number | null, digits: number) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`);
const num = (x: number | null | undefined, digits: number) => (x === null || x === undefined ? '-' : x.toFixed(digits));

function colourAction(action: string, chalk: ChalkInstance): string {
  const text = action.padEnd(6);
  if (action === 'BUY') return chalk.green.bold(text);
  if (action === 'SELL') return chalk.red.bold(text);
  return chalk.yellow(text);
}

/** An agent's column head: the first four letters of its id. */
const head = (id: string) => id.slice(0, 4).toUpperCase();

/** The universe and day line, the regime line, and each method's record once. */
function header(result: RankResult, chalk: ChalkInstance): string[] {
  const u = result.universe;
  const day = result.requested ?? result.bar_date;
  const lines = [
    chalk.bold(
      `universe ${u.name} as of ${result.bar_date} close${day === result.bar_date ? '' : ` (--as-of ${day})`}: ` +
        `${u.ranked} ranked of ${u.members} members (${u.benchmark}, the benchmark, is not ranked)`,
    ),
  ];
  if (result.regime) {
    const parts = Object.entries(result.regime).map(([id, r]) => `${id} ${r.state}${r.evidence?.edge ? ' (edge)' : ''}`);
    lines.push(`REGIME  ${parts.join(' · ')}`);
  }
  const e = result.evidence;
  const any = e.consensus ?? Object.values(e.agents)[0];
  if (any) {
    lines.push(chalk.dim(`EVIDENCE before this day, monthly rank IC on ${any.universe} (docs/evidence.md)`));
    if (e.consensus) lines.push(`  ${'consensus'.padEnd(18)} ${e.consensus.label}`);
    for (const a of Object.values(e.agents)) {
      lines.push(
        `  ${a.name.padEnd(18)} IC ${num(a.ic, 3).padStart(6)}  t ${num(a.t, 1).padStart(5)}  edge ${a.edge ? 'yes' : 'no '}  ` +
          `weight ${num(a.weight, 3)}${a.kind === 'market_timing' ? '  (market-wide: ranks nothing)' : ''}`,
      );
    }
  }
  return lines;
}

function row(r: RankRow, ids: string[], chalk: ChalkInstance): string {
  const agents = ids.map((id) => {
    const a = r.agents[id];
    return `${signed(a?.score ?? null, 2).padStart(6)} ${num(a?.percentile, 0).padStart(3)}`;
  });
  return (
    `${String(r.rank).padStart(4)} ${r.symbol.padEnd(7)} ${colourAction(r.action, chalk)} ${r.confidence.toFixed(2).padStart(4)} ` +
    `${signed(r.agreement, 2).padStart(6)} ${num(r.consensus_percentile, 0).padStart(3)}  ${agents.join('  ')}  ${r.price.toFixed(2).padStart(9)}`
  );
}

const members = (n: number) => `${n} member${n === 1 ? '' : 's'}`;

/**
 * The table: header, then the top `top` and the bottom `top` rows (all of them when that is every row), then the
 * members without prices and those without a call. `note`, under the title: where the data comes from.
 */
export function formatRankTable(result: RankResult, top: number, chalk: ChalkInstance, note?: string): string {
  const ids = Object.keys(result.rows[0]?.agents ?? {});
  const [title, ...rest] = header(result, chalk);
  // Where the data comes from and how old it is (data-source.ts), under the title.
  const lines = [title!, ...(note ? [chalk.dim(note)] : []), ...rest];
  lines.push(
    chalk.dim(
      `${'#'.padStart(4)} ${'SYMBOL'.padEnd(7)} ${'CALL'.padEnd(6)} ${'CONF'.padStart(4)} ${'AGREE'.padStart(6)} ${'PCT'.padStart(3)}  ` +
        `${ids.map((id) => `${head(id).padStart(6)} PCT`).join('  ')}  ${'PRICE'.padStart(9)}`,
    ),
  );
  const rows = result.rows;
  if (rows.length <= 2 * top) lines.push(...rows.map((r) => row(r, ids, chalk)));
  else {
    lines.push(...rows.slice(0, top).map((r) => row(r, ids, chalk)));
    lines.push(chalk.dim(`   … ${rows.length - 2 * top} more (--top, --json, --csv)`));
    lines.push(...rows.slice(-top).map((r) => row(r, ids, chalk)));
  }
  lines.push(chalk.dim("AGREE: the weighted agreement of the agents' calls; PCT: percentile in the day's cross-section (100 highest)"));
  const missing = result.universe.without_prices;
  if (missing.length > 0) lines.push(`${members(missing.length)} without prices on ${result.bar_date}: ${missing.join(' ')}`);
  if (result.unranked.length > 0) {
    lines.push(`${members(result.unranked.length)} without a call: ${result.unranked.map((u) => `${u.symbol} (${u.reason})`).join('; ')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
const field = (value: string | number | null) => {
  const text = value === null ? '' : String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The CSV: a header row, then one row per ranked symbol, best first. */
export function formatRankCsv(result: RankResult): string {
  const ids = Object.keys(result.rows[0]?.agents ?? {});
  const columns = [
    'rank',
    'symbol',
    'action',
    'confidence',
    'agreement',
    'consensus_percentile',
    ...ids.flatMap((id) => [`${id}_score`, `${id}_percentile`]),
    'price',
    'bar_date',
    'universe',
  ];
  const lines = [columns.join(',')];
  for (const r of result.rows) {
    const agents = ids.flatMap((id) => [r.agents[id]?.score ?? null, r.agents[id]?.percentile ?? null]);
    lines.push(
      [r.rank, r.symbol, r.action, r.confidence, r.agreement, r.consensus_percentile, ...agents, r.price, r.bar_date, result.universe.name]
        .map(field)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
