// The walk forward on synthetic --data-dir series where the right answer is known: buy-and-hold by hand, an always-flat and an
// always-long strategy, and no step seeing data after its as-of.
import { describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOptions } from '../../src/backtest/runner.js';
import { VOTE_CONSENSUS } from '../../src/orchestrator/consensus.js';
import type { Bar } from '../../src/market/types.js';
import { writeTrendingData } from '../helpers/trending-data.js';
import { dataDir, ramp } from './synthetic.js';

const ZERO = { technical: 0, momentum: 0, volatility: 0, economic: 0, sentiment: 0 };

function options(dir: string, extra: Partial<BacktestOptions> = {}, weights: Record<string, number> = {}): BacktestOptions {
  return {
    symbols: ['RAMP'],
    every: 1,
    horizons: [5, 21],
    costBps: 5,
    allowShort: false,
    setup: { dataDir: dir, consensus: { ...VOTE_CONSENSUS, minConfidence: 0, gate: 0.5, weights }, agentTimeoutMs: 5_000 },
    workers: 1,
    ...extra,
  };
}

/** Buy-and-hold from the open after the first step (bar 299) to the open after the last (the last bar), by hand. */
function byHand(bars: Bar[]) {
  const returns: number[] = [];
  for (let j = 300; j < bars.length - 1; j++) returns.push(bars[j + 1]!.open / bars[j]!.open - 1);
  const n = returns.length;
  const total = bars.at(-1)!.open / bars[300]!.open - 1;
  const m = returns.reduce((s, r) => s + r, 0) / n;
  const sd = Math.sqrt(returns.reduce((s, r) => s + (r - m) ** 2, 0) / (n - 1));
  const down = Math.sqrt(returns.reduce((s, r) => s + Math.min(r, 0) ** 2, 0) / n);
  let equity = 1;
  let peak = 1;
  let drawdown = 0;
  for (const r of returns) {
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    drawdown = Math.max(drawdown, 1 - equity / peak);
  }
  return {
    days: n,
    total_return: total,
    annual_return: (1 + total) ** (252 / n) - 1,
    annual_volatility: sd * Math.sqrt(252),
    sharpe: (m / sd) * Math.sqrt(252),
    sortino: (m / down) * Math.sqrt(252),
    max_drawdown: drawdown,
  };
}

describe('walk forward on a synthetic series', () => {
  const bars = ramp(420);
  const dir = dataDir({ RAMP: bars });

  it('buy-and-hold equals the figures computed by hand, and an all-zero-weight consensus stays flat', async () => {
    const run = await runBacktest(options(dir, {}, ZERO));
    const { result } = run;
    const rows = [...run.rows()];
    const r = result.symbols[0]!;
    expect(r.steps).toBe(120);
    expect(r.from).toBe(bars[299]!.date);
    expect(r.to).toBe(bars[418]!.date);
    const hand = byHand(bars);
    expect(r.buy_and_hold.days).toBe(hand.days);
    for (const key of ['total_return', 'annual_return', 'annual_volatility', 'sharpe', 'sortino', 'max_drawdown'] as const) {
      expect(r.buy_and_hold[key], key).toBeCloseTo(hand[key], 4);
    }
    expect(r.buy_and_hold.exposure).toBe(1);
    // No agent weighs anything, so no action can outweigh HOLD: never long, never a cost.
    expect(rows.every((row) => row.action !== 'BUY' && row.position === 0)).toBe(true);
    expect(r.strategy).toMatchObject({ total_return: 0, exposure: 0, turnover: 0, max_drawdown: 0 });
    // Each agent is judged by the call it published, whatever the consensus made of it.
    for (const [id, a] of Object.entries(r.agents)) {
      for (const action of ['BUY', 'SELL', 'HOLD', 'ABSTAINED'] as const) {
        expect(a.actions[action], `${id} ${action}`).toBe(rows.filter((row) => row.votes[id]!.signal === action).length);
      }
    }
    expect(r.agents.technical!.actions.BUY + r.agents.technical!.actions.SELL).toBeGreaterThan(0);
  });

  it('a consensus that is always long equals buy-and-hold less one entry cost', async () => {
    // Beside trending symbols the technical agent's record shows information, and on a steady climb it always says BUY.
    const run = await runBacktest(options(writeTrendingData(dataDir({ RAMP: bars })), { costBps: 20 }, { ...ZERO, technical: 1 }));
    const { result } = run;
    const rows = [...run.rows()];
    expect(new Set(rows.map((row) => row.action))).toEqual(new Set(['BUY']));
    const r = result.symbols[0]!;
    expect(r.strategy.total_return).toBeCloseTo((1 - 0.002) * (1 + byHand(bars).total_return) - 1, 4);
    expect(r.strategy.exposure).toBe(1);
    expect(r.strategy.turnover).toBeCloseTo(252 / r.strategy.days, 4);
    expect(r.signals.actions.BUY).toBe(120);
    // At a horizon, only the calls whose forward return is in the data: the last 5 steps have no 5-day return.
    expect(r.signals.horizons[0]!.by_action.BUY.count).toBe(115);
  });

  it('a crash after day D changes no decision up to D, and does change later ones', async () => {
    const d = 359;
    const crashed = bars.map((b, i) =>
      i <= d ? b : { ...b, open: b.open * 0.4, high: b.high * 0.4, low: b.low * 0.4, close: b.close * 0.4, volume: b.volume * 9 },
    );
    const before = [...(await runBacktest(options(dir))).rows()];
    const after = [...(await runBacktest(options(dataDir({ RAMP: crashed })))).rows()];
    const decision = (row: (typeof before)[number]) => ({
      date: row.date,
      action: row.action,
      confidence: row.confidence,
      price: row.price,
      votes: row.votes,
      regime: row.regime,
    });
    const cut = before.findIndex((row) => row.date > bars[d]!.date);
    expect(cut).toBe(d - 299 + 1);
    expect(after.slice(0, cut).map(decision)).toEqual(before.slice(0, cut).map(decision));
    // The perturbation is visible to the agents once it is in the past: otherwise the check above would prove nothing.
    expect(after.slice(cut).map(decision)).not.toEqual(before.slice(cut).map(decision));
  });
});
