// The look-ahead check: later inputs are perturbed and earlier ones kept; the product's agents pass; an agent that peeks fails.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { defaultAgents } from '../../src/agents/index.js';
import { checkLookahead, perturbedView, sampleDates } from '../../src/backtest/lookahead.js';
import { publishedAt } from '../../src/market/publication.js';
import { MarketStore } from '../../src/market/store.js';
import { DEFAULT_CONSENSUS } from '../../src/orchestrator/consensus.js';

const store = new MarketStore();
const ASOF = '2024-07-15T21:00:00.000Z';

/** Votes by where the price went after the as-of, which it must never know: a deliberately leaking agent. */
function peekingAgent(view: MarketStore, read: 'bars' | 'macro' | 'headlines'): Agent {
  return {
    id: 'peek',
    name: 'Peek',
    analyze(snapshot) {
      const day = snapshot.asOf.slice(0, 10);
      let later = 0;
      if (read === 'bars') later = view.bars(snapshot.symbol).find((b) => b.date > day)!.close;
      if (read === 'macro')
        later = view
          .macro('CPIAUCSL')
          .slice()
          .find((o) => publishedAt('CPIAUCSL', o.date) > snapshot.asOf)!.value;
      if (read === 'headlines')
        later = view
          .headlines(snapshot.symbol)
          .slice()
          .filter((h) => h.published > snapshot.asOf).length;
      return { kind: 'vote', signal: 'HOLD', confidence: Math.min(1, (later % 100) / 100), reasons: ['peeked'], indicators: {} };
    },
  };
}

describe('perturbedView', () => {
  it('changes every bar, macro value and headline after the as-of, and nothing up to it', () => {
    const bars = perturbedView(store, ASOF, 'bars').barRows('AAPL');
    const original = store.barRows('AAPL');
    for (let i = 0; i < original.length; i++) {
      const a = original.at(i)!;
      if (a.date <= '2024-07-15') expect(bars.at(i)).toEqual(a);
      else expect(bars.at(i)!.close).toBeCloseTo(a.close * 1.7, 9);
    }
    const cpi = perturbedView(store, ASOF, 'macro').macro('CPIAUCSL');
    const known = store.macro('CPIAUCSL');
    for (let i = 0; i < known.length; i++) {
      const o = known.at(i)!;
      expect(cpi.at(i)!.value === o.value).toBe(publishedAt('CPIAUCSL', o.date) <= ASOF);
    }
    const news = perturbedView(store, ASOF, 'headlines').headlines('AAPL').slice();
    const before = store
      .headlines('AAPL')
      .slice()
      .filter((h) => h.published <= ASOF);
    expect(news.slice(0, before.length)).toEqual(before);
    expect(news.slice(before.length).every((h) => h.title.includes('fraud probe'))).toBe(true);
    expect(news.length).toBe(store.headlines('AAPL').length + 10);
  });
});

describe('checkLookahead', () => {
  const consensus = DEFAULT_CONSENSUS;
  const samples = ['2024-07-15', '2025-03-03'].map((date) => ({ symbol: 'AAPL', date }));

  it('finds no leak in the product: no decision changes when only later data changes', async () => {
    const leaks = await checkLookahead(samples, { store, consensus, agentsFor: (view) => defaultAgents({ bundledDir: view.bundledDir }) });
    expect(leaks).toEqual([]);
  });

  for (const read of ['bars', 'macro', 'headlines'] as const) {
    it(`catches an agent that reads ${read} after the as-of, naming the input and the agent`, async () => {
      const leaks = await checkLookahead(samples, {
        store,
        consensus,
        agentsFor: (view) => [...defaultAgents({ bundledDir: view.bundledDir }), peekingAgent(view, read)],
      });
      expect(leaks.length).toBeGreaterThan(0);
      expect(new Set(leaks.map((l) => l.input))).toEqual(new Set([read]));
      for (const leak of leaks) expect(leak.changed).toContain('peek');
    });
  }
});

describe('sampleDates', () => {
  it('spreads the sample evenly, first and last included', () => {
    expect(sampleDates(['a', 'b', 'c', 'd', 'e'], 3)).toEqual(['a', 'c', 'e']);
    expect(sampleDates(['a', 'b'], 12)).toEqual(['a', 'b']);
  });
});
