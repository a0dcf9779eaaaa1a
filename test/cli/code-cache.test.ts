// bin/signals.cjs: the CLI compiled with the build's code cache when it answers for the bundle and this V8, else from its text.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectError } from '../../src/client/connect-error.js';
import { SignalsError, isSignalsError } from '../../src/protocol/errors.js';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { BIN, run } from '../helpers/cli.js';

interface Loader {
  load(useCache?: boolean): { main: (argv: string[]) => Promise<number>; cached: boolean };
}

const root = join(BIN, '..', '..');
const CLI = join(root, 'dist', 'cli', 'main.cjs');

describe('the code cache', () => {
  it('answers for the bundle the build made, with this V8', () => {
    const { load } = createRequire(import.meta.url)(BIN) as Loader;
    expect(load().cached, 'run the build: it writes dist/cli/main.cjs.cache').toBe(true);
    expect(load(false).cached).toBe(false);
  });

  describe('made for another bundle', () => {
    let copy: string;

    beforeAll(() => {
      copy = mkdtempSync(join(tmpdir(), 'signals-code-cache-'));
      mkdirSync(join(copy, 'bin'));
      mkdirSync(join(copy, 'dist', 'cli'), { recursive: true });
      copyFileSync(BIN, join(copy, 'bin', 'signals.cjs'));
      copyFileSync(join(root, 'package.json'), join(copy, 'package.json'));
      // The same code, one byte longer: a cache keyed by anything short of its text would still answer for it.
      writeFileSync(join(copy, 'dist', 'cli', 'main.cjs'), `${readFileSync(CLI, 'utf8')} `);
      copyFileSync(`${CLI}.cache`, join(copy, 'dist', 'cli', 'main.cjs.cache'));
    });
    afterAll(() => rmSync(copy, { recursive: true, force: true }));

    it('is not used, and the CLI runs compiled from its text', () => {
      const { load } = createRequire(import.meta.url)(join(copy, 'bin', 'signals.cjs')) as Loader;
      expect(load().cached).toBe(false);
      const copied = spawnSync(process.execPath, [join(copy, 'bin', 'signals.cjs'), '--version'], { encoding: 'utf8', timeout: 30_000 });
      expect(copied.status).toBe(0);
      expect(copied.stdout).toBe(run(['--version'], {}, 30_000).stdout);
    });
  });
});

describe('without a build', () => {
  it('says what is missing and how to get it, with exit 1 and no stack trace', () => {
    const bare = mkdtempSync(join(tmpdir(), 'signals-no-build-'));
    try {
      mkdirSync(join(bare, 'bin'));
      copyFileSync(BIN, join(bare, 'bin', 'signals.cjs'));
      const r = spawnSync(process.execPath, [join(bare, 'bin', 'signals.cjs'), 'analyze', 'AAPL'], { encoding: 'utf8', timeout: 30_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^signals: cannot load .*main\.cjs \(ENOENT\): run `npm run build`, or reinstall\n$/);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});

describe('errors from the commands that run as ES modules', () => {
  it('are told by the mark every copy of the class carries, subclasses included', () => {
    expect(isSignalsError(Object.assign(new Error('no signal log'), { code: 'DATA_ERROR' }))).toBe(false);
    expect(isSignalsError(new SignalsError('BAD_ARGUMENT', 'x'))).toBe(true);
    expect(isSignalsError(new ConnectError('CONNECTION_FAILED', 'x', undefined))).toBe(true);
    expect(isSignalsError(Object.assign(new Error('x'), { name: 'SignalsError', code: 'DATA_ERROR' }))).toBe(false);
  });

  it('reach the user as the code of the error, not as an internal error', () => {
    const r = run(['history', 'AAPL', '--state-dir', mkdtempSync(join(tmpdir(), 'signals-no-log-'))], {}, 30_000);
    expect(r.stderr).toMatch(/^signals: no signal log in /);
    expect(r.code).toBe(ExitCode.DATA_ERROR);
  });
});
