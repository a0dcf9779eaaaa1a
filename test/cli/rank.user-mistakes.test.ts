// `signals rank` refuses what it cannot do with a stable exit code and one line on stderr.
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

describe('signals rank: user mistakes', () => {
  it.each([
    [['--as-of', '2024-02-30'], 2, /--as-of "2024-02-30" is not a date; use YYYY-MM-DD/],
    [['--as-of', '1999-01-04'], 4, /--as-of 1999-01-04 is outside the data \(2005-\d\d-\d\d to 2025-\d\d-\d\d\)/],
    [['--as-of', '2030-01-02'], 4, /--as-of 2030-01-02 is outside the data/],
    [['--universe', 'russell'], 2, /--universe must be one of bundled, sp500, got "russell"/],
    [['--json', '--csv'], 2, /option '--json' cannot be used with option '--csv'/],
    [['--json', '--top', '5'], 2, /--top applies only to the table/],
    [['--top', '0'], 2, /--top must be from 1 to 1000, got 0/],
  ])('rank %j exits %i', (args, code, message) => {
    const r = run(['rank', ...args]);
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')[0]).toMatch(/^(signals: |error: )/);
  });

  it('says the universe and the exit codes in --help', () => {
    const r = run(['rank', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/--universe <name>/);
    expect(r.stdout).toMatch(/Exit codes: 0 ok, 2 bad argument, 4 date outside the data/);
  });
});
