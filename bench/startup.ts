// Start-up: `signals analyze AAPL --json` as a whole process against `node -e 0`, medians of several runs.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from './stats.js';

const BIN = fileURLToPath(new URL('../../bin/signals.js', import.meta.url));

function timeRun(args: string[]): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return performance.now() - start;
}

export function benchStartup(runs: number): { analyze_ms: number; node_ms: number; ratio: number } {
  // Interleave so that machine noise hits both alike; one warm-up run of each fills the page cache.
  timeRun(['-e', '0']);
  timeRun([BIN, 'analyze', 'AAPL', '--json']);
  const node: number[] = [];
  const analyze: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timeRun(['-e', '0']));
    analyze.push(timeRun([BIN, 'analyze', 'AAPL', '--json']));
  }
  const analyzeMs = median(analyze);
  const nodeMs = median(node);
  return { analyze_ms: round(analyzeMs), node_ms: round(nodeMs), ratio: round(analyzeMs / nodeMs) };
}

const round = (x: number) => Math.round(x * 100) / 100;
