// evidenceOf by universe: the bundled book stays the default; the S&P 500's track records reach members outside the bundled set.
import { describe, expect, it } from 'vitest';
import { economicIndicator } from '../../src/agents/economic.js';
import { momentumAgent } from '../../src/agents/momentum.js';
import { technicalAnalyst } from '../../src/agents/technical.js';
import { volatilityRisk } from '../../src/agents/volatility.js';
import { evidenceOf } from '../../src/core/evidence-store.js';
import { collectStockSamples, type StockSample } from '../../src/evidence/samples.js';
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
    // The months the stock agents score (the first year has only the market-wide score, which comes from the S&P 500
    // build step's file when it has run).
    const stockScored = (xs: readonly StockSample[]) => xs.filter((s) => Object.keys(s.scores).some((id) => id !== 'economic'));
    const own = stockScored(set.samplesOf('LOW'));
    const walked = stockScored(await collectStockSamples(history, AGENTS, ['LOW']));
    expect(walked.length).toBeGreaterThan(200);
    expect(own.length).toBe(walked.length);
    const stock = (s: { scores: Record<string, number> }) => ({ ...s.scores, economic: undefined });
    expect(own.map(stock)).toEqual(walked.map(stock));
    expect(own.map((s) => s.excess)).toEqual(walked.map((s) => s.excess));
    expect(set.samplesOf('NOT-A-MEMBER')).toEqual([]);
  }, 60_000);
});
