// The signal log's cost: publish throughput with the embedded log against the same run with the log in memory, and recovery time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { defaultAgents } from '../src/agents/index.js';
import { Analyst } from '../src/core/analyst.js';
import { createLogger } from '../src/core/log.js';
import { SignalCore } from '../src/core/signal-core.js';
import type { MarketFeed, Tick } from '../src/market/feed.js';
import { MarketStore } from '../src/market/store.js';
import { MemoryLog } from '../src/log/memory-log.js';
import { SegmentLog } from '../src/log/segment-log.js';
import type { FsyncPolicy, SignalLog } from '../src/log/signal-log.js';
import { SignalServer } from '../src/server/signal-server.js';

/** A feed that never ticks, its clock fixed: analyses run only when asked for. */
class StillFeed implements MarketFeed {
  readonly name = 'still';
  private readonly symbols = new Set<string>();
  now() {
    return '2025-06-13T20:30:00.000Z';
  }
  watch(symbol: string) {
    this.symbols.add(symbol);
  }
  unwatch(symbol: string) {
    this.symbols.delete(symbol);
  }
  watched() {
    return [...this.symbols];
  }
  quote(): Tick | undefined {
    return undefined;
  }
  onTick() {}
  marketState() {
    return 'closed' as const;
  }
  onStatus() {}
  start() {}
  stop() {}
}

const store = new MarketStore();
const SYMBOLS = store.symbols();
/** One analyst for every run: its agents and data load once, before any timing. */
const analyst = new Analyst({ store, agents: defaultAgents({ bundledDir: store.bundledDir }) });

function core(log: SignalLog): SignalCore {
  return new SignalCore({ analyst, feed: new StillFeed(), log, symbols: [], thresholdPct: 1, priceRate: 4, logger: createLogger('silent') });
}

/** Publications per second through the core (real five-agent analyses of every bundled symbol, each logged, then published). */
async function publishRate(log: SignalLog, seconds: number): Promise<number> {
  const c = core(log);
  let published = 0;
  c.onPublish((_symbol, event) => {
    if (event.type === 'signal_update' || event.type === 'decision_update') published += 1;
  });
  // A first round creates each symbol's files: a one-time cost per symbol, not the steady state measured.
  for (const s of SYMBOLS) c.request(s, 'manual');
  await c.idle();
  published = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (const s of SYMBOLS) c.request(s, 'manual');
    await c.idle();
  }
  await log.close();
  return Math.round(published / ((performance.now() - start) / 1000));
}

const tempDir = () => mkdtempSync(join(tmpdir(), 'signals-bench-log-'));

export async function benchLogThroughput(seconds: number) {
  await publishRate(new MemoryLog(), 0.5);
  const runs: Record<string, number> = {};
  // Alternate the variants so that drift in the machine's speed hits each alike.
  const order: ('memory' | FsyncPolicy)[] = ['memory', 'interval', 'always'];
  const totals: Record<string, number[]> = { memory: [], interval: [], always: [] };
  const rounds = 5;
  for (let round = 0; round < rounds; round++) {
    for (const variant of order) {
      const dir = tempDir();
      const log = variant === 'memory' ? new MemoryLog() : SegmentLog.open({ dir, fsync: variant });
      totals[variant]!.push(await publishRate(log, seconds / rounds / order.length));
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // The median round of each variant: one disturbed round (another process, a GC) does not decide the ratio.
  for (const [k, v] of Object.entries(totals)) runs[k] = v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
  return {
    memory_per_s: runs.memory!,
    embedded_interval_per_s: runs.interval!,
    embedded_always_per_s: runs.always!,
    ratio_interval: Math.round((runs.interval! / runs.memory!) * 1000) / 1000,
    ratio_always: Math.round((runs.always! / runs.memory!) * 1000) / 1000,
  };
}

/** Time for one client to receive `missed` publications it asks for with `since`, from the embedded log over a real socket. */
export async function benchRecovery(missed: number) {
  const dir = tempDir();
  const log = SegmentLog.open({ dir });
  const c = core(log);
  // Real publications: analyse once, then log copies of the outcome.
  let template: unknown;
  c.onPublish((_s, event) => {
    if (event.type === 'signal_update' || event.type === 'decision_update') template = event;
  });
  c.request('AAPL', 'manual');
  await c.idle();
  for (let i = 1; i < missed; i++) await log.append('AAPL', structuredClone(template) as Parameters<SignalLog['append']>[1]);
  const server = new SignalServer({ host: '127.0.0.1', port: 0, core: c, logger: createLogger('silent') });
  const port = await server.start();
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/signals`);
  await new Promise((r) => ws.once('open', r));
  let received = 0;
  const start = performance.now();
  const done = new Promise<void>((resolve) =>
    ws.on('message', (data) => {
      const text = (data as Buffer).toString();
      if (text.startsWith('{"type":"signal_update"') || text.startsWith('{"type":"decision_update"')) received += 1;
      if (received === missed) resolve();
    }),
  );
  ws.send(JSON.stringify({ type: 'subscribe', symbol: 'AAPL', since: { seq: 0, epoch: log.epoch } }));
  await done;
  const ms = Math.round(performance.now() - start);
  ws.close();
  await server.stop();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
  return { publications: missed, recover_ms: ms };
}
