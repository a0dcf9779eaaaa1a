// Start-up: `signals analyze AAPL --json` as a whole process against `node -e 0`, medians of runs that alternate.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
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

/** A TCP port free on 127.0.0.1 a moment ago. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** When a client connecting now gets its first message (the welcome); undefined if nothing is listening yet. */
function firstMessage(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/signals`, { perMessageDeflate: false });
    ws.once('message', () => {
      resolve(performance.now());
      ws.terminate();
    });
    ws.once('error', () => resolve(undefined));
    ws.once('close', () => resolve(undefined));
  });
}

/**
 * Milliseconds from spawning `bin serve` (defaults, a fresh state dir, the bundled replay) to a client's first message:
 * how soon a server takes clients. Clients try to connect every 2 ms; a server not taking them within 60 s fails.
 */
export async function timeServeReady(bin = BIN): Promise<number> {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'signals-bench-serve-'));
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('SIGNALS_')));
  const start = performance.now();
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(port), '--state-dir', stateDir, '--log-level', 'warn'], {
    stdio: 'ignore',
    env,
  });
  try {
    while (performance.now() - start < 60_000) {
      if (child.exitCode !== null) throw new Error(`${bin} serve exited ${child.exitCode} before taking clients`);
      const at = await firstMessage(port);
      if (at !== undefined) return at - start;
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`${bin} serve took no client within 60 s`);
  } finally {
    child.kill('SIGKILL');
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export interface ServeReadyResult {
  serve_ms: number;
  node_ms: number;
  /** serve_ms / node_ms, alternating runs in the same run of the bench. */
  ratio: number;
  runs: number;
}

/** `signals serve`'s time to its first client's welcome against `node -e 0`, medians of alternating runs. */
export async function benchServeReady(runs: number): Promise<ServeReadyResult> {
  const node: number[] = [];
  const serve: number[] = [];
  for (let i = 0; i < runs; i++) {
    node.push(timeRun(NODE));
    serve.push(await timeServeReady());
  }
  const serveMs = median(serve);
  const nodeMs = median(node);
  return { serve_ms: round(serveMs), node_ms: round(nodeMs), ratio: round(serveMs / nodeMs), runs };
}
