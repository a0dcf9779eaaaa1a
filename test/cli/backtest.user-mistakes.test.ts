// `signals backtest` refuses what it cannot run before the first analysis: one line on stderr, the stable code's exit code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

const fails = (args: string[], code: number, stderr: string | RegExp) => {
  const r = run(['backtest', ...args]);
  expect(r.stdout).toBe('');
  if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
  else expect(r.stderr).toMatch(stderr);
  expect(r.code).toBe(code);
};

describe('signals backtest: user mistakes', () => {
  it('an unknown symbol: exit 3 (UNKNOWN_SYMBOL), even beside a known one', () => {
    fails(['AAPL', 'ZZZ', '--from', '2024-01-02'], 3, 'signals: unknown symbol ZZZ; `signals symbols` lists them\n');
  });

  it('dates outside the data: exit 4 (DATE_OUT_OF_RANGE), naming the symbol and its range', () => {
    fails(
      ['AAPL', '--from', '1999-01-04'],
      4,
      "signals: --from 1999-01-04 is outside AAPL's data (2005-10-10 to 2025-10-08); pick a date in that range\n",
    );
    fails(['META', '--from', '2010-01-04', '--to', '2013-01-02'], 4, /^signals: --from 2010-01-04 is outside META's data \(2012-05-18 to /);
    fails(['AAPL', '--to', '2030-01-02'], 4, /^signals: --to 2030-01-02 is outside AAPL's data/);
    fails(['AAPL', '--from', '2025-10-08'], 4, /^signals: AAPL has no trading day with a next open from 2025-10-08/);
  });

  it('--from after --to, a malformed date: exit 2', () => {
    fails(['AAPL', '--from', '2024-06-01', '--to', '2024-01-02'], 2, 'signals: --from 2024-06-01 is after --to 2024-01-02\n');
    fails(['AAPL', '--from', '2024-02-30'], 2, 'signals: --from "2024-02-30" is not a date; use YYYY-MM-DD\n');
  });

  it('bad horizons, --every, --cost-bps: exit 2 naming the value', () => {
    fails(['AAPL', '--horizon', '5,x'], 2, 'signals: --horizon: a horizon is a whole number of trading days from 1 to 1000, got "x"\n');
    fails(['AAPL', '--horizon', '0'], 2, 'signals: --horizon: a horizon is a whole number of trading days from 1 to 1000, got "0"\n');
    fails(['AAPL', '--horizon', ','], 2, 'signals: --horizon is empty; give horizons in trading days, e.g. 5,21,63\n');
    fails(['AAPL', '--every', '0'], 2, 'signals: --every must be from 1 to 1000, got 0\n');
    fails(['AAPL', '--cost-bps', '-1'], 2, /^signals: --cost-bps must be a number from 0 to 1000, got "-1"/);
  });

  it('--csv or --report where no file can be written: exit 2 before any analysis', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-bt-'));
    fails(
      ['AAPL', '--csv', join(dir, 'missing', 'steps.csv')],
      2,
      `signals: --csv ${join(dir, 'missing', 'steps.csv')}: the folder ${join(dir, 'missing')} does not exist\n`,
    );
    fails(['AAPL', '--report', dir], 2, `signals: --report ${dir} is a folder; give a file name\n`);
  });

  it('a --data-dir that does not exist: exit 5; a consensus option out of range: exit 2', () => {
    fails(
      ['AAPL', '--data-dir', '/nonexistent/signals'],
      5,
      'signals: --data-dir /nonexistent/signals does not exist; give a folder of SYMBOL.csv files\n',
    );
    fails(['AAPL', '--gate', '2'], 2, 'signals: --gate must be a number from 0 to 1, got "2"\n');
    fails(['AAPL', '--llm-model', 'x'], 2, 'signals: --llm-model applies only with --llm-url\n');
  });
});
