// Fan-out, memory and slow-consumer benchmarks: the real `signals serve` process against a bare ws baseline,
// with clients in other processes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { machineBusy, startClients, type ServerProcess, type Workers } from './processes.js';

export const SYMBOLS = [
  'AAPL',
  'AMD',
  'AMZN',
  'AVGO',
  'BAC',
  'BRK-B',
  'COST',
  'CVX',
  'DIS',
  'GOOGL',
  'HD',
  'INTC',
  'JNJ',
  'JPM',
  'KO',
  'LLY',
  'MA',
  'META',
  'MSFT',
  'NFLX',
  'NVDA',
  'ORCL',
  'PEP',
  'PG',
  'SPY',
  'TSLA',
  'UNH',
  'V',
  'WMT',
  'XOM',
];
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const progress = (what: string) => process.stderr.write(`  … ${what}\n`);

/** Records one analysis per symbol from the real server, as message templates with the timestamps blanked. */
export async function recordAnalyses(server: ServerProcess): Promise<string> {
  const ws = new WebSocket(server.url);
  await new Promise((r) => ws.once('open', r));
  const byAnalysis = new Map<string, { symbol: string; messages: string[] }>();
  const finished = new Set<string>();
  ws.on('message', (data: Buffer) => {
    const text = data.toString();
    const m = JSON.parse(text) as { type: string; data?: { symbol: string; analysis_id?: string; trigger?: string } };
    const id = m.data?.analysis_id;
    if (!id || m.data?.trigger === 'snapshot') return;
    const entry = byAnalysis.get(id) ?? { symbol: m.data!.symbol, messages: [] };
    entry.messages.push(text.replace(/"timestamp":"[^"]+"/g, '"timestamp":"__TS__"'));
    byAnalysis.set(id, entry);
    if (m.type === 'signal_update' || m.type === 'decision_update') finished.add(m.data!.symbol);
  });
  for (const symbol of SYMBOLS) ws.send(JSON.stringify({ type: 'analyze', symbol }));
  while (finished.size < SYMBOLS.length) await sleep(20);
  ws.close();
  const recording: Record<string, string[]> = {};
  for (const { symbol, messages } of byAnalysis.values()) {
    if (messages.length > (recording[symbol]?.length ?? 0)) recording[symbol] = messages;
  }
  const file = join(mkdtempSync(join(tmpdir(), 'signals-bench-')), 'recording.json');
  writeFileSync(file, JSON.stringify(recording));
  return file;
}

/** Slow consumers the signals server has closed so far (from /metrics); 0 for the baseline, which has no such limit. */
async function slowClosed(server: ServerProcess): Promise<number> {
  if (server.name === 'baseline') return 0;
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  return Number(/^signals_slow_consumers_closed_total (\S+)$/m.exec(text)?.[1] ?? 0);
}

/** `analyze` requests one driver connection sends per second at most (the server's per-connection limit is 1,000). */
const ANALYSES_PER_DRIVER = 900;

/** The analyses being asked for: `stop` ends them; `nextGap` is the next middle between two rounds (`performance.now()` time). */
export interface Driver {
  stop(): void;
  nextGap(): number;
}

/**
 * Sends `analyze` for every symbol `perSecond` times a second, each round at a fixed time from the first (no drift),
 * over as many connections as that takes. A stretch measured from the middle between two rounds to the same point a
 * whole number of rounds later holds exactly that many rounds, when each round is delivered within half the period.
 */
export async function drive(server: ServerProcess, perSecond: number): Promise<Driver> {
  const drivers = Math.ceil((SYMBOLS.length * perSecond) / ANALYSES_PER_DRIVER);
  const sockets = await Promise.all(
    Array.from({ length: drivers }, async () => {
      const ws = new WebSocket(server.url, { perMessageDeflate: false });
      await new Promise((r) => ws.once('open', r));
      return ws;
    }),
  );
  const period = 1000 / perSecond;
  const first = performance.now();
  let round = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    SYMBOLS.forEach((symbol, i) => sockets[i % drivers]!.send(JSON.stringify({ type: 'analyze', symbol })));
    round += 1;
    timer = setTimeout(tick, Math.max(0, first + round * period - performance.now()));
  };
  tick();
  return {
    stop: () => {
      clearTimeout(timer);
      for (const ws of sockets) ws.terminate();
    },
    nextGap: () => first + (Math.floor((performance.now() - first) / period - 0.5) + 1.5) * period,
  };
}

