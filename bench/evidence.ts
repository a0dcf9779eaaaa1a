// The monthly record's fast path (bar windows, market-wide scores once a day) against a full snapshot per step, in the same run.
import { economicIndicator } from '../src/agents/economic.js';
import { momentumAgent } from '../src/agents/momentum.js';
import { technicalAnalyst } from '../src/agents/technical.js';
import { volatilityRisk } from '../src/agents/volatility.js';
import { collectStockSamples, type SamplePath } from '../src/evidence/samples.js';
import { MarketStore } from '../src/market/store.js';
import { median } from './stats.js';

export interface EvidenceSamplesResult {
  symbols: number;
  samples: number;
  /** Median wall time of collecting every month-end sample of the symbols, each path. */
  bars_ms: number;
  snapshots_ms: number;
  /** snapshots_ms / bars_ms. */
  speedup: number;
  runs: number;
}

const AGENTS = [technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator];

/** Both paths over the first `count` bundled symbols (the build's agents), alternating, `runs` times each. */
export async function benchEvidenceSamples(count: number, runs: number): Promise<EvidenceSamplesResult> {
  const store = new MarketStore();
  const symbols = store.symbols().slice(0, count);
  const times: Record<SamplePath, number[]> = { bars: [], snapshots: [] };
  let samples = 0;
  // One untimed pass loads the bars, so that neither path pays for reading the data.
  await collectStockSamples(store, AGENTS, symbols);
  for (let i = 0; i < runs; i++) {
    for (const path of ['snapshots', 'bars'] as const) {
      const start = performance.now();
      samples = (await collectStockSamples(store, AGENTS, symbols, undefined, path)).length;
      times[path].push(performance.now() - start);
    }
  }
  const [bars, snapshots] = [median(times.bars), median(times.snapshots)];
  return {
    symbols: symbols.length,
    samples,
    bars_ms: Math.round(bars),
    snapshots_ms: Math.round(snapshots),
    speedup: Math.round((snapshots / bars) * 10) / 10,
    runs,
  };
}
