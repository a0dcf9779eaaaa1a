// The look-ahead check: later inputs are perturbed and earlier ones kept; the product's agents pass; an agent that peeks fails.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { defaultAgents } from '../../src/agents/index.js';
import { checkLookahead, perturbedView, releaseDates, sampleDates } from '../../src/backtest/lookahead.js';
import { publishedAt } from '../../src/market/publication.js';
import { MarketStore } from '../../src/market/store.js';
import type { MacroSeries } from '../../src/market/types.js';
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
      // Through its raw score, which the evidence consensus reads (its own confidence is not published under it).
      const score = Math.min(1, (later % 100) / 100);
      return { kind: 'vote', signal: 'HOLD', confidence: 0.5, score, reasons: ['peeked'], indicators: { score } };
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
      if (read === 'macro') for (const leak of leaks) expect(leak.field).toBe('CPIAUCSL');
    });
  }
});

describe('sampleDates', () => {
  it('spreads the sample evenly, first and last included', () => {
    expect(sampleDates(['a', 'b', 'c', 'd', 'e'], 3)).toEqual(['a', 'c', 'e']);
    expect(sampleDates(['a', 'b'], 12)).toEqual(['a', 'b']);
  });
});

/**
 * The schedule this product used before its release calendar: fixed lags from the period start (UNRATE one month and
 * 7 days, GDPC1 four months), which an outside audit found early on several days. A store that keeps it is a leak the
 * check must find.
 */
class RuleLagStore extends MarketStore {
  override published(series: MacroSeries, date: string): string {
    const d = new Date(`${date}T13:00:00.000Z`);
    if (series === 'UNRATE') {
      d.setUTCMonth(d.getUTCMonth() + 1);
      d.setUTCDate(d.getUTCDate() + 7);
      return d.toISOString();
    }
    if (series === 'GDPC1') {
      d.setUTCMonth(d.getUTCMonth() + 4);
      return d.toISOString();
    }
    return super.published(series, date);
  }
}

describe('the release calendar in the look-ahead check', () => {
  const days = store
    .bars('AAPL')
    .map((b) => b.date)
    .filter((d) => d >= '2019-01-02' && d <= '2020-03-31');

  it('samples no extra day for a store that follows the calendar', () => {
    expect(releaseDates(store, days)).toEqual([]);
  });

  it('finds the days a looser schedule shows a value before its release, and the leak on them', async () => {
    const raw = (a: Agent): Agent => (a.id === 'economic' ? { id: a.id, name: a.name, analyze: a.analyze } : a);
    const leaky = new RuleLagStore();
    const extra = releaseDates(leaky, days);
    // GDP Q4-2018 (released 2019-02-28) seen from 2019-02-01; December 2019 unemployment (released 2020-01-10) seen
    // from 2020-01-08; and every month's unemployment seen on the 8th or 9th, before the schedule's latest day, the 10th.
    expect(extra).toEqual(expect.arrayContaining(['2019-02-01', '2020-01-08']));
    for (const d of extra) expect(d === '2019-02-01' || ['08', '09'].includes(d.slice(8))).toBe(true);
    const leaks = await checkLookahead(
      extra.map((date) => ({ symbol: 'AAPL', date })),
      // The economic agent alone and uncalibrated, so its raw vote shows what it read (calibrated without information,
      // it says HOLD at the base rate), and no calibration is fitted over the whole history for each perturbed view.
      {
        store: leaky,
        consensus: DEFAULT_CONSENSUS,
        agentsFor: (view) =>
          defaultAgents({ bundledDir: view.bundledDir })
            .filter((a) => a.id === 'economic')
            .map(raw),
      },
    );
    expect(leaks.length).toBeGreaterThan(0);
    for (const leak of leaks) {
      expect(leak.input).toBe('macro');
      expect(leak.field).toMatch(/^(GDPC1 2018-10-01|UNRATE \d{4}-\d{2}-01)$/);
      expect(leak.changed).toContain('economic');
    }
  });
});
