// The fast walk (the agents' incremental forms) decides every step exactly as the full analysis at each step does.
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions } from '../../src/backtest/runner.js';
import { DEFAULT_CONSENSUS, REFERENCE_CONSENSUS } from '../../src/orchestrator/consensus.js';

function options(extra: Partial<BacktestOptions>): BacktestOptions {
  return {
    symbols: [],
    every: 5,
    horizons: [5, 21],
    costBps: 5,
    allowShort: false,
    setup: { consensus: DEFAULT_CONSENSUS, agentTimeoutMs: 5_000 },
    workers: 1,
    ...extra,
  };
}

/** Both paths' runs: every step's row and the whole result must be the same. */
async function both(extra: Partial<BacktestOptions>) {
  const fast = await runBacktest(options({ ...extra, path: 'track' }));
  const slow = await runBacktest(options({ ...extra, path: 'steps' }));
  const rows = [...fast.rows()];
  expect(rows).toEqual([...slow.rows()]);
  expect(fast.result).toEqual(slow.result);
  return { rows, result: fast.result };
}

describe('the fast walk', () => {
  it("gives the per-step path's decisions on bundled symbols, SPY among them, through 2008", async () => {
    const { rows } = await both({ symbols: ['AAPL', 'JPM', 'SPY'], from: '2008-01-02', to: '2008-12-31' });
    expect(rows.length).toBeGreaterThan(140);
    // Calls of every kind and each stock agent's votes: the comparison is not of one action.
    expect(new Set(rows.map((r) => r.action)).size).toBeGreaterThanOrEqual(3);
    for (const id of ['technical', 'momentum', 'volatility', 'economic'])
      expect(rows.filter((r) => r.votes[id]?.score !== undefined).length).toBeGreaterThan(100);
  }, 120_000);

  it("gives the per-step path's decisions under the reference consensus too", async () => {
    const { rows } = await both({
      symbols: ['NVDA'],
      from: '2010-01-04',
      to: '2011-12-30',
      setup: { consensus: REFERENCE_CONSENSUS, agentTimeoutMs: 5_000 },
    });
    expect(rows.length).toBeGreaterThan(90);
  }, 120_000);

  it("gives the per-step path's decisions over the S&P 500 as it was in the autumn of 2008", async () => {
    const { result } = await both({
      setup: { consensus: DEFAULT_CONSENSUS, agentTimeoutMs: 5_000, universe: 'sp500' },
      from: '2008-09-02',
      to: '2008-10-31',
      every: 10,
    });
    const u = result.universe!;
    expect(result.settings.analyses).toBe(u.counted);
    expect(u.counted + u.without_prices + u.without_next_open).toBe(u.member_steps);
    expect(u.counted).toBeGreaterThan(600);
  }, 300_000);
});
