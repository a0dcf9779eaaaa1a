// A user's mistake is never "internal error": each one below gets one line naming what to fix, its stable code's exit code.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, spawnCli } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

function aFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'signals-')), 'prices.csv');
  writeFileSync(file, 'Date,Open,High,Low,Close,Volume\n');
  return file;
}

describe('user mistakes', () => {
  it('a --data-dir that is a file: exit 5 naming the option (or its variable)', () => {
    const file = aFile();
    expect(run(['analyze', 'AAPL', '--data-dir', file])).toMatchObject({
      code: 5,
      stdout: '',
      stderr: `signals: --data-dir ${file} is a file, not a folder of SYMBOL.csv files\n`,
    });
    expect(run(['serve', '--port', '0'], { SIGNALS_DATA_DIR: file }, 10_000)).toMatchObject({
      code: 5,
      stderr: `signals: SIGNALS_DATA_DIR ${file} is a file, not a folder of SYMBOL.csv files\n`,
    });
  });

  it('a malformed --url: exit 2, not an internal error', () => {
    expect(run(['watch', 'AAPL', '--url', 'nope'])).toMatchObject({
      code: 2,
      stderr: 'signals: --url must be a ws://, wss://, http:// or https:// URL such as ws://127.0.0.1:8000/ws/signals, got "nope"\n',
    });
  });

  it('an --llm-url that is not http(s): exit 2 before any analysis', () => {
    expect(run(['analyze', 'AAPL', '--llm-url', 'ftp://models.example/v1'])).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'signals: --llm-url must be an http:// or https:// URL such as http://127.0.0.1:8001/v1, got "ftp://models.example/v1"\n',
    });
  });

  it('an unresolvable --host: exit 2, one line, and no "listening" warning before it', () => {
    const r = run(['serve', '--port', '0', '--host', 'no-such-host.invalid'], {}, 20_000);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'signals: --host no-such-host.invalid does not resolve to an address; give an address of this machine, e.g. 127.0.0.1 or 0.0.0.0\n',
    );
    expect(run(['serve', '--port', '0'], { SIGNALS_HOST: 'no-such-host.invalid' }, 20_000).stderr).toMatch(
      /^signals: SIGNALS_HOST no-such-host\.invalid does not resolve/,
    );
  });

  it('a port in use on 0.0.0.0: the error only, no warning about listening without authentication', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '0.0.0.0', resolve));
    const port = (blocker.address() as { port: number }).port;
    const serve = spawnCli(['serve', '--host', '0.0.0.0', '--port', String(port)]);
    expect(await serve.exited).toBe(2);
    expect(serve.stderr()).toBe(`signals: port ${port} on 0.0.0.0 is in use; pick another with --port\n`);
    blocker.close();
  });

  it('a server that answers the upgrade with 404: "not a signals endpoint", not "nothing answered"', async () => {
    const ctx = await startServer();
    const watch = spawnCli(['watch', 'AAPL', '--url', `${ctx.url}/not/signals`]);
    expect(await watch.exited).toBe(6);
    expect(watch.stderr()).toBe(
      `signals: the server at ${ctx.url}/not/signals answered 404: not a signals endpoint; check the URL (signals serves ws://HOST:PORT/ws/signals)\n`,
    );
    await ctx.stop();
  });
});
