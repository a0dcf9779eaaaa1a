// The fast path of the monthly record (bar windows, market-wide scores once a day) gives the snapshot path's scores exactly.
import { describe, expect, it } from 'vitest';
import { economicIndicator } from '../../src/agents/economic.js';
import { momentumAgent } from '../../src/agents/momentum.js';
import { technicalAnalyst } from '../../src/agents/technical.js';
import { volatilityRisk } from '../../src/agents/volatility.js';
import { barSamples, collectStockSamples, type MarketScores } from '../../src/evidence/samples.js';
import { MarketStore } from '../../src/market/store.js';
import { UniverseHistory } from '../../src/market/universe-history.js';

const AGENTS = [technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator];
const store = new MarketStore();
const universe = new UniverseHistory(store);

describe('the fast path of the monthly record', () => {
  it('scores every month end of bundled symbols and SPY exactly as full snapshots do', async () => {
    const symbols = ['AAPL', 'JPM', 'XOM', 'SPY'];
    const market: MarketScores = new Map();
    const fast = await collectStockSamples(store, AGENTS, symbols, undefined, 'bars', market);
    const slow = await collectStockSamples(store, AGENTS, symbols, undefined, 'snapshots');
    expect(fast.length).toBeGreaterThan(symbols.length * 200);
    expect(fast).toEqual(slow);
    // Every stock agent and the market-wide one scored most months: the comparison is not of empty records.
    for (const id of ['technical', 'momentum', 'volatility', 'economic']) {
      expect(fast.filter((s) => s.scores[id] !== undefined).length).toBeGreaterThan(symbols.length * 150);
    }
    // One symbol at once, from the bar forms and the market-wide scores the walk collected: the same again.
    expect(barSamples(store, AGENTS, 'JPM', market)).toEqual(slow.filter((s) => s.symbol === 'JPM'));
  }, 120_000);

  it('scores S&P 500 members outside the bundled set (packed bars) exactly as full snapshots do', async () => {
    const symbols = ['LOW', 'MMM'].filter((s) => !store.has(s));
    expect(symbols.length).toBe(2);
    const fast = await collectStockSamples(universe, AGENTS, symbols, undefined, 'bars');
    const slow = await collectStockSamples(universe, AGENTS, symbols, undefined, 'snapshots');
    expect(fast.length).toBeGreaterThan(400);
    expect(fast).toEqual(slow);
  }, 120_000);
});
