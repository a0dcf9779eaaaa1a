// The universe backtest: the fast walk against today's per-step path in the same run, and whole runs' time and peak memory.
import { spawnSync } from 'node:child_process';
import { runBacktest } from '../src/backtest/runner.js';
import { DEFAULT_CONSENSUS } from '../src/orchestrator/consensus.js';
import { BIN } from './startup.js';

/** Prints the process's peak resident memory on exit: what a whole run needs, worker threads included. */
const PEAK = `data:text/javascript,process.on('exit',()=>process.stderr.write('maxrss '+process.resourceUsage().maxRSS+'\\n'))`;

export interface PathRate {
  analyses: number;
  ms: number;
  per_s: number;
}

export interface WholeRun {
  every: number;
  from: string;
  analyses: number;
  ms: number;
  peak_rss_mb: number;
}

export interface BacktestBenchResult {
  window: string;
  workers: number;
  steps_path: PathRate;
  fast_path: PathRate;
  speedup: number;
  /** The whole universe, every trading day, at the per-step path's rate: what it would take today. */
  steps_path_daily_projected_s: number;
  runs: WholeRun[];
}

async function rate(path: 'steps' | 'track', window: { from: string; to: string; every: number }, workers: number): Promise<PathRate> {
  const start = performance.now();
  const run = await runBacktest({
    symbols: [],
    ...window,
    horizons: [21],
    costBps: 5,
    allowShort: false,
    setup: { consensus: DEFAULT_CONSENSUS, agentTimeoutMs: 5_000, universe: 'sp500' },
    workers,
    path,
  });
  const ms = performance.now() - start;
  const analyses = run.result.settings.analyses;
  return { analyses, ms: Math.round(ms), per_s: Math.round((analyses / ms) * 1000) };
}

/** One whole `signals backtest --universe sp500` as a process; its JSON is thrown away unread (docs/backtest.md lists these runs). */
function whole(from: string, every: number): WholeRun {
  const start = performance.now();
  const args = ['--import', PEAK, BIN, 'backtest', '--universe', 'sp500', '--from', from, '--every', String(every), '--horizon', '21', '--json'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1024 ** 3 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`backtest --every ${every} exited ${r.status}: ${r.stderr}`);
  const analyses = (JSON.parse(r.stdout) as { settings: { analyses: number } }).settings.analyses;
  const peak = Number(/maxrss (\d+)/.exec(r.stderr)?.[1] ?? NaN);
  return { every, from, analyses, ms: Math.round(ms), peak_rss_mb: Math.round(peak / 1024) };
}

/**
 * Both paths over the same sample window of the universe (design years only), then, unless `sampleOnly`, the whole
 * universe from 2006 with monthly and with daily steps.
 */
export async function benchBacktest(sampleOnly: boolean, workers = 2): Promise<BacktestBenchResult> {
  const window = { from: '2010-01-04', to: sampleOnly ? '2010-01-29' : '2010-03-31', every: 5 };
  const steps = await rate('steps', window, workers);
  const fast = await rate('track', window, workers);
  const runs = sampleOnly ? [] : [whole('2006-01-03', 21), whole('2006-01-03', 1)];
  const daily = runs.find((r) => r.every === 1)?.analyses ?? 1_790_000;
  return {
    window: `${window.from} to ${window.to} every ${window.every}`,
    workers,
    steps_path: steps,
    fast_path: fast,
    speedup: Math.round((fast.per_s / steps.per_s) * 10) / 10,
    steps_path_daily_projected_s: Math.round(daily / steps.per_s),
    runs,
  };
}
