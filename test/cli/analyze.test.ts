// `signals analyze` as a real process: JSON shape, errors and exit codes, colour.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { BIN, cleanEnv, run } from '../helpers/cli.js';

describe('signals analyze --json', () => {
  it('prints exactly one result object for one symbol', () => {
    const r = run(['analyze', 'JPM', '--as-of', '2022-06-15', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const data = AnalyzeResult.parse(JSON.parse(r.stdout));
    expect(data).toMatchObject({ symbol: 'JPM', action: 'SELL', as_of: '2022-06-15T21:00:00.000Z' });
    expect(Object.keys(data.agents_consensus.agent_details)).toEqual(['technical', 'momentum', 'volatility', 'economic', 'sentiment']);
  });

  it('prints an array for several symbols, each once in canonical form', () => {
    const r = run(['analyze', 'AAPL', 'msft', 'BRK.B', 'aapl', '--json']);
    expect(r.code).toBe(0);
    const data = z.array(AnalyzeResult).parse(JSON.parse(r.stdout));
    expect(data.map((d) => d.symbol)).toEqual(['AAPL', 'MSFT', 'BRK-B']);
  });

  it('gives the same result twice except ids and timestamps', () => {
    const strip = (s: string) => s.replace(/"(signal_id|analysis_id|timestamp)": "[^"]*"/g, '');
    expect(strip(run(['analyze', 'NVDA', '--json']).stdout)).toBe(strip(run(['analyze', 'NVDA', '--json']).stdout));
  });
});

describe('signals analyze errors', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['unknown symbol', ['analyze', 'ZZZ'], 3, /^signals: unknown symbol ZZZ; `signals symbols` lists them\n$/],
    ['date outside the data', ['analyze', 'AAPL', '--as-of', '1999-01-04'], 4, /outside AAPL's data \(2005-10-10 to 2025-10-08\)/],
    ['malformed date', ['analyze', 'AAPL', '--as-of', 'yesterday'], 2, /"yesterday" is not a date; use YYYY-MM-DD/],
    ['a day that does not exist', ['analyze', 'AAPL', '--as-of', '2024-02-30'], 2, /"2024-02-30" is not a date/],
    ['empty symbol', ['analyze', ''], 2, /a symbol is empty/],
    ['bad flag', ['analyze', 'AAPL', '--bogus'], 2, /unknown option '--bogus'/],
    ['missing symbol', ['analyze'], 2, /missing required argument/],
    ['bad consensus weight', ['analyze', 'AAPL', '--weights', 'nobody=2'], 2, /^signals: --weights: unknown agent "nobody"/],
    ['a symbol that cannot be one', ['analyze', 'AAPL', 'A B'], 2, /^signals: "A B" is not a symbol/],
  ];
  for (const [name, args, code, message] of cases) {
    it(`${name}: exit ${code}, one clear line, no stack trace`, () => {
      const r = run(args);
      expect(r.code).toBe(code);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('malformed CSV in --data-dir: exit 5 naming the file and line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-'));
    writeFileSync(join(dir, 'MYCO.csv'), 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,2,oops,1.5,10\n');
    const r = run(['analyze', 'MYCO', '--data-dir', dir]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/MYCO\.csv:3: bad Low "oops"/);
  });

  it('a user CSV adds a symbol (also through SIGNALS_DATA_DIR)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-'));
    const lines = ['Date,Open,High,Low,Close,Adj Close,Volume'];
    for (let i = 0; i < 300; i++) {
      const d = new Date(Date.UTC(2024, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
      const c = 50 + i * 0.1;
      lines.push(`${d},${c},${c + 1},${c - 1},${c},${c},1000`);
    }
    writeFileSync(join(dir, 'myco.csv'), lines.join('\n'));
    const r = run(['analyze', 'MYCO', '--json'], { SIGNALS_DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(AnalyzeResult.parse(JSON.parse(r.stdout)).symbol).toBe('MYCO');
  });
});

describe('signals analyze, human output', () => {
  it('prints a table without colour when stdout is not a terminal', () => {
    const r = run(['analyze', 'AAPL']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TechnicalAnalyst/);
    expect(r.stdout).toMatch(/CONSENSUS/);
    expect(r.stdout).not.toMatch(/\x1b\[/);
  });

  it('--help shows examples; --version prints the version', () => {
    expect(run(['analyze', '--help']).stdout).toMatch(/Examples:\n\s+signals analyze AAPL/);
    expect(run(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('signals symbols', () => {
  it('lists the bundled symbols with their ranges as JSON', () => {
    const r = run(['symbols', '--json']);
    const list = JSON.parse(r.stdout) as { symbol: string; first: string; last: string }[];
    expect(list).toHaveLength(30);
    expect(list.find((s) => s.symbol === 'META')).toMatchObject({ first: '2012-05-18', last: '2025-10-08' });
  });
});

describe('output to a reader that stops early', () => {
  it('`signals symbols | head -1` ends quietly', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" symbols | head -1`], { encoding: 'utf8', env: cleanEnv() });
    expect(r.stdout).toMatch(/^SYMBOL/);
    expect(r.stderr).toBe('');
  });
});
