// `signals analyze --universe sp500`: any S&P 500 member is analysed, against the S&P 500's evidence, and says so.
import { describe, expect, it } from 'vitest';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { run } from '../helpers/cli.js';

describe('signals analyze --universe', () => {
  it('analyses a member outside the bundled set under the S&P 500 book, and the bundled book stays the default', () => {
    const result = run(['analyze', 'LOW', 'AAPL', '--as-of', '2024-06-14', '--universe', 'sp500', '--json']);
    const [low, aapl] = AnalyzeResult.array().parse(JSON.parse(result.stdout));
    for (const r of [low!, aapl!]) {
      expect(r.action).not.toBe('ERROR');
      if (r.action !== 'ERROR') expect(r.evidence!.universe).toMatch(/^sp500 \(\d+ stocks\)$/);
    }
    const bundled = AnalyzeResult.parse(JSON.parse(run(['analyze', 'AAPL', '--as-of', '2024-06-14', '--json']).stdout));
    if (bundled.action !== 'ERROR') expect(bundled.evidence!.universe).toBe('bundled (29 stocks)');
    // Without the universe, a member outside the bundled set is unknown.
    expect(run(['analyze', 'LOW', '--json']).code).not.toBe(0);
  });
});
