// The cluster's cost: the fan-out of the single-node run through three nodes on a real Redis, and memory per connection on a node.
import { drive, merge, progress, sleep, SYMBOLS, type RunResult } from './fanout.js';
import { startClients, startSignals, type ServerProcess } from './processes.js';
import { startRedis } from './redis.js';

export interface ClusterResult extends RunResult {
  nodes: number;
  clients: number;
  /** From the nodes' `signals_relay_lag_seconds`: another node publishing an event to this one handing it on (bucket bounds). */
  relay_lag_p50_ms: number;
  relay_lag_p99_ms: number;
  /** Server RSS growth per idle subscribed connection on one node of the cluster, after GC. */
  bytes_per_connection: number;
}

/**
 * Clients are spread evenly over the nodes, each subscribed to one of the 30 symbols; the analyses are
 * requested on the first node, which hands those of the symbols it does not own to their owners. A client
 * on a node that did not run the analysis gets it through Redis, so the latency measured (from the
 * `timestamp` the owner put in each message) includes the relay.
 */
export async function clusterRun(clients: number, options: { seconds: number; perSecond: number; idle: number }): Promise<ClusterResult> {
  const redis = await startRedis();
  const nodes: ServerProcess[] = [];
  try {
    for (let i = 0; i < 3; i++) nodes.push(await startSignals(['--lease-ms', '2000'], redis.url));
    progress(`cluster of ${nodes.length} nodes: ${clients} clients`);
    const per = Math.ceil(clients / nodes.length);
    const groups = await Promise.all(nodes.map((node, i) => startClients(node.url, Math.min(per, clients - i * per), SYMBOLS, 1)));
    // The nodes take the leases of the symbols their clients want at their next check (a tenth of the lease time).
    await sleep(1500);
    const driver = await drive(nodes[0]!, options.perSecond);
    await sleep(1000);
    for (const g of groups) g.send({ cmd: 'start' });
    await sleep(options.seconds * 1000);
    const results = (await Promise.all(groups.map((g) => g.collect<{ received: number; histogram: number[] }>({ cmd: 'stop' })))).flat();
    driver.stop();
    const lag = await relayLag(nodes);
    await Promise.all(groups.map((g) => g.stop()));
    await sleep(300);

    const node = nodes[0]!;
    progress(`cluster node: memory with ${options.idle} idle connections`);
    await node.gc();
    const before = node.rss();
    const idle = await startClients(node.url, options.idle, SYMBOLS);
    await sleep(1000);
    await node.gc();
    const after = node.rss();
    await idle.stop();
    return {
      nodes: nodes.length,
      clients,
      ...merge(results, options.seconds),
      relay_lag_p50_ms: lag(0.5),
      relay_lag_p99_ms: lag(0.99),
      bytes_per_connection: Math.round((after - before) / options.idle),
    };
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await redis.destroy();
  }
}

/** The relay lag histograms of every node, added up; returns the quantile as the upper bound of its bucket, in ms. */
async function relayLag(nodes: ServerProcess[]): Promise<(q: number) => number> {
  const buckets = new Map<number, number>();
  for (const node of nodes) {
    const text = await (await fetch(`http://127.0.0.1:${node.port}/metrics`)).text();
    for (const m of text.matchAll(/^signals_relay_lag_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)$/gm)) {
      const le = m[1] === '+Inf' ? Infinity : Number(m[1]);
      buckets.set(le, (buckets.get(le) ?? 0) + Number(m[2]));
    }
  }
  const sorted = [...buckets].sort(([a], [b]) => a - b);
  const count = sorted.at(-1)?.[1] ?? 0;
  return (q) => {
    const found = sorted.find(([, cumulative]) => cumulative >= q * count);
    return found === undefined || count === 0 ? NaN : found[0] * 1000;
  };
}
