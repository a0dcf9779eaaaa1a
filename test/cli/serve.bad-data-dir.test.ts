// A malformed user CSV stops `serve` and `watch --local` at start-up (exit 5, naming file and problem), never a running server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../helpers/cli.js';

function dataDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'signals-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const malformed = 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n2024-01-03,1,2,oops,1.5,10\n';

describe('a bad file in --data-dir', () => {
  it('serve: exit 5 at start-up naming the file and line, before anyone subscribes', () => {
    const dir = dataDir({ 'MYCO.csv': malformed });
    const r = run(['serve', '--port', '0', '--data-dir', dir], {}, 10_000);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(`signals: ${join(dir, 'MYCO.csv')}:3: bad Low "oops"\n`);
  });

  it('watch --local: exit 5 the same way, through SIGNALS_DATA_DIR', () => {
    const dir = dataDir({ 'MYCO.csv': malformed });
    const r = run(['watch', 'MYCO', '--local'], { SIGNALS_DATA_DIR: dir }, 10_000);
    expect(r.code).toBe(5);
    expect(r.stderr).toBe(`signals: ${join(dir, 'MYCO.csv')}:3: bad Low "oops"\n`);
  });

  it('analyze: a bad file for another symbol is reported too', () => {
    const dir = dataDir({ 'MYCO.csv': malformed });
    const r = run(['analyze', 'AAPL', '--data-dir', dir]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/MYCO\.csv:3: bad Low "oops"\n$/);
  });

  it('a file name that is no symbol, and two files for one symbol, are data errors', () => {
    const good = 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n';
    expect(run(['symbols', '--data-dir', dataDir({ 'my co.csv': good })])).toMatchObject({
      code: 5,
      stderr: expect.stringMatching(/my co\.csv: "my co" is not a symbol .*; rename the file\n$/),
    });
    expect(run(['symbols', '--data-dir', dataDir({ 'BRK.B.csv': good, 'BRK-B.csv': good })])).toMatchObject({
      code: 5,
      stderr: expect.stringMatching(/BRK[.-]B\.csv and .*BRK[.-]B\.csv are both BRK-B; keep one\n$/),
    });
  });
});
