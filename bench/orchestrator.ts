// Orchestrator throughput: full five-agent analyses per second on one core, market data already in memory.
import { defaultAgents } from '../src/agents/index.js';
import { snapshotAt } from '../src/market/snapshot.js';
import { MarketStore } from '../src/market/store.js';
import { Orchestrator } from '../src/orchestrator/orchestrator.js';

export async function benchOrchestrator(seconds: number): Promise<{ analyses_per_s: number }> {
  const store = new MarketStore();
  const orchestrator = new Orchestrator({ agents: defaultAgents({ bundledDir: store.bundledDir }) });
  // Real snapshots across symbols and dates (with and without headlines), built before timing.
  const symbols = ['AAPL', 'MSFT', 'NVDA', 'JPM', 'XOM', 'META'];
  const dates = ['2019-02-12', '2022-06-15', '2023-03-10', '2024-11-01', '2025-10-08'];
  const snapshots = symbols.flatMap((s) => dates.map((d) => snapshotAt(store, s, `${d}T21:00:00.000Z`)));
  for (const s of snapshots) await orchestrator.final(s);
  let count = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    for (const s of snapshots) {
      for await (const event of orchestrator.analyze(s, 'manual')) void event;
      count += 1;
    }
  }
  return { analyses_per_s: Math.round(count / ((performance.now() - start) / 1000)) };
}
