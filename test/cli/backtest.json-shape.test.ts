// `signals backtest --json` as a real process: the documented shape (the zod schema), every figure block complete, and the
// same result whether the symbols run on one thread or on worker threads.
import { beforeAll, describe, expect, it } from 'vitest';
import { BacktestResult } from '../../src/backtest/schema.js';
import { run } from '../helpers/cli.js';

const AGENT_IDS = ['technical', 'momentum', 'volatility', 'economic', 'sentiment'];
const FIGURES = ['annual_return', 'annual_volatility', 'sharpe', 'sortino', 'max_drawdown', 'exposure', 'turnover'];
const ARGS = ['backtest', 'AAPL', 'JPM', '--from', '2024-03-01', '--to', '2024-09-30', '--every', '3', '--horizon', '21,5', '--json'];

describe('signals backtest --json', () => {
  let raw: ReturnType<typeof run>;
  let result: BacktestResult;
  beforeAll(() => {
    raw = run([...ARGS, '--workers', '2']);
    result = BacktestResult.strict().parse(JSON.parse(raw.stdout));
  }, 60_000);

  it('exits 0 with only JSON on stdout and nothing on stderr off a terminal', () => {
    expect(raw.code).toBe(0);
    expect(raw.stderr).toBe('');
    expect(Object.keys(JSON.parse(raw.stdout) as object)).toEqual(['settings', 'symbols', 'portfolio', 'spy', 'evidence', 'regime']);
  });

  it('has a complete figure block for each strategy, buy-and-hold, the portfolio and SPY', () => {
    const blocks = [
      ...result.symbols.flatMap((s) => [s.strategy, s.buy_and_hold]),
      result.portfolio.strategy,
      result.portfolio.buy_and_hold,
      result.spy!,
    ];
    expect(blocks).toHaveLength(7);
    for (const block of blocks) {
      // A strategy that stayed flat has no Sharpe (no variation): null, never left out.
      for (const key of FIGURES)
        expect(block[key as keyof typeof block] === null || typeof block[key as keyof typeof block] === 'number', key).toBe(true);
      expect(block.start).toBe('2024-03-04');
    }
    for (const block of [...result.symbols.map((s) => s.buy_and_hold), result.portfolio.buy_and_hold, result.spy!]) {
      for (const key of FIGURES) expect(block[key as keyof typeof block], key).toEqual(expect.any(Number));
    }
    expect(result.symbols.map((s) => s.symbol)).toEqual(['AAPL', 'JPM']);
    expect(result.symbols[0]!.buy_and_hold.exposure).toBe(1);
  });

  it("reports each agent's own votes and the horizons in ascending order", () => {
    expect(result.settings.horizons).toEqual([5, 21]);
    expect(result.settings.agents.map((a) => a.id)).toEqual(AGENT_IDS);
    for (const s of result.symbols) {
      expect(Object.keys(s.agents)).toEqual(AGENT_IDS);
      expect(s.signals.horizons.map((h) => h.horizon)).toEqual([5, 21]);
      expect(s.signals.horizons[1]!.ic.pooled.lag).toBe(6);
      const a = s.signals.actions;
      expect(a.BUY + a.SELL + a.HOLD + a.NO_SIGNAL).toBe(s.steps);
    }
    expect(result.settings.analyses).toBe(result.symbols[0]!.steps + result.symbols[1]!.steps);
    expect(result.portfolio.signals.steps).toBe(result.settings.analyses);
    // The consensus calls; each agent is judged by its own rule, whose calls it publishes.
    expect(result.portfolio.signals.actions.BUY + result.portfolio.signals.actions.SELL).toBeGreaterThan(0);
    const technical = result.portfolio.agents.technical!;
    expect(technical.actions.BUY + technical.actions.SELL).toBeGreaterThan(0);
    expect(technical.horizons[1]!.ic.pooled.ic).not.toBeNull();
  });

  it("carries the consensus's and each agent's evidence as of the window's last step, each with its verdict", () => {
    const e = result.evidence!;
    expect(e.as_of).toBe(result.symbols[0]!.to);
    expect(e.consensus!.kind).toBe('cross_section');
    expect(e.consensus!.label).toMatch(/^edge: /);
    // The record as of the window's end uses only outcomes known before its month: the last call counted is earlier.
    expect(e.consensus!.until! < e.as_of.slice(0, 7)).toBe(true);
    expect(Object.keys(e.agents)).toEqual(AGENT_IDS.filter((id) => id !== 'sentiment' || e.agents.sentiment));
    for (const [id, a] of Object.entries(e.agents)) {
      expect(a.kind, id).toBe(id === 'economic' ? 'market_timing' : 'cross_section');
      expect(a.label, id).toMatch(/^edge: /);
      expect(a.weight, id).toEqual(expect.any(Number));
      if (a.ic !== null) expect(a.interval![0]).toBeLessThanOrEqual(a.ic);
    }
    expect(e.agents.economic!.weight).toBe(0);
  });

  it("summarises the regime over the window: each signal's states as shares of the step days, and its evidence at the end", () => {
    const r = result.regime;
    // AAPL and JPM trade on the same days: each day counts once.
    expect(r.days).toBe(result.symbols[0]!.steps);
    expect(Object.keys(r.signals)).toEqual(['trend', 'volatility', 'curve', 'recession']);
    for (const [id, s] of Object.entries(r.signals)) {
      expect(s.days, id).toBe(r.days);
      expect(
        Object.values(s.states).reduce((a, b) => a + b, 0),
        id,
      ).toBeCloseTo(1, 3);
      expect(s.evidence!.kind, id).toBe('market_timing');
    }
    // 2024 was calm and rising, with the curve inverted until September: a reading anyone can check.
    expect(Object.keys(r.signals.trend!.states)).toContain('up');
    expect(Object.keys(r.signals.curve!.states)).toEqual(expect.arrayContaining(['inverted']));
  });

  it('writes fractions to 4 places', () => {
    const places = (x: number) => (String(x).split('.')[1] ?? '').length;
    for (const block of [result.portfolio.strategy, result.spy!]) {
      for (const key of FIGURES) expect(places(block[key as keyof typeof block] as number)).toBeLessThanOrEqual(4);
    }
  });

  it('gives the same result on one thread as on two worker threads', () => {
    const one = run([...ARGS, '--workers', '1']);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(raw.stdout);
  });
});
