// Start-up: `signals analyze AAPL --json` as a whole process against `node -e 0`, medians of runs that alternate.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../src/market/cache.js';
import { MarketStore } from '../src/market/store.js';
import { median } from './stats.js';

/** The CLI as a user runs it, and the command whose start-up the bench times against others. */
export const BIN = fileURLToPath(new URL('../../bin/signals.js', import.meta.url));
export const ANALYZE = [BIN, 'analyze', 'AAPL', '--json'];
const NODE = ['-e', '0'];

/** Wall time of one whole Node process with `args`; throws when it fails. */
export function timeRun(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - start;
}

export interface StartupResult {
  analyze_ms: number;
  node_ms: number;
  /** analyze_ms / node_ms: what the CLI adds to a bare Node start, on this machine, in this run. */
  ratio: number;
  runs: number;
  /** Whether the build's pre-parsed market data cache was there; without it analyze parses the source files. */
  market_cache: boolean;
}

export function benchStartup(runs: number): StartupResult {
  // Alternate so that machine noise hits both alike; one warm-up run of each fills the page cache.
  timeRun(NODE);
  timeRun(ANALYZE);
  const node: number[] = [];
  const analyze: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timeRun(NODE));
    analyze.push(timeRun(ANALYZE));
  }
  const analyzeMs = median(analyze);
  const nodeMs = median(node);
  return {
    analyze_ms: round(analyzeMs),
    node_ms: round(nodeMs),
    ratio: round(analyzeMs / nodeMs),
    runs,
    market_cache: existsSync(defaultCacheDir(new MarketStore().bundledDir)),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
