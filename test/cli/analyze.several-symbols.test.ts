// `signals analyze` with several symbols as a real process: a bad or pre-IPO symbol gets its own entry and never discards the others.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { run } from '../helpers/cli.js';

describe('signals analyze with a symbol that cannot be analysed among others', () => {
  it('--json: each symbol has its result or its own error entry, in order; exit 11 for a partial failure', () => {
    // META listed in 2012: on 2010-01-04 it has no data yet.
    const r = run(['analyze', 'AAPL', 'ZZZ', 'META', 'JPM', '--as-of', '2010-01-04', '--json']);
    expect(r.code).toBe(11);
    const results = z.array(AnalyzeResult).parse(JSON.parse(r.stdout));
    expect(results.map((x) => [x.symbol, x.action === 'ERROR' ? x.error.code : 'ok'])).toEqual([
      ['AAPL', 'ok'],
      ['ZZZ', 'UNKNOWN_SYMBOL'],
      ['META', 'DATE_OUT_OF_RANGE'],
      ['JPM', 'ok'],
    ]);
    expect(r.stderr).toBe(
      'signals: unknown symbol ZZZ; `signals symbols` lists them\n' +
        "signals: --as-of 2010-01-04 is outside META's data (2012-05-18 to 2025-10-08); pick a date in that range\n",
    );
  });

  it('--jsonl: one object per line, errors included', () => {
    const r = run(['analyze', 'KO', 'ZZZ', '--jsonl']);
    expect(r.code).toBe(11);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((line) => AnalyzeResult.parse(JSON.parse(line)).action)).toEqual([
      expect.stringMatching(/^(BUY|SELL|HOLD|NO_SIGNAL)$/),
      'ERROR',
    ]);
  });

  it('the table: the good symbols printed, the bad one on stderr, exit 11', () => {
    const r = run(['analyze', 'ZZZ', 'KO']);
    expect(r.code).toBe(11);
    expect(r.stdout).toMatch(/^KO {2}as of /);
    expect(r.stdout).toMatch(/^CONSENSUS/m);
    expect(r.stderr).toBe('signals: unknown symbol ZZZ; `signals symbols` lists them\n');
  });

  it("when every symbol fails: the first failure's exit code", () => {
    expect(run(['analyze', 'ZZZ', 'META', '--as-of', '2010-01-04', '--json']).code).toBe(3);
    expect(run(['analyze', 'META', 'ZZZ', '--as-of', '2010-01-04', '--json']).code).toBe(4);
  });

  it('--json and --jsonl together are a bad argument', () => {
    const r = run(['analyze', 'KO', '--json', '--jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/option '--json' cannot be used with option '--jsonl'/);
  });
});
