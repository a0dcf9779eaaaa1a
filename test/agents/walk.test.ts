// Each agent's incremental form (`walk`) gives, at every step it is asked for, exactly the vote `analyze` gives on that day's snapshot.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { momentumAgent } from '../../src/agents/momentum.js';
import { createNewsSentiment } from '../../src/agents/news-sentiment.js';
import { technicalAnalyst } from '../../src/agents/technical.js';
import { volatilityRisk } from '../../src/agents/volatility.js';
import type { HistorySource } from '../../src/market/history.js';
import { closeOf } from '../../src/market/publication.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { symbolHistory } from '../../src/market/symbol-history.js';
import { UniverseHistory } from '../../src/market/universe-history.js';

const store = new MarketStore();
const universe = new UniverseHistory(store);
const never = new AbortController().signal;
const AGENTS: Agent[] = [technicalAnalyst, momentumAgent, volatilityRisk, createNewsSentiment({ bundledDir: store.bundledDir })];

/** A seeded sample of `count` of 0..n-1 in ascending order, with the days where the agents first have enough bars. */
function steps(n: number, count: number, seed: number): number[] {
  let x = seed;
  const picked = new Set([0, 250, 251, 252, 253, 299, 300, n - 1].filter((i) => i < n));
  while (picked.size < count) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    picked.add(x % n);
  }
  return [...picked].sort((a, b) => a - b);
}

async function compare(source: HistorySource, symbol: string, seed: number): Promise<number> {
  const history = symbolHistory(source, symbol);
  const walkers = AGENTS.map((a) => a.walk!(history));
  let votes = 0;
  for (const i of steps(history.bars.date.length, 120, seed)) {
    const snapshot = snapshotAt(source, symbol, closeOf(history.bars.date[i]!));
    for (const [k, agent] of AGENTS.entries()) {
      const walked = await walkers[k]!(i);
      expect(walked, `${agent.id} ${symbol} ${history.bars.date[i]}`).toEqual(await agent.analyze(snapshot, never));
      if (walked.kind === 'vote') votes += 1;
    }
  }
  return votes;
}

describe("the agents' incremental forms", () => {
  it('vote as analyze does on bundled symbols, SPY among them, from the first bar to the last', async () => {
    let votes = 0;
    for (const [i, symbol] of ['AAPL', 'NVDA', 'SPY'].entries()) votes += await compare(store, symbol, 7 + i);
    // Most steps have a year of bars: the comparison is of votes, not of abstentions.
    expect(votes).toBeGreaterThan(3 * 120 * 3 * 0.8);
  }, 60_000);

  it('vote as analyze does on S&P 500 members from the packed bars, one of them listed in 2020', async () => {
    const symbols = ['LOW', 'ABNB'];
    expect(symbols.filter((s) => store.has(s))).toEqual([]);
    let votes = 0;
    for (const [i, symbol] of symbols.entries()) votes += await compare(universe, symbol, 11 + i);
    expect(votes).toBeGreaterThan(2 * 120 * 3 * 0.6);
  }, 60_000);

  it('vote as analyze does on days with headlines', async () => {
    const history = symbolHistory(store, 'AAPL');
    const sentiment = AGENTS[3]!;
    const walk = sentiment.walk!(history);
    let voted = 0;
    for (let i = history.bars.date.length - 60; i < history.bars.date.length; i++) {
      const walked = await walk(i);
      expect(walked).toEqual(await sentiment.analyze(snapshotAt(store, 'AAPL', closeOf(history.bars.date[i]!)), never));
      if (walked.kind === 'vote') voted += 1;
    }
    expect(voted).toBeGreaterThan(10);
  });
});
