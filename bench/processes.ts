// Starting and measuring server processes for the benchmarks: the real `signals serve` and the bare ws baseline.
import { fork, spawn, type ChildProcess } from 'node:child_process';
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
const BIN = join(ROOT, 'bin', 'signals.js');
const WORKER = join(ROOT, 'dist', 'bench', 'client-worker.js');
const BASELINE = join(ROOT, 'dist', 'bench', 'baseline-server.js');

export interface ServerProcess {
  name: 'signals' | 'baseline';
  child: ChildProcess;
  url: string;
  port: number;
  /** Forces a full garbage collection through the inspector protocol. */
  gc(): Promise<void>;
  rss(): number;
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

/** `signals serve` with its signal log in a state dir of its own, or, given a Redis URL, as a node of the cluster on it. */
export async function startSignals(extra: string[] = [], redisUrl?: string): Promise<ServerProcess> {
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
      '1000',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const listening = waitFor(child, 'stderr', /"url":"ws:\/\/127\.0\.0\.1:(\d+)/);
  const debug = await inspector(child);
  const m = await listening;
  return wrap('signals', child, Number(m[1]), debug);
}

export async function startBaseline(recordingFile: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--inspect=127.0.0.1:0', BASELINE, recordingFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const listening = waitFor(child, 'stdout', /"port":(\d+)/);
  const debug = await inspector(child);
  const m = await listening;
  return wrap('baseline', child, Number(m[1]), debug);
}

export interface Workers {
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
    send: (cmd) => children.forEach((c) => c.send(cmd)),
    collect,
    stop: async () => {
      await Promise.all(children.map((c) => new Promise((r) => (c.once('exit', r), c.send({ cmd: 'exit' })))));
    },
  };
}
