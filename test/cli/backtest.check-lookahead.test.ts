// `signals backtest --check-lookahead` as a real process: the sampled steps re-run with later data perturbed, and none moves.
import { describe, expect, it } from 'vitest';
import { BacktestResult } from '../../src/backtest/schema.js';
import { run } from '../helpers/cli.js';

describe('signals backtest --check-lookahead', () => {
  it('re-runs 12 steps per symbol with each kind of later input perturbed, reports no leak and exits 0', () => {
    const r = run(['backtest', 'AAPL', 'JPM', '--from', '2024-06-03', '--to', '2024-09-30', '--every', '2', '--check-lookahead', '--json']);
    expect(r.code).toBe(0);
    const result = BacktestResult.parse(JSON.parse(r.stdout));
    expect(result.lookahead).toEqual({ steps: 24, inputs: ['bars', 'macro', 'headlines'], leaks: [] });
  });

  it('is absent from the JSON without the flag', () => {
    const r = run(['backtest', 'AAPL', '--from', '2024-06-03', '--to', '2024-06-28', '--json']);
    expect(r.code).toBe(0);
    expect('lookahead' in (JSON.parse(r.stdout) as object)).toBe(false);
  });
});
