// `signals analyze` says where its data comes from and how old it is whenever it is not live today, labels adjusted
// prices where they differ from those traded, and folds its table at a terminal's width without breaking a word.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { fold, formatTable } from '../../src/cli/analyze-table.js';
import { run } from '../helpers/cli.js';

const json = (args: string[], env: Record<string, string> = {}) => {
  const r = run(['analyze', ...args, '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return AnalyzeResult.parse(JSON.parse(r.stdout));
};

describe('signals analyze: the data source and its age', () => {
  it("on the bundled data without --as-of: its last day and age, and how to get today's", () => {
    const result = json(['AAPL']);
    expect(result.data_source).toMatchObject({ source: 'bundled', last_day: '2025-10-08', stale: true });
    expect(result.data_source!.age_days).toBe(
      Math.round((Date.parse(new Date().toISOString().slice(0, 10)) - Date.parse('2025-10-08')) / 86_400_000),
    );
    const lines = run(['analyze', 'AAPL']).stdout.split('\n');
    expect(lines[0]).toBe('AAPL  as of 2025-10-08  close 258.06');
    expect(lines[1]).toMatch(/^data: bundled, last day 2025-10-08 \(\d+ (months|years) old\); today's: --provider yahoo$/);
  });

  it('on a day when the bundled data was current: no age, no hint', () => {
    const clock = ['--market-clock', '2025-10-09T12:00:00Z'];
    expect(json(['AAPL', ...clock]).data_source).toEqual({ source: 'bundled', last_day: '2025-10-08', age_days: 1, stale: false });
    expect(run(['analyze', 'AAPL', ...clock]).stdout.split('\n')[1]).toBe('data: bundled, last day 2025-10-08');
  });

  it('a past --as-of: adjusted prices labelled, and no hint (the day was asked for)', () => {
    const lines = run(['analyze', 'NVDA', '--as-of', '2008-10-10']).stdout.split('\n');
    expect(lines[0]).toBe('NVDA  as of 2008-10-10  close 0.16 (adjusted)');
    expect(lines[1]).toMatch(
      /^data: bundled, last day 2025-10-08 \(.* old\); prices adjusted for later splits and dividends, not as traded on 2008-10-10$/,
    );
    expect(lines[1]).not.toMatch(/--provider/);
  });

  it('a --data-dir file: its own last day', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-'));
    const lines = ['Date,Open,High,Low,Close,Volume'];
    for (let i = 0; i < 300; i++) {
      const d = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const c = 50 + i * 0.1;
      lines.push(`${d},${c},${c + 1},${c - 1},${c},1000`);
    }
    writeFileSync(join(dir, 'MYCO.csv'), lines.join('\n'));
    expect(json(['MYCO', '--data-dir', dir]).data_source).toMatchObject({ source: 'data-dir', last_day: '2024-10-26', stale: true });
    expect(run(['analyze', 'MYCO', '--data-dir', dir]).stdout.split('\n')[1]).toMatch(/^data: --data-dir files, last day 2024-10-26 \(/);
  });
});

describe('signals analyze: the table at a terminal width', () => {
  const result = json(['NVDA', '--as-of', '2008-10-10']);
  if (result.action === 'ERROR') throw new Error('NVDA failed');
  const words = (text: string) => text.split(/\s+/).filter((w) => w !== '');

  it("at 80 columns: every line fits, and the words are the unfolded table's, none split", () => {
    const chalk = new Chalk({ level: 0 });
    const note = 'data: bundled, last day 2025-10-08 (14 months old); prices adjusted for later splits and dividends, not as traded on 2008-10-10';
    const wide = formatTable(result, chalk, { note });
    const narrow = formatTable(result, chalk, { note, width: 80 });
    for (const line of narrow.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(words(narrow)).toEqual(words(wide));
    expect(narrow.split('\n').length).toBeGreaterThan(wide.split('\n').length);
    // A reason that has no room beside the columns goes under them, whole.
    expect(narrow).toMatch(/^TechnicalAnalyst +SELL .* no\n {2}82\.8% below its 52-week high$/m);
  });

  it('counts colour codes as taking no room', () => {
    const chalk = new Chalk({ level: 1 });
    const lines = fold(`${chalk.green('BUY')}  `, 'one two three four five six seven eight nine', 40, 2);
    expect(lines.map((l) => l.replace(/\u001B\[[0-9;]*m/g, ''))).toEqual(['BUY  one two three four five six seven', '  eight nine']);
  });
});
