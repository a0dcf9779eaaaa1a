// The plain-text output of `signals backtest` (without --json), and its progress line on a terminal.
import type { EvidenceData } from '../protocol/messages.js';
import { EVIDENCE_COLUMNS, evidenceRows, regimeStates } from './evidence.js';
import type { AgentStats, BacktestResult, Figures, SignalStats } from './schema.js';
import { headlineHorizon } from './signals.js';

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const signedPct = (x: number | null) => (x === null ? '-' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`);
const num = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));

/** Rows of cells as columns padded to their widest cell; the `left` columns (the first by default) left-aligned, the rest right-aligned. */
function columns(rows: string[][], left: readonly number[] = [0]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => (left.includes(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const figureCells = (f: Figures) => [
  pct(f.annual_return),
  pct(f.annual_volatility),
  num(f.sharpe),
  num(f.sortino),
  pct(f.max_drawdown),
  pct(f.exposure),
];

const icText = (stats: SignalStats | AgentStats, horizon: number) => {
  const ic = stats.horizons.find((h) => h.horizon === horizon)!.ic.pooled;
  return ic.ic === null ? '-' : `${num(ic.ic, 3)} (t ${num(ic.t_stat, 1)})`;
};

/** The evidence at the window's end (consensus, agents, regime) and the regime's states over the window. */
function evidenceLines(result: BacktestResult): string[] {
  const lines: string[] = [];
  const e = result.evidence;
  if (e !== null) {
    const first = Object.values(e.agents)[0] ?? e.consensus;
    lines.push(
      '',
      `evidence as of ${e.as_of}${first ? ` (${first.universe}, ${first.horizon_days} days, from outcomes known before its month)` : ''}:`,
      columns(
        [
          ['', ...EVIDENCE_COLUMNS],
          ...evidenceRows([...(e.consensus ? [['consensus', e.consensus] as [string, EvidenceData]] : []), ...Object.entries(e.agents)]),
        ],
        [0, EVIDENCE_COLUMNS.length],
      ),
    );
  }
  const signals = Object.entries(result.regime.signals);
  if (signals.length > 0) {
    lines.push(
      '',
      `regime over ${result.regime.days.toLocaleString('en-US')} step days (its evidence as a market-timing signal at the end):`,
      columns(
        [
          ['', 'STATES', ...EVIDENCE_COLUMNS.slice(0, 6), 'VERDICT'],
          ...signals.map(([id, r]) => {
            const row = r.evidence === null ? ['', '', '', '', '', '', '-'] : evidenceRows([[id, r.evidence]])[0]!.slice(1);
            return [id, regimeStates(r), ...row.slice(0, 6), row.at(-1)!];
          }),
        ],
        [0, 1, 8],
      ),
    );
  }
  return lines;
}

/**
 * The result as a person reads it: the window, one line per symbol (the strategy against buy-and-hold; for a universe,
 * what it counted instead), the
 * portfolio and SPY, then what followed the consensus's calls and each agent's IC, then the evidence at the window's
 * end (one line per agent with its verdict) and the regime over the window.
 */
export function formatSummary(result: BacktestResult): string {
  const s = result.settings;
  const h = headlineHorizon(s.horizons);
  const starts = result.symbols.map((r) => r.from).sort();
  const ends = result.symbols.map((r) => r.to).sort();
  const lines = [
    `${result.symbols.length} symbol${result.symbols.length === 1 ? '' : 's'}, ${starts[0]} to ${ends.at(-1)}, ${s.analyses.toLocaleString('en-US')} analyses (every ${s.every === 1 ? 'trading day' : `${s.every} trading days`}), next-open trades, ${s.cost_bps} bps, ${s.allow_short ? 'long/short' : 'long/flat'}`,
    '',
  ];
  const u = result.universe;
  if (u !== undefined) {
    lines.push(
      `${u.name}: ${u.counted.toLocaleString('en-US')} of ${u.member_steps.toLocaleString('en-US')} member steps counted (${pct(u.counted / Math.max(1, u.member_steps))}); not counted: ${u.without_prices.toLocaleString('en-US')} without a price that day, ${u.without_next_open.toLocaleString('en-US')} on a last bar; ${u.symbols_without_prices.length} members without any price (docs/universe.md)`,
      `each symbol's figures: --json (symbols) or --csv (steps)`,
    );
  } else {
    const share = (n: number, of: number) => pct(of === 0 ? null : n / of);
    lines.push(
      columns([
        ['SYMBOL', 'BUY', 'SELL', 'HOLD', 'NONE', 'ANNUAL', 'SHARPE', 'MAX DD', 'HOLD ANNUAL', 'HOLD SHARPE', 'HOLD MAX DD', `IC ${h}d`],
        ...result.symbols.map((r) => {
          const a = r.signals.actions;
          return [
            r.symbol,
            share(a.BUY, r.steps),
            share(a.SELL, r.steps),
            share(a.HOLD, r.steps),
            share(a.NO_SIGNAL, r.steps),
            pct(r.strategy.annual_return),
            num(r.strategy.sharpe),
            pct(r.strategy.max_drawdown),
            pct(r.buy_and_hold.annual_return),
            num(r.buy_and_hold.sharpe),
            pct(r.buy_and_hold.max_drawdown),
            icText(r.signals, h),
          ];
        }),
      ]),
    );
  }
  lines.push(
    '',
    columns([
      ['', 'ANNUAL', 'VOLATILITY', 'SHARPE', 'SORTINO', 'MAX DD', 'EXPOSURE'],
      ['portfolio strategy', ...figureCells(result.portfolio.strategy)],
      ['portfolio buy and hold', ...figureCells(result.portfolio.buy_and_hold)],
      ...(result.spy ? [['SPY buy and hold', ...figureCells(result.spy)]] : []),
    ]),
    '',
  );
  const at = result.portfolio.signals.horizons.find((x) => x.horizon === h)!;
  const calls = (['BUY', 'SELL', 'HOLD', 'NO_SIGNAL'] as const).map((a) => {
    const x = at.by_action[a];
    return `${a} ${x.count} ${signedPct(x.mean_return)}${x.hit_rate === null ? '' : ` (hit ${pct(x.hit_rate)})`}`;
  });
  lines.push(`after ${h} days: ${calls.join(', ')}; every step ${signedPct(at.base.mean_return)}`);
  const buckets = at.calibration
    .filter((row) => row.count > 0)
    .map((row) => `${num(row.from)}-${num(row.to)}: ${row.count} calls at ${num(row.mean_confidence)}, ${pct(row.hit_rate)} right`);
  lines.push(
    `calibration at ${h} days: ${buckets.join('; ') || 'no BUY or SELL calls'}`,
    `Brier score ${num(at.brier.score, 4)} against ${num(at.brier.base_rate, 4)} for the base rate, over ${at.brier.calls} BUY and SELL calls (right: beat SPY in the call's direction)`,
    '',
  );
  lines.push(
    columns([
      ['IC (Spearman, Newey-West t)', 'VOTED', ...s.horizons.map((x) => `${x}d`)],
      ['consensus', '', ...s.horizons.map((x) => icText(result.portfolio.signals, x))],
      ...Object.entries(result.portfolio.agents).map(([id, a]) => [id, pct(a.coverage), ...s.horizons.map((x) => icText(a, x))]),
    ]),
  );
  lines.push(...evidenceLines(result));
  if (result.lookahead) {
    const { steps, inputs, leaks } = result.lookahead;
    lines.push(
      '',
      `look-ahead check: ${steps} steps re-run with later ${inputs.join(', ')} perturbed: ${leaks.length === 0 ? 'no decision changed' : `${leaks.length} changed`}`,
      ...leaks.map((l) => `  LEAK ${l.symbol} ${l.date}: ${l.field} after the as-of changed ${l.changed.join(', ')}`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * One line of progress: a bar, analyses done of all, and the time left at the rate so far.
 * @example progressLine(500, 1000, 10_000, 20) // '[##########----------] 500/1,000 analyses  50%  10 s left'
 */
export function progressLine(done: number, total: number, elapsedMs: number, width = 30): string {
  const f = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(f * width);
  const left = done === 0 ? '' : `  ${Math.ceil(((total - done) * elapsedMs) / done / 1000)} s left`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} analyses  ${Math.floor(f * 100)}%${left}`;
}
