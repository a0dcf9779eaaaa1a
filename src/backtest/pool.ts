// Runs the walks of many symbols on worker threads, one analyst each, or in this thread when there is one worker.
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { MarketStore } from '../market/store.js';
import { SignalsError, type ErrorCode } from '../protocol/errors.js';
import { buildAnalyst, decideWith, walk, type AnalystSetup, type Decision } from './walk.js';

/** Marks a worker started by this module: the module is its own worker's entry point. */
const MARK = 'signals-backtest-walker';
/** A worker reports progress after this many analyses. */
const PROGRESS_EVERY = 20;

export interface WalkTask {
  symbol: string;
  dates: string[];
}

type ToWorker = WalkTask;
type FromWorker =
  { type: 'progress'; steps: number } | { type: 'done'; symbol: string; decisions: Decision[] } | { type: 'error'; code: ErrorCode; message: string };

export interface PoolOptions {
  /** Worker threads to use at most; 1 runs every walk in this thread. */
  workers: number;
  /** Called with the number of analyses just finished. */
  onProgress?: (steps: number) => void;
  /** This thread's store, reused when the walks run here. */
  store?: MarketStore;
}

/** The bundled build runs workers from its own file; from TypeScript sources (the unit tests) walks run in this thread. */
const WORKER_FILE = import.meta.url.endsWith('.js') ? fileURLToPath(import.meta.url) : undefined;

const toFailure = (error: unknown): { code: ErrorCode; message: string } => ({
  code: error instanceof SignalsError ? error.code : 'ANALYSIS_FAILED',
  message: error instanceof Error ? error.message : String(error),
});

/** Every task's decisions by symbol. Fails with the first walk's error (its code kept), stopping the others. */
export async function runWalks(tasks: readonly WalkTask[], setup: AnalystSetup, options: PoolOptions): Promise<Map<string, Decision[]>> {
  const count = Math.min(options.workers, tasks.length);
  if (count <= 1 || WORKER_FILE === undefined) return inThisThread(tasks, setup, options);
  return inWorkers(WORKER_FILE, tasks, setup, count, options.onProgress);
}

async function inThisThread(tasks: readonly WalkTask[], setup: AnalystSetup, options: PoolOptions): Promise<Map<string, Decision[]>> {
  const { analyst, store } = buildAnalyst(setup, options.store);
  const decide = decideWith(analyst, store);
  const results = new Map<string, Decision[]>();
  for (const task of tasks) results.set(task.symbol, await walk(decide, task.symbol, task.dates, () => options.onProgress?.(1)));
  return results;
}

function inWorkers(
  file: string,
  tasks: readonly WalkTask[],
  setup: AnalystSetup,
  count: number,
  onProgress: ((steps: number) => void) | undefined,
): Promise<Map<string, Decision[]>> {
  // Longest walks first, so that no worker starts a long one when the others are nearly done.
  const queue = [...tasks].sort((a, b) => b.dates.length - a.dates.length);
  const results = new Map<string, Decision[]>();
  const workers: Worker[] = [];
  const finished = new Set<Worker>();
  return new Promise((resolve, reject) => {
    let running = 0;
    let failed = false;
    const fail = (failure: { code: ErrorCode; message: string }) => {
      if (failed) return;
      failed = true;
      for (const w of workers) void w.terminate();
      reject(new SignalsError(failure.code, failure.message));
    };
    const feed = (worker: Worker) => {
      const task = queue.shift();
      if (task === undefined) {
        finished.add(worker);
        void worker.terminate();
        running -= 1;
        if (running === 0 && !failed) resolve(results);
        return;
      }
      worker.postMessage(task satisfies ToWorker);
    };
    for (let i = 0; i < count; i++) {
      const worker = new Worker(file, { workerData: { mark: MARK, setup } });
      workers.push(worker);
      running += 1;
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'progress') onProgress?.(message.steps);
        else if (message.type === 'error') fail(message);
        else {
          results.set(message.symbol, message.decisions);
          feed(worker);
        }
      });
      worker.on('error', (error) => fail(toFailure(error)));
      worker.on('exit', (code) => {
        if (!finished.has(worker)) fail({ code: 'ANALYSIS_FAILED', message: `a backtest worker stopped (exit code ${code})` });
      });
      feed(worker);
    }
  });
}

/** A worker's side: builds the analyst once, then walks each symbol it is sent. */
function serveWalks(setup: AnalystSetup): void {
  const port = parentPort!;
  const { analyst, store } = buildAnalyst(setup);
  const decide = decideWith(analyst, store);
  const post = (message: FromWorker) => port.postMessage(message);
  port.on('message', (task: ToWorker) => {
    let pending = 0;
    const step = () => {
      if (++pending < PROGRESS_EVERY) return;
      post({ type: 'progress', steps: pending });
      pending = 0;
    };
    walk(decide, task.symbol, task.dates, step).then(
      (decisions) => {
        if (pending > 0) post({ type: 'progress', steps: pending });
        post({ type: 'done', symbol: task.symbol, decisions });
      },
      (error: unknown) => post({ type: 'error', ...toFailure(error) }),
    );
  });
}

if (!isMainThread && (workerData as { mark?: unknown } | null)?.mark === MARK) {
  serveWalks((workerData as { setup: AnalystSetup }).setup);
}
