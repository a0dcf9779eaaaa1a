// The real `signals serve` as a separate process for the hostile-client suite: start, port, RSS, liveness, connections, stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SegmentLog } from '../src/log/segment-log.js';
import type { Publication } from '../src/log/signal-log.js';
import { inspector, processRss } from './processes.js';

/** The symbol whose log the read floods read: it starts with this many publications of about 4 KB, a real signal's size. */
export const READ_SYMBOL = 'AAPL';
export const READ_RECORDS = 3_000;

/** Fills a new state dir's log with READ_RECORDS publications of READ_SYMBOL. */
async function prefill(stateDir: string): Promise<void> {
  const log = SegmentLog.open({ dir: stateDir, fsync: 'never' });
  const reasoning = Array.from({ length: 6 }, (_, i) => `reason ${i}: ${'the price is near its 10-month average, no call '.repeat(2)}`);
  const agents = ['technical', 'momentum', 'volatility', 'economic', 'news'];
  const summary = Object.fromEntries(agents.map((id) => [id, { name: id, signal: 'HOLD', confidence: 0.6, reasoning }]));
  for (let i = 0; i < READ_RECORDS; i++) {
    const publication: Publication = {
      type: 'decision_update',
      data: {
        symbol: READ_SYMBOL,
        decision: { action: 'NO_SIGNAL', reason: `no agent made a call (${i})`, agent_summary: summary },
        timestamp: new Date().toISOString(),
        trigger: 'price_move',
      },
    };
    await log.append(READ_SYMBOL, publication);
  }
  await log.close();
}

/** `relative` (e.g. bin/signals.cjs) in the first folder above this module that has it: bench/ under vitest, dist/bench/ once built. */
export function findUp(relative: string): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const path = join(dir, relative);
    if (existsSync(path)) return path;
    if (dirname(dir) === dir) throw new Error(`${relative} not found above the fuzz modules`);
  }
}

/**
 * The TCP port `pid` listens on, from its socket inodes and /proc/net/tcp: at `--log-level warn` the
 * server does not log its listening line.
 */
function listeningPort(pid: number, except: number): number | undefined {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  const inodes = new Set<string>();
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // The descriptor closed while we listed them.
    }
  }
  for (const line of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // Fields: sl, local address:port (hex), remote, state (0A = LISTEN), …, inode (10th).
    if (f[3] !== '0A' || !inodes.has(f[9]!)) continue;
    const port = parseInt(f[1]!.split(':')[1]!, 16);
    if (port !== except) return port;
  }
  return undefined;
}

export interface ServeProcess {
  readonly port: number;
  /** Set once the process has exited. */
  exit(): { code: number | null; signal: string | null } | undefined;
  /** Resident memory in bytes (VmRSS), or undefined once the process is gone. */
  rss(): number | undefined;
  /** The last lines the server wrote to stderr (warnings, errors, a crash's stack). */
  log(): string;
  /**
   * Waits until the server holds at most `n` WebSocket connections (GET /ws/status), for up to `ms`;
   * resolves with the last count (Infinity if the server did not answer).
   */
  settle(n: number, ms: number): Promise<number>;
  /**
   * A full garbage collection in the server (through its inspector, as the bench does before it
   * measures memory): each phase's memory is then measured from what is live, not from the garbage
   * earlier phases left for V8 to collect on its own schedule.
   */
  collectGarbage(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts `signals serve --port 0 --log-level warn` on 127.0.0.1 with every other setting at its default, its
 * state dir's log prefilled (READ_SYMBOL); given a Redis URL, as a node of the cluster on it (its signal log in
 * Redis instead of a state dir, not prefilled).
 */
export async function startServe(redisUrl?: string): Promise<ServeProcess> {
  const env = { ...process.env };
  // The serve options read SIGNALS_* variables; the suite tests the documented defaults.
  for (const key of Object.keys(env)) if (key.startsWith('SIGNALS_')) delete env[key];
  // A signal log of its own, so that no run reads or grows the user's (~/.local/state/signals); removed on exit.
  const stateDir = mkdtempSync(join(tmpdir(), 'signals-fuzz-'));
  if (redisUrl === undefined) await prefill(stateDir);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--inspect=127.0.0.1:0',
      findUp('bin/signals.cjs'),
      'serve',
      '--port',
      '0',
      '--log-level',
      'warn',
      ...(redisUrl === undefined ? ['--state-dir', stateDir] : ['--redis-url', redisUrl]),
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
    },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-8_000)));
  let exit: { code: number | null; signal: string | null } | undefined;
  // Never outlive the fuzzer, whatever way it ends.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      process.off('exit', orphan);
      rmSync(stateDir, { recursive: true, force: true });
      resolve();
    }),
  );
  const debug = await inspector(child);
  const pid = child.pid!;
  let port: number | undefined;
  for (const started = Date.now(); port === undefined; await new Promise((r) => setTimeout(r, 25))) {
    if (exit) throw new Error(`signals serve exited before listening: ${log}`);
    if (Date.now() - started > 20_000) throw new Error(`signals serve did not listen within 20 s: ${log}`);
    port = listeningPort(pid, debug.port);
  }
  return {
    port,
    exit: () => exit,
    rss: () => {
      if (exit) return undefined;
      try {
        return processRss(pid);
      } catch {
        return undefined;
      }
    },
    log: () => log,
    settle: async (n, ms) => {
      let count = Infinity;
      for (const until = Date.now() + ms; exit === undefined; await new Promise((r) => setTimeout(r, 100))) {
        try {
          const response = await fetch(`http://127.0.0.1:${port}/ws/status`, { signal: AbortSignal.timeout(Math.max(1, until - Date.now())) });
          count = ((await response.json()) as { websocket_manager: { total_connections: number } }).websocket_manager.total_connections;
        } catch {
          count = Infinity;
        }
        if (count <= n || Date.now() >= until) break;
      }
      return count;
    },
    collectGarbage: async () => {
      if (exit) return;
      // A server that died meanwhile never answers: the phase's own checks report that.
      await Promise.race([debug.call('HeapProfiler.collectGarbage'), new Promise((r) => setTimeout(r, 5_000).unref())]);
    },
    stop: async () => {
      // Node waits for an attached debugger to go before it exits.
      debug.close();
      if (exit) return;
      const kill = setTimeout(() => child.kill('SIGKILL'), 6_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    },
  };
}
