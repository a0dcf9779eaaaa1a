// Start-up: `signals analyze AAPL --json` as a whole process against `node -e 0`, medians of runs that alternate.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defaultCacheDir } from '../src/market/cache.js';
import { MarketStore } from '../src/market/store.js';
import { median } from './stats.js';

/** The CLI as a user runs it, and the command whose start-up the bench times against others. */
export const BIN = fileURLToPath(new URL('../../bin/signals.cjs', import.meta.url));
export const ANALYZE = [BIN, 'analyze', 'AAPL', '--json'];
const NODE = ['-e', '0'];

/** Wall time of one whole Node process with `args`; throws when it fails. */
export function timeRun(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env });
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
  /** Whether the build's code cache of the CLI answered (bin/signals.cjs); without it the CLI compiles from its text. */
  code_cache: boolean;
  /**
   * The same pair with NODE_EXTRA_CA_CERTS unset, when the environment sets it: Node then parses those certificates
   * at every start (about 35 ms on these machines), which makes `node -e 0` slower and every ratio smaller.
   */
  without_extra_ca_certs?: { analyze_ms: number; node_ms: number; ratio: number };
}

/** Medians of `runs` alternating runs of `node -e 0` and `analyze`, after one warm-up run of each (the page cache). */
function pair(runs: number, env: NodeJS.ProcessEnv) {
  timeRun(NODE, env);
  timeRun(ANALYZE, env);
  const node: number[] = [];
  const analyze: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timeRun(NODE, env));
    analyze.push(timeRun(ANALYZE, env));
  }
  const analyzeMs = median(analyze);
  const nodeMs = median(node);
  return { analyze_ms: round(analyzeMs), node_ms: round(nodeMs), ratio: round(analyzeMs / nodeMs) };
}

export function benchStartup(runs: number): StartupResult {
  const { NODE_EXTRA_CA_CERTS, ...withoutCa } = process.env;
  const { load } = createRequire(import.meta.url)(BIN) as { load: () => { cached: boolean } };
  return {
    ...pair(runs, process.env),
    runs,
    market_cache: existsSync(defaultCacheDir(new MarketStore().bundledDir)),
    code_cache: load().cached,
    ...(NODE_EXTRA_CA_CERTS === undefined ? {} : { without_extra_ca_certs: pair(runs, withoutCa) }),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
