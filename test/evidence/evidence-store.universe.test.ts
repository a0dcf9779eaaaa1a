// evidenceOf by universe: the bundled book stays the default; the S&P 500's track records reach members outside the bundled set.
import { describe, expect, it } from 'vitest';
import { economicIndicator } from '../../src/agents/economic.js';
import { momentumAgent } from '../../src/agents/momentum.js';
import { technicalAnalyst } from '../../src/agents/technical.js';
import { volatilityRisk } from '../../src/agents/volatility.js';
import { evidenceOf } from '../../src/core/evidence-store.js';
import { collectStockSamples } from '../../src/evidence/samples.js';
import { MarketStore } from '../../src/market/store.js';
import { UniverseHistory } from '../../src/market/universe-history.js';

const AGENTS = [technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator];

describe('evidenceOf by universe', () => {
  it('reads the bundled book by default, and the same store asked for the S&P 500 gets its own set', async () => {
    const store = new MarketStore();
    const bundled = await evidenceOf(store, AGENTS);
    expect(bundled.book.universe.name).toBe('bundled');
    expect(await evidenceOf(store, AGENTS, 'bundled')).toBe(bundled);
    const sp500 = await evidenceOf(new UniverseHistory(store), AGENTS, 'sp500');
    expect(sp500).not.toBe(bundled);
    // A bundled symbol's samples are the saved ones under either universe.
    expect(sp500.samplesOf('AAPL')).toEqual(bundled.samplesOf('AAPL'));
  });

  it("computes a member's track record samples from its bars: the stock agents' scores of the full walk", async () => {
    const store = new MarketStore();
    const history = new UniverseHistory(store);
    const set = await evidenceOf(history, AGENTS, 'sp500');
    const own = set.samplesOf('LOW');
    const walked = await collectStockSamples(history, AGENTS, ['LOW']);
    expect(own.length).toBe(walked.length);
    const stock = (s: { scores: Record<string, number> }) => ({ ...s.scores, economic: undefined });
    expect(own.map(stock)).toEqual(walked.map(stock));
    expect(own.map((s) => s.excess)).toEqual(walked.map((s) => s.excess));
    expect(set.samplesOf('NOT-A-MEMBER')).toEqual([]);
  }, 60_000);
});
