// `--report FILE.html`: one self-contained page (inline CSS and SVG, nothing fetched) with equity curves, drawdowns and the tables.
import { drawdowns, equityCurve, type Path } from './metrics.js';
import type { BacktestRun } from './runner.js';
import type { EvidenceData } from '../protocol/messages.js';
import type { AgentStats, BacktestResult, Figures, SignalStats } from './schema.js';
import { headlineHorizon } from './signals.js';
import { EVIDENCE_COLUMNS, evidenceRows, regimeStates } from './evidence.js';
import { calibrationChart, escapeHtml, lineChart, type Line } from './svg.js';

const COLORS = { strategy: '#1f6feb', hold: '#8b949e', spy: '#d29922' };
const AGENT_COLORS = ['#cf222e', '#8250df', '#1a7f37', '#bc4c00', '#bf3989', '#57606a'];

const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null, digits = 2) => (x === null ? '–' : x.toFixed(digits));
const cell = (text: string, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(text)}</td>`;
const head = (cols: string[]) => `<tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;

function equityLine(path: Path, label: string, color: string): Line {
  return { label, color, dates: path.end === null ? path.dates : [...path.dates, path.end], values: equityCurve(path.returns) };
}

function drawdownLine(path: Path, label: string, color: string): Line {
  return { label, color, dates: path.end === null ? path.dates : [...path.dates, path.end], values: [0, ...drawdowns(path.returns)].map((d) => -d) };
}

const FIGURE_COLUMNS = ['', 'annual return', 'volatility', 'Sharpe', 'Sortino', 'max drawdown', 'exposure', 'turnover / yr', 'total return'];

function figureRow(label: string, f: Figures): string {
  return `<tr>${cell(label)}${[pct(f.annual_return), pct(f.annual_volatility), num(f.sharpe), num(f.sortino), pct(-f.max_drawdown), pct(f.exposure), num(f.turnover, 1), pct(f.total_return)].map((t) => cell(t, 'n')).join('')}</tr>`;
}

function actionTable(stats: SignalStats | AgentStats): string {
  const actions = Object.keys(stats.horizons[0]?.by_action ?? {});
  const rows = stats.horizons.flatMap((h) => [
    ...actions.map((a) => {
      const s = (h.by_action as Record<string, { count: number; mean_return: number | null; hit_rate: number | null }>)[a]!;
      return `<tr>${cell(`${h.horizon}d`)}${cell(a)}${cell(String(s.count), 'n')}${cell(pct(s.mean_return), 'n')}${cell(pct(s.hit_rate), 'n')}</tr>`;
    }),
    `<tr class="base">${cell(`${h.horizon}d`)}${cell('every step')}${cell(String(h.base.count), 'n')}${cell(pct(h.base.mean_return), 'n')}${cell(`${pct(h.base.up_rate)} up`, 'n')}</tr>`,
  ]);
  return `<table>${head(['horizon', 'action', 'calls', 'mean forward return', 'hit rate'])}${rows.join('')}</table>`;
}

function icTable(named: { label: string; stats: SignalStats | AgentStats; coverage?: number }[]): string {
  const horizons = named[0]?.stats.horizons.map((h) => h.horizon) ?? [];
  const rows = named.map(({ label, stats, coverage }) => {
    const ics = stats.horizons.map((h) => `${num(h.ic.pooled.ic, 3)} (t ${num(h.ic.pooled.t_stat)})`);
    const perDate = stats.horizons.map((h) => (h.ic.per_date.dates === 0 ? '–' : `${num(h.ic.per_date.mean, 3)} (t ${num(h.ic.per_date.t_stat)})`));
    return `<tr>${cell(label)}${cell(coverage === undefined ? '' : pct(coverage), 'n')}${[...ics, ...perDate].map((t) => cell(t, 'n')).join('')}</tr>`;
  });
  return `<table>${head(['', 'voted on', ...horizons.map((h) => `pooled IC ${h}d`), ...horizons.map((h) => `per-date IC ${h}d`)])}${rows.join('')}</table>`;
}

/** The records at the window's end: the consensus's and each agent's, one row each with its verdict. */
function evidenceSection(evidence: BacktestResult['evidence']): string {
  if (evidence === null) return '<p class="note">The analyses carried no evidence.</p>';
  const named: [string, EvidenceData][] = [
    ...(evidence.consensus ? [['consensus', evidence.consensus] as [string, EvidenceData]] : []),
    ...Object.entries(evidence.agents),
  ];
  const first = named[0]?.[1];
  const rows = evidenceRows(named).map((r) => `<tr>${r.map((t, i) => cell(t, i === 0 || i === r.length - 1 ? '' : 'n')).join('')}</tr>`);
  const what = first
    ? `Pooled over ${first.universe}, ${first.horizon_days}-day outcomes known before ${escapeHtml(evidence.as_of.slice(0, 7))} began. A stock agent's and the consensus's IC is its monthly rank IC across stocks against the return in excess of SPY; a market-wide agent's, over time against SPY over cash. Newey-West t, 95% interval, hit rate of its own BUY and SELL calls, the IC shrunk towards its prior, its weight in the consensus.`
    : '';
  return `<p class="note">${what}</p><table>${head(['', ...EVIDENCE_COLUMNS])}${rows.join('')}</table>`;
}