/**
 * Runs analyses at `perSecond` per symbol for `seconds` with no client subscribed, so that what is measured next is the
 * server in its steady state: a fresh `signals serve` spends its first few thousand analyses compiling its hot code (at
 * 30 analyses a second, a cold server's CPU per analysis was half as much again as a warm one's).
 */
export async function warmUp(server: ServerProcess, options: { seconds: number; perSecond: number }): Promise<void> {
  progress(`${server.name}: warming up, ${options.perSecond} analyses per symbol per second for ${options.seconds} s`);
  const driver = await drive(server, options.perSecond);
  await sleep(options.seconds * 1000);
  driver.stop();
  await sleep(300);
}

export interface RunResult {
  delivered_per_s: number;
  p50_ms: number;
  p99_ms: number;
  received: number;
}

export function merge(results: { received: number; histogram: number[] }[], seconds: number): RunResult {
  const total = new Float64Array(results[0]!.histogram.length);
  let received = 0;
  for (const r of results) {
    received += r.received;
    r.histogram.forEach((n, ms) => (total[ms]! += n));
  }
  const at = (q: number) => {
    const count = total.reduce((a, b) => a + b, 0);
    let seen = 0;
    for (let ms = 0; ms < total.length; ms++) {
      seen += total[ms]!;
      if (seen >= q * count) return ms;
    }
    return total.length - 1;
  };
  return { delivered_per_s: Math.round(received / seconds), p50_ms: at(0.5), p99_ms: at(0.99), received };
}

