// Fan-out, memory and slow-consumer benchmarks: the real `signals serve` process against a bare ws baseline,
// with clients in other processes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startClients, type ServerProcess } from './processes.js';

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
  if (server.name !== 'signals') return 0;
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
  return Number(/^signals_slow_consumers_closed_total (\S+)$/m.exec(text)?.[1] ?? 0);
}

/** Sends `analyze` for every symbol `perSecond` times a second until stopped. */
export async function drive(server: ServerProcess, perSecond: number): Promise<() => void> {
  const ws = new WebSocket(server.url, { perMessageDeflate: false });
  await new Promise((r) => ws.once('open', r));
  const timer = setInterval(() => {
    for (const symbol of SYMBOLS) ws.send(JSON.stringify({ type: 'analyze', symbol }));
  }, 1000 / perSecond);
  return () => {
    clearInterval(timer);
    ws.terminate();
  };
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

/** One broadcast run: N clients subscribed, analyses driven at a fixed rate, deliveries measured for `seconds`. */
export async function broadcastRun(
  server: ServerProcess,
  clients: number,
  options: { seconds: number; perSecond: number; stallFraction?: number },
): Promise<RunResult & { rss_growth_bytes: number; stalled: number; slow_closed: number }> {
  progress(`${server.name}: ${clients} clients${options.stallFraction ? `, ${options.stallFraction * 100}% stalled` : ''}`);
  const workers = await startClients(server.url, clients, SYMBOLS);
  await sleep(500);
  await server.gc();
  const rssBefore = server.rss();
  const stop = await drive(server, options.perSecond);
  let stalled = 0;
  if (options.stallFraction) {
    stalled = (await workers.collect<{ stalled: number }>({ cmd: 'stall', fraction: options.stallFraction })).reduce((a, b) => a + b.stalled, 0);
  }
  await sleep(1000);
  workers.send({ cmd: 'start' });
  await sleep(options.seconds * 1000);
  const results = await workers.collect<{ received: number; histogram: number[] }>({ cmd: 'stop' });
  stop();
  await sleep(300);
  await server.gc();
  const rssAfter = server.rss();
  await workers.stop();
  await sleep(300);
  return { ...merge(results, options.seconds), rss_growth_bytes: rssAfter - rssBefore, stalled, slow_closed: await slowClosed(server) };
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
