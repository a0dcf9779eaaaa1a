// `signals serve` on a state dir it cannot use: another process holds it, it is read-only, it is corrupt; each a start-up error with its code.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultStateDir } from '../../src/log/state-dir.js';
import { BIN, cleanEnv, run, spawnServe } from '../helpers/cli.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'signals-statedir-'));

describe('state dir errors at start-up', () => {
  it('a second server on the same state dir exits 12 STATE_LOCKED, naming the first one; the first keeps running', async () => {
    const dir = fresh();
    const first = spawnServe(['--state-dir', dir]);
    await first.url;
    const second = run(['serve', '--port', '0', '--state-dir', dir], {}, 20_000);
    expect(second.code).toBe(12);
    expect(second.stderr).toMatch(new RegExp(`in use by another signals process \\(pid ${first.child.pid}\\)`));
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    // Released on exit: the dir can be used again.
    const third = spawnServe(['--state-dir', dir]);
    await third.url;
    third.child.kill('SIGTERM');
    expect((await third.exited).code).toBe(0);
  }, 40_000);

  it('a read-only state dir exits 13 STATE_UNWRITABLE', () => {
    const dir = fresh();
    chmodSync(dir, 0o555);
    const args = [BIN, 'serve', '--port', '0', '--state-dir', dir];
    // root ignores file modes: then the server runs as nobody (setpriv, from util-linux, drops the ids before node starts).
    const r =
      process.getuid?.() === 0
        ? spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...args], {
            encoding: 'utf8',
            env: cleanEnv(),
            timeout: 20_000,
          })
        : spawnSync(process.execPath, args, { encoding: 'utf8', env: cleanEnv(), timeout: 20_000 });
    expect(r.stderr).toMatch(/is not writable/);
    expect(r.status).toBe(13);
  });

  it('a state dir holding a damaged log exits 14 STATE_CORRUPT instead of starting without it', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'log', 'AAPL'), { recursive: true });
    writeFileSync(join(dir, 'meta.json'), JSON.stringify({ epoch: 'e1' }));
    // A record header claiming 3 GB: no crash leaves that.
    writeFileSync(join(dir, 'log', 'AAPL', '000000000001.seg'), Buffer.from([0xff, 0xff, 0xff, 0xbf, 0, 0, 0, 0, 1, 2, 3]));
    const r = run(['serve', '--port', '0', '--state-dir', dir], {}, 20_000);
    expect(r.code).toBe(14);
    expect(r.stderr).toMatch(/damaged/);
  });

  it('the default state dir follows XDG_STATE_HOME', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/srv/state' })).toBe('/srv/state/signals');
    expect(defaultStateDir({ XDG_STATE_HOME: 'relative' })).toMatch(/\.local\/state\/signals$/);
  });
});