/** What one measured stretch of a fan-out cost: in CPU time from each process's own accounting, over its wall time. */
export interface CpuResult {
  /** Server CPU time (user + system) per message delivered to a client, in microseconds. */
  cpu_us_per_delivery: number;
  /** CPU the server, the client processes and everything else on the machine used, in cores (1 = one core busy). */
  server_cores: number;
  clients_cores: number;
  /** The rest of the machine: this bench's own process (the driver) and whatever else runs on it. */
  others_cores: number;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Drives analyses at `perSecond` per symbol to clients already subscribed and measures deliveries, latency and CPU
 * for `seconds`, after a second for the load to settle.
 */
async function measure(server: ServerProcess, workers: Workers, options: { seconds: number; perSecond: number }): Promise<RunResult & CpuResult> {
  const driver = await drive(server, options.perSecond);
  await sleep(1000);
  // From the middle of one gap between rounds to that of another, a whole number of rounds (seconds x perSecond) later.
  const from = driver.nextGap();
  await sleep(from - performance.now());
  const sample = () => ({ at: performance.now(), server: server.cpu(), clients: workers.cpu(), machine: machineBusy() });
  const before = sample();
  workers.send({ cmd: 'start' });
  await sleep(from + options.seconds * 1000 - performance.now());
  const results = await workers.collect<{ received: number; histogram: number[] }>({ cmd: 'stop' });
  const after = sample();
  driver.stop();
  const wall = (after.at - before.at) / 1000;
  const serverCpu = after.server - before.server;
  const clientsCpu = after.clients - before.clients;
  const run = merge(results, options.seconds);
  return {
    ...run,
    cpu_us_per_delivery: round((serverCpu * 1e6) / Math.max(1, run.received), 3),
    server_cores: round(serverCpu / wall, 3),
    clients_cores: round(clientsCpu / wall, 3),
    others_cores: round(Math.max(0, after.machine - before.machine - serverCpu - clientsCpu) / wall, 3),
  };
}

/** One broadcast run: N clients subscribed, analyses driven at a fixed rate, deliveries measured for `seconds`. */
export async function broadcastRun(
  server: ServerProcess,
  clients: number,
  options: { seconds: number; perSecond: number; stallFraction?: number },
): Promise<RunResult & CpuResult & { rss_growth_bytes: number; stalled: number; slow_closed: number }> {
  progress(`${server.name}: ${clients} clients${options.stallFraction ? `, ${options.stallFraction * 100}% stalled` : ''}`);
  const workers = await startClients(server.url, clients, SYMBOLS);
  await sleep(500);
  await server.gc();
  const rssBefore = server.rss();
  let stalled = 0;
  if (options.stallFraction) {
    stalled = (await workers.collect<{ stalled: number }>({ cmd: 'stall', fraction: options.stallFraction })).reduce((a, b) => a + b.stalled, 0);
  }
  const run = await measure(server, workers, options);
  await sleep(300);
  await server.gc();
  const rssAfter = server.rss();
  await workers.stop();
  await sleep(300);
  return { ...run, rss_growth_bytes: rssAfter - rssBefore, stalled, slow_closed: await slowClosed(server) };
}

/** A step of the saturation run is sustained when this share of the offered deliveries arrived, with p99 within the bound. */
const SUSTAINED_SHARE = 0.97;
const SUSTAINED_P99_MS = 250;
/** At or above this much of a core the server's one thread is taken to be what ran out; below it, the clients or other work. */
const SERVER_BOUND_CORES = 0.85;

export interface SaturationStep extends RunResult, CpuResult {
  per_second: number;
  offered_per_s: number;
  sustained: boolean;
}

export interface SaturationResult {
  clients: number;
  steps: SaturationStep[];
  /** The highest offered load sustained, in deliveries per second (0 if not even the first step was). */
  sustained_per_s: number;
  /**
   * What gave out at the first step not sustained: the server's thread; or, with the server below that, whichever of the
   * client processes and the rest of the machine (other work on a shared machine) used more CPU; `none` if every step held.
   */
  limit: 'server' | 'clients' | 'others' | 'none';
}

/**
 * Offered load stepped up (analyses per symbol per second, from `rates`) to the same N clients until delivery falls
 * behind the offer or p99 passes 250 ms. `messagesPerAnalysis[s]` is how many messages an analysis of symbol s sends.
 */
export async function saturationRun(
  server: ServerProcess,
  clients: number,
  options: { seconds: number; rates: number[]; messagesPerAnalysis: Record<string, number> },
): Promise<SaturationResult> {
  const workers = await startClients(server.url, clients, SYMBOLS);
  // Clients are subscribed round-robin: client i to SYMBOLS[i % 30].
  let perRound = 0;
  for (let i = 0; i < clients; i++) perRound += options.messagesPerAnalysis[SYMBOLS[i % SYMBOLS.length]!] ?? 0;
  const steps: SaturationStep[] = [];
  try {
    await sleep(500);
    for (const perSecond of options.rates) {
      progress(`${server.name}: saturation, ${clients} clients, ${perSecond} analyses per symbol per second`);
      const run = await measure(server, workers, { seconds: options.seconds, perSecond });
      const offered = perRound * perSecond;
      const sustained = run.delivered_per_s >= SUSTAINED_SHARE * offered && run.p99_ms <= SUSTAINED_P99_MS;
      steps.push({ per_second: perSecond, offered_per_s: offered, sustained, ...run });
      if (!sustained) break;
      // Let what the step left queued drain before the next one starts.
      await sleep(500);
    }
  } finally {
    await workers.stop();
    await sleep(300);
  }
  const failed = steps.find((s) => !s.sustained);
  const held = steps.filter((s) => s.sustained);
  return {
    clients,
    steps,
    sustained_per_s: held.at(-1)?.offered_per_s ?? 0,
    limit: !failed
      ? 'none'
      : failed.server_cores >= SERVER_BOUND_CORES
        ? 'server'
        : failed.others_cores > failed.clients_cores
          ? 'others'
          : 'clients',
  };
}

/** Server RSS growth per idle subscribed connection, after GC. */
export async function memoryRun(server: ServerProcess, clients: number): Promise<number> {
  progress(`${server.name}: memory with ${clients} idle connections`);
  await server.gc();
  const before = server.rss();
  const workers = await startClients(server.url, clients, SYMBOLS);
  await sleep(1000);
  await server.gc();
  const after = server.rss();
  await workers.stop();
  await sleep(300);
  return Math.round((after - before) / clients);
}
