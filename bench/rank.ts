// `signals rank` over a universe for one day as a whole process, against `signals analyze AAPL` start-up in the same run.
import { ANALYZE, BIN, timeRun } from './startup.js';
import { median } from './stats.js';

const RANK_BUNDLED = [BIN, 'rank', '--json'];
const RANK_SP500 = [BIN, 'rank', '--universe', 'sp500', '--json'];

export interface RankBenchResult {
  analyze_ms: number;
  rank_bundled_ms: number;
  rank_sp500_ms: number;
  /** rank_sp500_ms / analyze_ms: the goal is at most 2. */
  ratio_sp500: number;
  ratio_bundled: number;
  runs: number;
}

/** Medians of runs that alternate, so that machine noise hits all three alike; one warm-up run of each first. */
export function benchRank(runs: number): RankBenchResult {
  const commands = [ANALYZE, RANK_BUNDLED, RANK_SP500];
  for (const c of commands) timeRun(c);
  const times: number[][] = commands.map(() => []);
  for (let i = 0; i < runs; i++) commands.forEach((c, k) => times[k]!.push(timeRun(c)));
  const [analyze, bundled, sp500] = times.map(median) as [number, number, number];
  return {
    analyze_ms: round(analyze),
    rank_bundled_ms: round(bundled),
    rank_sp500_ms: round(sp500),
    ratio_sp500: round(sp500 / analyze),
    ratio_bundled: round(bundled / analyze),
    runs,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
