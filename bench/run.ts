// `npm run bench [-- --quick] [-- --out FILE]`: the benchmark suite; prints a table and writes JSON.
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { clusterRun } from './cluster.js';
import { broadcastRun, memoryRun, recordAnalyses } from './fanout.js';
import { benchMonitor } from './monitor.js';
import { benchOrchestrator } from './orchestrator.js';
import { startBaseline, startSignals } from './processes.js';
import { benchLogThroughput, benchRecovery } from './log.js';
import { benchRank } from './rank.js';
import { benchStartup } from './startup.js';
import { benchUniverseLoad } from './universe.js';
import { benchEvidenceSamples } from './evidence.js';
import { benchBacktest } from './backtest.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, smoke: { type: 'boolean', default: false }, out: { type: 'string' } },
});
/** --smoke: a few clients for a second each, to check that the suite still runs (used by the tests). */
const smoke = values.smoke ?? false;
const quick = (values.quick ?? false) || smoke;
const sizes = smoke ? [60] : quick ? [1000, 2000] : [1000, 5000, 10000];
const seconds = smoke ? 1 : quick ? 4 : 8;
/** Analyses requested per symbol per second: 30 symbols x 12 messages each = 360 room messages a second. */
const perSecond = 1;

const row = (name: string, value: string) => console.log(`${name.padEnd(40)} ${value}`);
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, date: new Date().toISOString(), quick, smoke },
};

const orchestrator = await benchOrchestrator(smoke ? 0.2 : quick ? 2 : 5);
results.orchestrator = orchestrator;
row('orchestrator analyses/s (1 core)', `${orchestrator.analyses_per_s}  (goal >= 2000)`);

const monitor = benchMonitor(smoke ? 0.1 : quick ? 1 : 3);
results.monitor = { ticks_per_s: monitor.ticks_per_s };
row('monitor ticks/s', `${monitor.ticks_per_s}`);

const startup = benchStartup(smoke ? 1 : quick ? 11 : 21);
results.startup = startup;
row(
  'start-up analyze / node -e 0',
  `${startup.analyze_ms} ms / ${startup.node_ms} ms = ${startup.ratio}x  (goal <= 2x)${startup.market_cache ? '' : '  NO MARKET CACHE: run the build'}`,
);

const rank = benchRank(smoke ? 1 : quick ? 3 : 7);
results.rank = rank;
row(
  'rank sp500 / analyze AAPL (one day)',
  `${rank.rank_sp500_ms} ms / ${rank.analyze_ms} ms = ${rank.ratio_sp500}x  (goal <= 2x; bundled ${rank.ratio_bundled}x)`,
);

const universe = benchUniverseLoad(smoke ? 1 : quick ? 3 : 5);
results.universe_load = universe;
row(
  `universe load: ${universe.symbols} symbols, ${universe.rows} bars`,
  `${universe.load_all_ms} ms (open ${universe.open_ms} ms) = ${universe.packed_ns_per_row} ns/bar vs 30 CSVs ${universe.csv_ns_per_row} ns/bar  (goal < 1000 ms)`,
);

const record = await benchEvidenceSamples(smoke ? 2 : 30, smoke ? 1 : 3);
results.evidence_samples = record;
row(
  `monthly record: ${record.symbols} symbols, ${record.samples} samples`,
  `${record.bars_ms} ms vs ${record.snapshots_ms} ms with a snapshot per step = ${record.speedup}x faster`,
);

const backtest = await benchBacktest(quick);
results.backtest = backtest;
row(
  `backtest sp500 ${backtest.window}`,
  `fast ${backtest.fast_path.per_s}/s vs per-step ${backtest.steps_path.per_s}/s = ${backtest.speedup}x; per-step daily 2006-2025 would take ${backtest.steps_path_daily_projected_s} s`,
);
for (const r of backtest.runs) {
  const goal = r.every === 1 ? '(goal <= 600 s, <= 4096 MB)' : '(goal <= 60 s)';
  row(`backtest sp500 from ${r.from} every ${r.every}`, `${r.analyses} analyses in ${(r.ms / 1000).toFixed(1)} s, peak ${r.peak_rss_mb} MB  ${goal}`);
}

const logCost = await benchLogThroughput(smoke ? 0.6 : quick ? 6 : 15);
results.signal_log = logCost;
row('publications/s: log in memory', `${logCost.memory_per_s}`);
row('publications/s: embedded, fsync interval', `${logCost.embedded_interval_per_s} = ${logCost.ratio_interval}x  (goal >= 0.8)`);
row('publications/s: embedded, fsync always', `${logCost.embedded_always_per_s} = ${logCost.ratio_always}x`);
const recovery = await benchRecovery(smoke ? 500 : 10_000);
results.recovery = recovery;
row(`recover ${recovery.publications} missed publications`, `${recovery.recover_ms} ms  (goal < 1000 for 10,000)`);

const signals = await startSignals();
const recording = await recordAnalyses(signals);
const baseline = await startBaseline(recording);

