// `signals backtest --universe sp500`: no symbol list, each member on its member days, what it could not count, and steps as `analyze --as-of` prints them.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BacktestResult } from '../../src/backtest/schema.js';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { run } from '../helpers/cli.js';

const WINDOW = ['--from', '2008-08-01', '--to', '2008-10-31', '--every', '21'];

describe('signals backtest --universe sp500', () => {
  const csv = join(mkdtempSync(join(tmpdir(), 'signals-bt-')), 'steps.csv');
  const out = run(['backtest', '--universe', 'sp500', ...WINDOW, '--json', '--csv', csv], {}, 240_000);

  it('walks the members of each step day that had a price, and says what it could not count', () => {
    expect(out.code).toBe(0);
    const result = BacktestResult.parse(JSON.parse(out.stdout));
    const u = result.universe!;
    expect(u.name).toBe('sp500');
    expect(u.counted).toBe(result.settings.analyses);
    expect(u.counted + u.without_prices + u.without_next_open).toBe(u.member_steps);
    // Survivorship (docs/universe.md): about half of 2008's member-days have prices; Merrill Lynch's are among the missing.
    expect(u.counted / u.member_steps).toBeGreaterThan(0.4);
    expect(u.counted / u.member_steps).toBeLessThan(0.7);
    expect(u.symbols_without_prices).toContain('MER');
    // Members only: a stock added to the index after the window is not walked.
    expect(result.symbols.map((s) => s.symbol)).not.toContain('ABNB');
  });

  it('decides each sampled step as `analyze --universe sp500 --as-of` does, to the printed precision', () => {
    const [header, ...lines] = readFileSync(csv, 'utf8').trim().split('\n');
    const columns = header!.split(',');
    const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [columns[i]!, v])));
    const agents = columns.filter((c) => c.endsWith('_signal')).map((c) => c.slice(0, -'_signal'.length));
    // Two step days, a few members each, chosen by a fixed stride over the CSV's rows.
    for (const date of [...new Set(rows.map((r) => r.date!))].slice(0, 2)) {
      const sample = rows.filter((r) => r.date === date).filter((_, i) => i % 61 === 5);
      expect(sample.length).toBeGreaterThan(2);
      const analysed = run(['analyze', ...sample.map((r) => r.symbol!), '--universe', 'sp500', '--as-of', date, '--json']);
      const results = AnalyzeResult.array().parse(JSON.parse(analysed.stdout));
      results.forEach((a, i) => {
        const r = sample[i]!;
        expect(a.symbol).toBe(r.symbol);
        expect(a.action).toBe(r.action);
        expect(a.confidence.toFixed(4)).toBe(Number(r.confidence).toFixed(4));
        for (const id of agents) {
          const detail = a.agents_consensus.agent_details[id]!;
          expect([id, detail.signal, detail.confidence.toFixed(4)]).toEqual([id, r[`${id}_signal`], Number(r[`${id}_confidence`]).toFixed(4)]);
        }
      });
    }
  });

  it('refuses a symbol list and the look-ahead check, which apply to the bundled symbols', () => {
    expect(run(['backtest', 'AAPL', '--universe', 'sp500', ...WINDOW]).code).toBe(ExitCode.BAD_ARGUMENT);
    expect(run(['backtest', '--universe', 'sp500', '--check-lookahead', ...WINDOW]).code).toBe(ExitCode.BAD_ARGUMENT);
    expect(run(['backtest', ...WINDOW]).code).toBe(ExitCode.BAD_ARGUMENT);
  });
});
