// Runs the walks of many symbols on worker threads, one analyst each, or in this thread when there is one worker.
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { defaultAgents } from '../agents/index.js';
import { evidenceOf } from '../core/evidence-store.js';
import { SignalsError, type ErrorCode } from '../protocol/errors.js';
import { columnsOf, Tracker, type StepColumns } from './track.js';
import { buildAnalyst, decideWith, decisionOf, sourceOf, walk, type AnalystSetup, type WalkSource } from './walk.js';

/** Marks a worker started by this module: the module is its own worker's entry point. */
const MARK = 'signals-backtest-walker';
/** A worker reports progress after this many analyses. */
const PROGRESS_EVERY = 20;

/**
 * Where a walk's decisions come from: 'track', the agents' incremental forms along each history (src/backtest/track.ts);
 * 'steps', the full analysis `analyze --as-of` runs at every step (the reference, and the path with an LLM, whose calls
 * have their time limit only there).
 */
export type WalkPath = 'track' | 'steps';

export interface WalkTask {
  symbol: string;
  /** Bar indices of the steps, ascending, and their dates. */
  steps: number[];
  dates: string[];
}

type ToWorker = WalkTask;
type FromWorker =
  { type: 'progress'; steps: number } | { type: 'done'; symbol: string; columns: StepColumns } | { type: 'error'; code: ErrorCode; message: string };

export interface PoolOptions {
  /** Worker threads to use at most; 1 runs every walk in this thread. */
  workers: number;
  path: WalkPath;
  /** Called with the number of analyses just finished. */
  onProgress?: (steps: number) => void;
  /** This thread's store and source, reused when the walks run here. */
  source?: WalkSource;
}

/** The bundled build runs workers from its own file; from TypeScript sources (the unit tests) walks run in this thread. */
const WORKER_FILE = import.meta.url.endsWith('.js') ? fileURLToPath(import.meta.url) : undefined;

const toFailure = (error: unknown): { code: ErrorCode; message: string } => ({
  code: error instanceof SignalsError ? error.code : 'ANALYSIS_FAILED',
  message: error instanceof Error ? error.message : String(error),
});

/** Every task's decisions by symbol. Fails with the first walk's error (its code kept), stopping the others. */
export async function runWalks(tasks: readonly WalkTask[], setup: AnalystSetup, options: PoolOptions): Promise<Map<string, StepColumns>> {
  const count = Math.min(options.workers, tasks.length);
  if (count <= 1 || WORKER_FILE === undefined) return inThisThread(tasks, setup, options);
  return inWorkers(WORKER_FILE, tasks, setup, count, options);
}

/** One walker per thread: walks a task by the path chosen, calling `onStep` after each analysis. */
function walker(setup: AnalystSetup, path: WalkPath, source = sourceOf(setup)) {
  // Today's path as `analyze` runs it, track records too; the fast path's last step without them.
  const analyst = buildAnalyst(setup, source, path === 'steps');
  const decide = decideWith(analyst, source.source);
  let tracker: Promise<Tracker> | undefined;
  return async (task: WalkTask, onStep: (steps: number) => void): Promise<StepColumns> => {
    if (path === 'steps') return columnsOf(await walk(decide, task.symbol, task.dates, () => onStep(1)), task.steps);
    const agents = defaultAgents({ bundledDir: source.store.bundledDir, llm: setup.llm });
    tracker ??= evidenceOf(source.source, agents, setup.universe).then((evidence) => new Tracker(source.source, agents, setup.consensus, evidence));
    const columns = await (await tracker).track(task.symbol, task.steps, async (date) => decisionOf(date, await decide(task.symbol, date), true));
    onStep(task.steps.length);
    return columns;
  };
}

async function inThisThread(tasks: readonly WalkTask[], setup: AnalystSetup, options: PoolOptions): Promise<Map<string, StepColumns>> {
  const run = walker(setup, options.path, options.source);
  const results = new Map<string, StepColumns>();
  for (const task of tasks) results.set(task.symbol, await run(task, (n) => options.onProgress?.(n)));
  return results;
}

function inWorkers(
  file: string,
  tasks: readonly WalkTask[],
  setup: AnalystSetup,
  count: number,
  options: PoolOptions,
): Promise<Map<string, StepColumns>> {
  // Longest walks first, so that no worker starts a long one when the others are nearly done.
  const queue = [...tasks].sort((a, b) => b.steps.length - a.steps.length);
  const results = new Map<string, StepColumns>();
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
      const worker = new Worker(file, { workerData: { mark: MARK, setup, path: options.path } });
      workers.push(worker);
      running += 1;
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'progress') options.onProgress?.(message.steps);
        else if (message.type === 'error') fail(message);
        else {
          results.set(message.symbol, message.columns);
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

/** A worker's side: builds its walker once, then walks each symbol it is sent. */
function serveWalks(setup: AnalystSetup, path: WalkPath): void {
  const port = parentPort!;
  const run = walker(setup, path);
  const post = (message: FromWorker) => port.postMessage(message);
  port.on('message', (task: ToWorker) => {
    let pending = 0;
    const step = (n: number) => {
      pending += n;
      if (pending < PROGRESS_EVERY) return;
      post({ type: 'progress', steps: pending });
      pending = 0;
    };
    run(task, step).then(
      (columns) => {
        if (pending > 0) post({ type: 'progress', steps: pending });
        post({ type: 'done', symbol: task.symbol, columns });
      },
      (error: unknown) => post({ type: 'error', ...toFailure(error) }),
    );
  });
}

if (!isMainThread && (workerData as { mark?: unknown } | null)?.mark === MARK) {
  const data = workerData as { setup: AnalystSetup; path: WalkPath };
  serveWalks(data.setup, data.path);
}
