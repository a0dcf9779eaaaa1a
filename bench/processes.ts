// Starting and measuring server processes for the benchmarks: the real `signals serve` and the bare ws baseline.
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

/** The package root, found from this module wherever the build put it (an entry point or a shared chunk). */
function packageRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error('package.json not found above the bench modules');
}
const ROOT = packageRoot();
const BIN = join(ROOT, 'bin', 'signals.cjs');
const WORKER = join(ROOT, 'dist', 'bench', 'client-worker.js');
const BASELINE = join(ROOT, 'dist', 'bench', 'baseline-server.js');

export interface ServerProcess {
  /** `signals-public`: `signals serve` with the ws public-API outbound path (SIGNALS_WS_FAST_PATH=0). */
  name: 'signals' | 'signals-public' | 'baseline';
  child: ChildProcess;
  url: string;
  port: number;
  /** Forces a full garbage collection through the inspector protocol. */
  gc(): Promise<void>;
  rss(): number;
  /** CPU time (user + system, all threads) the process has used so far, in seconds. */
  cpu(): number;
  stop(): Promise<void>;
}

/** Resolves with the first match of `pattern` in what the child writes on `stream`. */
function waitFor(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${text}`)), 20_000);
    const onData = (d: Buffer) => {
      text += d.toString();
      const m = pattern.exec(text);
      if (m) {
        clearTimeout(timer);
        child[stream]!.off('data', onData);
        // Keep draining the pipe so that the child never blocks on a full one.
        child[stream]!.resume();
        resolve(m);
      }
    };
    child[stream]!.on('data', onData);
  });
}

export interface Inspector {
  call(method: string): Promise<void>;
  /** Node waits for an attached debugger to disconnect before it exits. */
  close(): void;
}

/** Attaches to a child started with `--inspect=127.0.0.1:0` (it prints where its debugger listens). */
export async function inspector(child: ChildProcess): Promise<Inspector & { port: number }> {
  const m = await waitFor(child, 'stderr', /Debugger listening on (ws:\/\/\S+)/);
  const ws = new WebSocket(m[1]!);
  await new Promise((r) => ws.once('open', r));
  let id = 0;
  const call = (method: string) =>
    new Promise<void>((resolve) => {
      const mine = ++id;
      const onMessage = (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { id?: number }).id === mine) {
          ws.off('message', onMessage);
          resolve();
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id: mine, method }));
    });
  return { call, close: () => ws.close(), port: Number(new URL(m[1]!).port) };
}

/** Clock ticks per second of the times in /proc/PID/stat. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU time process `pid` has used, in seconds: the kernel's own accounting of it (utime + stime in
 * /proc/PID/stat, all its threads), which is what `process.cpuUsage()` reads inside the process.
 */
export function processCpu(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (in parentheses) may hold spaces; the fields after it are space-separated, utime and stime 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** CPU time the whole machine has spent busy (all but idle, iowait and time stolen by the hypervisor; all cores), in seconds. */
export function machineBusy(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice: guest time is already in user and nice.
  const [, , , idle = 0, iowait = 0, , , steal = 0, guest = 0, guestNice = 0] = cpu;
  const busy = cpu.reduce((a, b) => a + b, 0) - idle - iowait - steal - guest - guestNice;
  return busy / CLOCK_TICKS;
}

/** Resident memory of process `pid` in bytes (VmRSS from /proc/PID/status). */
export function processRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

async function wrap(name: ServerProcess['name'], child: ChildProcess, port: number, debug: Inspector): Promise<ServerProcess> {
  return {
    name,
    child,
    port,
    url: `ws://127.0.0.1:${port}/ws/signals`,
    gc: async () => {
      await debug.call('HeapProfiler.collectGarbage');
      await debug.call('HeapProfiler.collectGarbage');
    },
    rss: () => processRss(child.pid!),
    cpu: () => processCpu(child.pid!),
    stop: () =>
      new Promise((resolve) => {
        const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(kill);
          resolve();
        });
        debug.close();
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `signals serve` with its signal log in a state dir of its own, or, given a Redis URL, as a node of the cluster on it.
 * `publicPath`: with its outbound fast path off, so that every frame goes through ws's public `send`.
 */
export async function startSignals(extra: string[] = [], redisUrl?: string, publicPath = false): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    // A state dir of its own: the bench never shares (or is locked out of) the user's signal log.
    [
      '--inspect=127.0.0.1:0',
      BIN,
      'serve',
      '--port',
      '0',
      ...(redisUrl === undefined ? ['--state-dir', mkdtempSync(join(tmpdir(), 'signals-bench-'))] : ['--redis-url', redisUrl]),
      '--symbols',
      'SPY',
      '--speed',
      '0.01',
      '--price-rate',
      '0.01',
      '--analyze-rate',
      '1000',
      '--message-rate',
      '10000',
      // The saturation runs ask for hundreds of analyses a second; the server-wide limit would refuse them.
      '--analyze-rate-total',
      '100000',
      // Every client of the bench comes from 127.0.0.1, as if from behind one proxy.
      '--max-connections-per-address',
      '100000',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: publicPath ? { ...process.env, SIGNALS_WS_FAST_PATH: '0' } : process.env },
  );
  const listening = waitFor(child, 'stderr', /"url":"ws:\/\/127\.0\.0\.1:(\d+)/);
  const debug = await inspector(child);
  const m = await listening;
  return wrap(publicPath ? 'signals-public' : 'signals', child, Number(m[1]), debug);
}

export async function startBaseline(recordingFile: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', BASELINE, recordingFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const listening = waitFor(child, 'stdout', /"port":(\d+)/);
  const debug = await inspector(child);
  const m = await listening;
  return wrap('baseline', child, Number(m[1]), debug);
}

export interface Workers {
  /** CPU time the client processes have used so far, together, in seconds. */
  cpu(): number;
  send(cmd: object): void;
  collect<T>(cmd: object): Promise<T[]>;
  stop(): Promise<void>;
}

/** Opens `count` clients spread over `processes` worker processes, each subscribed to one symbol round-robin. */
export async function startClients(url: string, count: number, symbols: string[], processes = 2): Promise<Workers> {
  const children: ChildProcess[] = [];
  const per = Math.ceil(count / processes);
  const ready: Promise<void>[] = [];
  for (let p = 0; p < processes; p++) {
    const n = Math.min(per, count - p * per);
    if (n <= 0) break;
    const child = fork(WORKER, [url, String(n), symbols.join(','), String(p * per)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    children.push(child);
    ready.push(
      new Promise((resolve, reject) =>
        child.once('message', (m: { ready?: number; error?: string }) => (m.error ? reject(new Error(m.error)) : resolve())),
      ),
    );
  }
  await Promise.all(ready);
  const collect = <T>(cmd: object) =>
    Promise.all(
      children.map(
        (c) =>
          new Promise<T>((resolve) => {
            c.once('message', (m) => resolve(m as T));
            c.send(cmd);
          }),
      ),
    );
  return {
    cpu: () => children.reduce((sum, c) => sum + processCpu(c.pid!), 0),
    send: (cmd) => children.forEach((c) => c.send(cmd)),
    collect,
    stop: async () => {
      await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.send({ cmd: 'exit' })))));
    },
  };
}
