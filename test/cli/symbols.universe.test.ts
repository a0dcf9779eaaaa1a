// `signals symbols --universe`: the members of a universe on a day, from a flag, the environment or the config file.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

interface Row {
  symbol: string;
  first: string | null;
  last: string | null;
  bars: number;
  source: string;
  universe: string;
}
const rows = (stdout: string) => JSON.parse(stdout) as Row[];

describe('signals symbols --universe', () => {
  it('sp500 lists the members as of the day, those without prices too', () => {
    const r = run(['symbols', '--universe', 'sp500', '--as-of', '2008-09-15', '--json']);
    expect(r.code).toBe(0);
    const list = rows(r.stdout);
    expect(list.length).toBeGreaterThanOrEqual(490);
    expect(list.every((row) => row.universe === 'sp500')).toBe(true);
    expect(list.find((row) => row.symbol === 'LEHMQ')).toEqual({
      symbol: 'LEHMQ',
      first: null,
      last: null,
      bars: 0,
      source: 'none',
      universe: 'sp500',
    });
    expect(list.find((row) => row.symbol === 'LOW')).toMatchObject({ first: '2005-10-10', last: '2025-10-08', source: 'bundled' });
    expect(list.map((row) => row.symbol)).not.toContain('TSLA');
  });

  it('says which universe is in force, and on which day', () => {
    expect(run(['symbols']).stdout).toMatch(/\nuniverse bundled: 30 members every day, 30 with prices\n$/);
    expect(run(['symbols', '--universe', 'sp500']).stdout).toMatch(/\nuniverse sp500: 503 members on 2025-10-08, 500 with prices\n$/);
  });

  it('takes the universe from SIGNALS_UNIVERSE or the config file\'s "universe"; the flag wins', () => {
    const home = mkdtempSync(join(tmpdir(), 'signals-universe-'));
    const config = join(home, 'config.json');
    writeFileSync(config, JSON.stringify({ universe: 'sp500' }));
    expect(rows(run(['symbols', '--json', '--config', config]).stdout)[0]!.universe).toBe('sp500');
    expect(rows(run(['symbols', '--json'], { SIGNALS_UNIVERSE: 'sp500' }).stdout)[0]!.universe).toBe('sp500');
    expect(rows(run(['symbols', '--json', '--universe', 'bundled', '--config', config]).stdout)).toHaveLength(30);
  });

  it('refuses an unknown universe: exit 2 for a flag, 15 for the config file', () => {
    const flag = run(['symbols', '--universe', 'sp600']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--universe must be one of bundled, sp500, got "sp600"/);
    const home = mkdtempSync(join(tmpdir(), 'signals-universe-'));
    writeFileSync(join(home, 'config.json'), JSON.stringify({ universe: 'russell' }));
    const file = run(['symbols', '--config', join(home, 'config.json')]);
    expect(file.code).toBe(15);
    expect(file.stderr).toMatch(/"universe" in .*config\.json must be one of bundled, sp500/);
  });
});