const fanout = [];
for (const clients of sizes) {
  const ours = await broadcastRun(signals, clients, { seconds, perSecond });
  const bare = await broadcastRun(baseline, clients, { seconds, perSecond });
  const entry = {
    clients,
    symbols: 30,
    offered_messages_per_s: 30 * 12 * perSecond,
    delivered_per_s: ours.delivered_per_s,
    baseline_delivered_per_s: bare.delivered_per_s,
    ratio: Math.round((ours.delivered_per_s / bare.delivered_per_s) * 1000) / 1000,
    p50_ms: ours.p50_ms,
    p99_ms: ours.p99_ms,
    baseline_p50_ms: bare.p50_ms,
    baseline_p99_ms: bare.p99_ms,
  };
  fanout.push(entry);
  row(
    `fan-out ${clients} clients delivered/s`,
    `${entry.delivered_per_s} vs baseline ${entry.baseline_delivered_per_s} = ${entry.ratio}  (goal >= 0.8)`,
  );
  row(
    `fan-out ${clients} clients p50 / p99`,
    `${entry.p50_ms} / ${entry.p99_ms} ms vs baseline ${entry.baseline_p50_ms} / ${entry.baseline_p99_ms} ms  (goal p99 <= 250 at 10k)`,
  );
}
results.fanout = fanout;

const idle = sizes.at(-1)!;
const perConnection = await memoryRun(signals, idle);
const basePerConnection = await memoryRun(baseline, idle);
results.memory = {
  connections: idle,
  bytes_per_connection: perConnection,
  baseline_bytes_per_connection: basePerConnection,
  ratio: Math.round((perConnection / basePerConnection) * 100) / 100,
};
row(`memory per idle connection (${idle})`, `${kb(perConnection)} vs baseline ${kb(basePerConnection)}  (goal <= 15 KB)`);

// Slow consumers: a tenth of the clients stop reading, at a heavier load so that their backlog
// outgrows the kernel's socket buffers; compared with the same run without stalled readers.
const heavy = { seconds: smoke ? 1 : quick ? 6 : 20, perSecond: smoke ? 1 : quick ? 3 : 4 };
const clean = await broadcastRun(signals, idle, heavy);
const stalledRun = await broadcastRun(signals, idle, { ...heavy, stallFraction: 0.1 });
const cap = 1024 * 1024;
results.slow_consumers = {
  clients: idle,
  offered_messages_per_s: 30 * 12 * heavy.perSecond,
  stalled_fraction: 0.1,
  stalled_clients: stalledRun.stalled,
  closed_as_slow: stalledRun.slow_closed - clean.slow_closed,
  rss_growth_bytes: stalledRun.rss_growth_bytes,
  rss_bound_bytes: cap * stalledRun.stalled,
  rss_bounded: stalledRun.rss_growth_bytes <= cap * stalledRun.stalled,
  healthy_p99_ms: stalledRun.p99_ms,
  clean_p99_ms: clean.p99_ms,
  p99_ratio: Math.round((stalledRun.p99_ms / Math.max(1, clean.p99_ms)) * 100) / 100,
};
row(
  'slow consumers: RSS growth',
  `${kb(stalledRun.rss_growth_bytes)} (bound ${kb(cap * stalledRun.stalled)}); ${stalledRun.slow_closed - clean.slow_closed} of ${stalledRun.stalled} stalled closed`,
);
row('slow consumers: healthy p99', `${stalledRun.p99_ms} ms vs ${clean.p99_ms} ms without stalls  (goal <= 1.5x)`);

await signals.stop();
await baseline.stop();

// The same fan-out through three nodes on a real Redis, against the one node without it, at the smallest size above: one
// node delivers all of it there, so what differs is the cost of the cluster (the relay through Redis), not which of two
// setups gets more of two shared cores.
const single = fanout[0]!;
const cluster = await clusterRun(single.clients, { seconds, perSecond, idle });
results.cluster = {
  nodes: cluster.nodes,
  clients: cluster.clients,
  delivered_per_s: cluster.delivered_per_s,
  single_node_delivered_per_s: single.delivered_per_s,
  delivered_ratio: Math.round((cluster.delivered_per_s / single.delivered_per_s) * 1000) / 1000,
  p50_ms: cluster.p50_ms,
  p99_ms: cluster.p99_ms,
  single_node_p50_ms: single.p50_ms,
  single_node_p99_ms: single.p99_ms,
  added_p99_ms: cluster.p99_ms - single.p99_ms,
  relay_lag_p50_ms: cluster.relay_lag_p50_ms,
  relay_lag_p99_ms: cluster.relay_lag_p99_ms,
  bytes_per_connection: cluster.bytes_per_connection,
  single_node_bytes_per_connection: perConnection,
  memory_ratio: Math.round((cluster.bytes_per_connection / perConnection) * 100) / 100,
};
row(`cluster: 3 nodes ${cluster.clients} clients delivered/s`, `${cluster.delivered_per_s} vs one node ${single.delivered_per_s}`);
row(
  'cluster: p50 / p99',
  `${cluster.p50_ms} / ${cluster.p99_ms} ms vs one node ${single.p50_ms} / ${single.p99_ms} ms (added p99 ${cluster.p99_ms - single.p99_ms} ms)`,
);
row('cluster: relay lag p50 / p99 (bucket bounds)', `${cluster.relay_lag_p50_ms} / ${cluster.relay_lag_p99_ms} ms`);
row(`cluster: memory per idle connection (${idle})`, `${kb(cluster.bytes_per_connection)} vs one node ${kb(perConnection)}`);

if (values.out) writeFileSync(values.out, `${JSON.stringify(results, null, 2)}\n`);