/** The regime over the window (share of step days in each state) and each signal's record at its end. */
function regimeSection(regime: BacktestResult['regime']): string {
  const signals = Object.entries(regime.signals);
  if (signals.length === 0) return '<p class="note">No regime data.</p>';
  const rows = signals.map(([id, r]) => {
    const e = r.evidence === null ? null : evidenceRows([[id, r.evidence]])[0]!;
    const figures = e === null ? ['–', '–', '–', '–', '–', '–'] : e.slice(1, 7);
    return `<tr>${cell(id)}${cell(regimeStates(r))}${figures.map((t) => cell(t, 'n')).join('')}${cell(e?.at(-1) ?? '–')}</tr>`;
  });
  return `<p class="note">${regime.days.toLocaleString('en-US')} step days. Each signal's record is that of a market-timing signal (its score against SPY over cash), at the window's end.</p><table>${head(['', 'states over the window', ...EVIDENCE_COLUMNS.slice(0, 6), 'verdict'])}${rows.join('')}</table>`;
}

/** The page's width for content (STYLE's max-width): the portfolio's charts take all of it. */
const PAGE_WIDTH = 1100;

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:${PAGE_WIDTH}px;color:#1f2328;padding:0 16px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d0d7de}h3{font-size:15px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{padding:3px 10px;border-bottom:1px solid #eaeef2;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}tr.base td{color:#57606a}
svg{display:block;margin:8px 0;font:11px system-ui,sans-serif;max-width:100%;height:auto}svg text{fill:#57606a}
.grid{stroke:#eaeef2}.diagonal{stroke:#8b949e;stroke-dasharray:4 3}
.small{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:8px}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px}.note{color:#57606a}`;

/** The consensus's Brier score beside the base rate's, in one sentence. */
function brierNote(b: SignalStats['horizons'][number]['brier']): string {
  if (b.score === null || b.base_rate === null) return '<p class="note">No BUY or SELL calls: no Brier score.</p>';
  const verdict = b.score < b.base_rate ? 'better than' : 'no better than';
  return `<p class="note">Brier score of the consensus's ${b.calls} BUY and SELL calls: ${b.score.toFixed(4)}, ${verdict} the ${b.base_rate.toFixed(4)} of a constant forecast at their hit rate.</p>`;
}

/**
 * The report page. `command` is the command line that made it, shown at the top; `data` says where the prices came
 * from (`the bundled daily bars`).
 * @example writeFileSync('bt.html', htmlReport(run, 'signals backtest AAPL --from 2024-01-02', 'the bundled daily bars'))
 */
export function htmlReport(run: BacktestRun, command: string, data: string): string {
  const { result, curves } = run;
  const s = result.settings;
  const horizon = headlineHorizon(s.horizons);
  const at = (stats: SignalStats | AgentStats) => stats.horizons.find((h) => h.horizon === horizon)!;
  const portfolioLines = [
    equityLine(curves.portfolio.strategy, 'strategy (equal weight)', COLORS.strategy),
    equityLine(curves.portfolio.buyAndHold, 'buy and hold (equal weight)', COLORS.hold),
    ...(curves.spy ? [equityLine(curves.spy, 'SPY', COLORS.spy)] : []),
  ];
  const drawdownLines = [
    drawdownLine(curves.portfolio.strategy, 'strategy', COLORS.strategy),
    drawdownLine(curves.portfolio.buyAndHold, 'buy and hold', COLORS.hold),
    ...(curves.spy ? [drawdownLine(curves.spy, 'SPY', COLORS.spy)] : []),
  ];
  const agents = Object.entries(result.portfolio.agents);
  const calibrationSeries = [{ label: 'consensus', stats: result.portfolio.signals }, ...agents.map(([id, a]) => ({ label: id, stats: a }))].map(
    ({ label, stats }, i) => ({
      label,
      color: i === 0 ? COLORS.strategy : AGENT_COLORS[(i - 1) % AGENT_COLORS.length]!,
      points: at(stats).calibration.flatMap((row) =>
        row.count === 0 || row.mean_confidence === null || row.hit_rate === null
          ? []
          : [{ confidence: row.mean_confidence, hitRate: row.hit_rate, count: row.count }],
      ),
    }),
  );
  const calibrationRows = calibrationSeries.flatMap((series, i) => {
    const stats = i === 0 ? result.portfolio.signals : agents[i - 1]![1];
    return at(stats)
      .calibration.filter((row) => row.count > 0)
      .map(
        (row) =>
          `<tr>${cell(series.label)}${cell(`${row.from.toFixed(1)}–${row.to.toFixed(1)}`)}${cell(String(row.count), 'n')}${cell(num(row.mean_confidence), 'n')}${cell(pct(row.hit_rate), 'n')}</tr>`,
      );
  });
  const symbolRows = result.symbols.map((r) => {
    const share = (n: number) => pct(r.steps === 0 ? null : n / r.steps);
    const a = r.signals.actions;
    return `<tr>${cell(r.symbol)}${cell(`${r.from} – ${r.to}`)}${[
      String(r.steps),
      `${share(a.BUY)} / ${share(a.SELL)} / ${share(a.HOLD)} / ${share(a.NO_SIGNAL)}`,
      pct(r.strategy.annual_return),
      num(r.strategy.sharpe),
      pct(-r.strategy.max_drawdown),
      pct(r.buy_and_hold.annual_return),
      num(r.buy_and_hold.sharpe),
      pct(-r.buy_and_hold.max_drawdown),
      num(at(r.signals).ic.pooled.ic, 3),
    ]
      .map((t) => cell(t, 'n'))
      .join('')}</tr>`;
  });
  const small = curves.symbols
    .map((c) =>
      lineChart([equityLine(c.strategy, 'strategy', COLORS.strategy), equityLine(c.buyAndHold, 'buy and hold', COLORS.hold)], {
        title: `${c.symbol}: growth of 1`,
        format: (v) => v.toFixed(2),
        width: 360,
        height: 170,
      }).replace('<svg ', `<svg data-symbol="${escapeHtml(c.symbol)}" `),
    )
    .map((svg, i) => `<figure><figcaption>${escapeHtml(curves.symbols[i]!.symbol)}</figcaption>${svg}</figure>`)
    .join('');
  const consensus = s.consensus;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>signals backtest: ${escapeHtml(result.symbols.map((r) => r.symbol).join(' '))}</title><style>${STYLE}</style></head>
<body>
<h1>signals backtest</h1>
<p><code>${escapeHtml(command)}</code></p>
<p>${result.settings.analyses.toLocaleString('en-US')} analyses of ${result.symbols.length} symbol${result.symbols.length === 1 ? '' : 's'}, every ${s.every === 1 ? 'trading day' : `${s.every} trading days`}; each as of its close with what <code>signals analyze --as-of</code> sees, traded at the next open; long on BUY, ${s.allow_short ? 'short on SELL, ' : ''}flat otherwise; ${s.cost_bps} bps per unit of position traded. Consensus: minimum confidence ${consensus.min_confidence}, gate ${consensus.gate}, quorum ${consensus.quorum}, denominator ${consensus.denominator}${
    Object.keys(consensus.weights).length
      ? `, weights ${escapeHtml(
          Object.entries(consensus.weights)
            .map(([k, v]) => `${k}=${v}`)
            .join(','),
        )}`
      : ''
  }.</p>
<p class="note">Prices: ${escapeHtml(data)}, split- and dividend-adjusted as of their last day, so a day's prices here differ from those traded on it (a stock that has split since shows a fraction of its traded price); the returns computed from them include the dividends, as a holder's would.</p>
<h2>Portfolio</h2>
${lineChart(portfolioLines, { title: 'Growth of 1', format: (v) => v.toFixed(2), width: PAGE_WIDTH, height: 320 })}
${lineChart(drawdownLines, { title: 'Drawdown', format: (v) => `${(v * 100).toFixed(0)}%`, width: PAGE_WIDTH, height: 220 })}
<table>${head(FIGURE_COLUMNS)}${figureRow('strategy', result.portfolio.strategy)}${figureRow('buy and hold', result.portfolio.buy_and_hold)}${result.spy ? figureRow('SPY', result.spy) : ''}</table>
<h2>Consensus calls</h2>
<p class="note">Forward returns run from the open after the call. Signed score: +confidence for BUY, −confidence for SELL, 0 otherwise; IC is its Spearman correlation with the forward return, with a Newey-West t (overlapping returns).</p>
${actionTable(result.portfolio.signals)}
<h2>Information coefficient, consensus and each agent's own vote</h2>
${icTable([{ label: 'consensus', stats: result.portfolio.signals }, ...agents.map(([id, a]) => ({ label: `${id} (${a.name})`, stats: a, coverage: a.coverage }))])}
<h2>Evidence at the window's end</h2>
${evidenceSection(result.evidence)}
<h2>Market regime</h2>
${regimeSection(result.regime)}
<h2>Calibration at ${horizon} days</h2>
<p class="note">Each dot is a confidence bucket of BUY and SELL calls: its mean confidence against the share that was right (beat SPY in the call's direction; for a market-wide agent, SPY beat cash). On the dashed line, confidence means what it says.</p>
${calibrationChart(calibrationSeries, `Calibration at ${horizon} days`)}
<table>${head(['', 'confidence', 'calls', 'mean confidence', 'hit rate'])}${calibrationRows.join('')}</table>
${brierNote(at(result.portfolio.signals).brier)}
<h2>Symbols</h2>
<table>${head(['symbol', 'window', 'steps', 'BUY / SELL / HOLD / none', 'strategy annual', 'Sharpe', 'max DD', 'hold annual', 'Sharpe', 'max DD', `IC ${horizon}d`])}${symbolRows.join('')}</table>
<div class="small">${small}</div>
</body></html>
`;
}
