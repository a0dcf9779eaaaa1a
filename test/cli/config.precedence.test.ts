// The config file as a real process sees it: flags > environment > file > defaults, bad files named with exit 15, secrets masked.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveWatchlist } from '../../src/cli/config.js';
import { run, spawnCli } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

const NOBODY = 'ws://127.0.0.1:9/ws/signals';

/** An XDG_CONFIG_HOME holding `config` as signals/config.json; returns the variables that point at it and the file. */
function configHome(config: unknown) {
  const home = mkdtempSync(join(tmpdir(), 'signals-config-'));
  mkdirSync(join(home, 'signals'));
  const file = join(home, 'signals', 'config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return { env: { XDG_CONFIG_HOME: home }, file };
}

/** The SOURCE column of `signals config ...` for one setting row. */
function row(stdout: string, name: string): { value: string; source: string } {
  const line = stdout.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no row ${name} in:\n${stdout}`);
  const [, value, source] = /^\S+\s+(\S+)\s+(.*)$/.exec(line)!;
  return { value: value!, source: source! };
}

describe('precedence: flags > environment > config file > defaults', () => {
  const { env, file } = configHome({ port: 9100, quorum: 40, seed: 7 });

  it('`signals config serve`: each value and where it came from', () => {
    const r = run(['config', 'serve', '--port', '9300'], { ...env, SIGNALS_PORT: '9200', SIGNALS_QUORUM: '55' });
    expect(r.code).toBe(0);
    expect(row(r.stdout, '--port')).toEqual({ value: '9300', source: 'flag --port' });
    expect(row(r.stdout, '--quorum')).toEqual({ value: '55', source: 'env SIGNALS_QUORUM' });
    expect(row(r.stdout, '--seed')).toEqual({ value: '7', source: `file ${file}` });
    expect(row(r.stdout, '--speed')).toEqual({ value: '390', source: 'default' });
  });

  it('a running `watch` connects to the URL of the file, unless the environment or a flag says otherwise', async () => {
    const ctx = await startServer();
    const url = `${ctx.url}/ws/signals`;
    const home = configHome({ url, watchlist: ['aapl', 'MSFT'] });
    const fromFile = spawnCli(['watch', '--json'], home.env);
    // The watchlist of the file too: no symbols were given.
    await expect.poll(() => fromFile.stdout(), { timeout: 10_000 }).toMatch(/"type":"subscribed","symbol":"AAPL"/);
    expect(fromFile.stdout()).toMatch(/"type":"subscribed","symbol":"MSFT"/);
    fromFile.child.kill('SIGINT');
    expect(await fromFile.exited).toBe(0);

    const fromEnv = run(['watch', 'AAPL', '--json'], { ...home.env, SIGNALS_URL: NOBODY }, 10_000);
    expect(fromEnv.code).toBe(6);
    expect(fromEnv.stderr).toContain('nothing answered at ws://127.0.0.1:9/');

    const fromFlag = spawnCli(['watch', 'NVDA', '--json', '--url', url], { ...home.env, SIGNALS_URL: NOBODY });
    await expect.poll(() => fromFlag.stdout(), { timeout: 10_000 }).toMatch(/"type":"subscribed","symbol":"NVDA"/);
    expect(fromFlag.stdout()).not.toMatch(/"symbol":"AAPL"/);
    fromFlag.child.kill('SIGINT');
    expect(await fromFlag.exited).toBe(0);
    await ctx.stop();
  });

  it('--config FILE and SIGNALS_CONFIG name another file; the flag wins', () => {
    const a = configHome({ seed: 11 });
    const b = configHome({ seed: 22 });
    expect(row(run(['config', 'serve'], { SIGNALS_CONFIG: a.file }).stdout, '--seed').value).toBe('11');
    expect(row(run(['config', 'serve', '--config', b.file], { SIGNALS_CONFIG: a.file }).stdout, '--seed').value).toBe('22');
    expect(row(run(['config', '--config', b.file]).stdout, 'seed')).toEqual({ value: '22', source: `file ${b.file}` });
  });

  it('`watch` with no symbols and no watchlist says how to give them', () => {
    expect(run(['watch'], {}, 10_000)).toMatchObject({
      code: 2,
      stderr: 'signals: give symbols to watch (signals watch AAPL MSFT), or a "watchlist" in the config file\n',
    });
  });

  it('a setting that does not apply to the command is ignored, as its variable would be (from for a remote watch)', () => {
    const home = configHome({ from: 'not a date', url: NOBODY });
    const r = run(['watch', 'AAPL'], home.env, 10_000);
    expect(r.code).toBe(6);
  });
});

describe('a bad config file: exit 15, one line naming the file and the key', () => {
  const cases: [string, unknown, string][] = [
    ['an unknown key', { prot: 8000 }, 'unknown key "prot"; the keys are '],
    ['a value its flag would refuse', { minConfidence: 2 }, '"minConfidence" in FILE must be a number from 0 to 1, got "2"'],
    ['a value of the wrong shape', { port: { a: 'b' } }, '"port" must be text, a number, true/false, a list or an object of numbers'],
    ['a flag that is not true or false', { referenceConsensus: 'yes' }, '"referenceConsensus" in FILE must be true or false'],
    ['JSON that does not parse', '{"port": 80', 'is not JSON'],
    ['not an object', '[1]', 'must hold one JSON object'],
  ];
  for (const [name, config, message] of cases) {
    it(name, () => {
      const { env, file } = configHome(config);
      const r = run(['serve', '--port', '0'], env, 10_000);
      expect(r.code).toBe(15);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message.replace('FILE', file));
      expect(r.stderr).toContain(file);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }

  it('--config naming a file that does not exist', () => {
    const r = run(['analyze', 'AAPL', '--config', '/no/such/config.json'], {}, 10_000);
    expect(r).toMatchObject({ code: 15, stderr: 'signals: config file /no/such/config.json: does not exist\n' });
  });

  it('no file at the default path is no error', () => {
    const home = mkdtempSync(join(tmpdir(), 'signals-config-'));
    const r = run(['config'], { XDG_CONFIG_HOME: home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`config file: ${join(home, 'signals', 'config.json')} (none there)`);
  });
});

describe('signals config masks secrets', () => {
  it('tokens and JWT secrets from the file, the environment or a flag never appear', () => {
    const { env } = configHome({
      token: 'file-token-1',
      tokens: ['srv-a', 'srv-b'],
      metricsToken: 'metrics-secret',
      webhooks: ['https://hooks.example/services/T0/B0/hook-key'],
    });
    const all = run(['config'], { ...env, SIGNALS_JWT_SECRET: 'env-jwt-secret' });
    expect(all.code).toBe(0);
    expect(row(all.stdout, 'tokens')).toMatchObject({ value: '********,********' });
    // A webhook URL's path is often its key: only the origin shows.
    expect(row(all.stdout, 'webhooks')).toMatchObject({ value: 'https://hooks.example/********' });
    const serve = run(['config', 'serve', '--jwt-secret', 'flag-jwt-secret'], env);
    for (const out of [all.stdout, serve.stdout]) {
      for (const secret of ['file-token-1', 'srv-a', 'srv-b', 'metrics-secret', 'env-jwt-secret', 'flag-jwt-secret'])
        expect(out).not.toContain(secret);
    }
    expect(row(serve.stdout, '--jwt-secret')).toEqual({ value: '********', source: 'flag --jwt-secret' });
  });
});

describe('saveWatchlist', () => {
  it('writes the watchlist in canonical form and keeps the other keys; no temporary file is left', () => {
    const { file } = configHome({ url: NOBODY, watchlist: ['AAPL'] });
    saveWatchlist(['msft', 'brk.b'], file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: NOBODY, watchlist: ['MSFT', 'BRK-B'] });
    expect(readdirSync(join(file, '..'))).toEqual(['config.json']);
  });

  it('creates the file and its folder when there is none', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'signals-config-')), 'signals', 'config.json');
    saveWatchlist(['AAPL'], file);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ watchlist: ['AAPL'] });
  });

  it('leaves a file that is not JSON alone', () => {
    const { file } = configHome('{ hand-edited');
    expect(() => saveWatchlist(['AAPL'], file)).toThrow(/is not JSON .*the watchlist was not saved/);
    expect(readFileSync(file, 'utf8')).toBe('{ hand-edited');
  });
});
