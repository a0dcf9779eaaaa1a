// `signals watch` on a real terminal (a pseudo-terminal from `script`): the alternate screen, and the saved watchlist.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv } from '../helpers/cli.js';

const ENTER = '\u001B[?1049h';
const LEAVE = '\u001B[?1049l';

/** `signals watch ARGS` on an 80x24 pseudo-terminal; the first line of output is the pid of the CLI. */
function onTerminal(args = ['AAPL', '--local']) {
  const command = `stty cols 80 rows 24; echo "pid $$"; exec "${process.execPath}" "${BIN}" watch ${args.map((a) => `"${a}"`).join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { env: cleanEnv({ TERM: 'xterm-256color' }) });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 20_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; output so far: ${JSON.stringify(out.slice(-400))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, exited, output: () => out, until };
}

describe('the alternate screen', () => {
  it('is entered before the first frame and left after the last one when the user quits with q', async () => {
    const t = onTerminal();
    await t.until(() => /AAPL (BUY|SELL|HOLD|no signal)/.test(t.output()));
    t.child.stdin.write('q');
    expect(await t.exited).toBe(0);
    const out = t.output();
    expect(out.indexOf(ENTER)).toBeGreaterThan(-1);
    expect(out.indexOf(ENTER)).toBeLessThan(out.indexOf('SYMBOL'));
    expect(out.lastIndexOf(LEAVE)).toBeGreaterThan(out.lastIndexOf('SYMBOL'));
  });

  it('is left when the process is told to stop (SIGTERM)', async () => {
    const t = onTerminal();
    await t.until(() => /AAPL (BUY|SELL|HOLD|no signal)/.test(t.output()));
    const pid = Number(/pid (\d+)/.exec(t.output())![1]);
    process.kill(pid, 'SIGTERM');
    expect(await t.exited).toBe(0);
    expect(t.output().lastIndexOf(LEAVE)).toBeGreaterThan(t.output().lastIndexOf('SYMBOL'));
  });
});

describe('the watchlist', () => {
  it('symbols added with + and removed with - are saved to the config file, other keys kept, and shown next time', async () => {
    const config = join(mkdtempSync(join(tmpdir(), 'signals-watchlist-')), 'config.json');
    writeFileSync(config, JSON.stringify({ speed: 390 }));
    const first = onTerminal(['AAPL', 'JPM', '--local', '--config', config]);
    await first.until(() => /AAPL (BUY|SELL|HOLD|no signal)/.test(first.output()));
    for (const key of ['+', 'm', 's', 'f', 't', '\r']) first.child.stdin.write(key);
    await first.until(() => /"MSFT"/.test(readFileSync(config, 'utf8')));
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ speed: 390, watchlist: ['AAPL', 'JPM', 'MSFT'] });
    // Up from MSFT to JPM, and remove it.
    first.child.stdin.write('\u001B[A-');
    await first.until(() => !/"JPM"/.test(readFileSync(config, 'utf8')));
    first.child.stdin.write('q');
    expect(await first.exited).toBe(0);
    expect(JSON.parse(readFileSync(config, 'utf8'))).toEqual({ speed: 390, watchlist: ['AAPL', 'MSFT'] });

    // No symbols given: the saved watchlist.
    const second = onTerminal(['--local', '--config', config]);
    await second.until(() => /AAPL (BUY|SELL|HOLD|no signal)/.test(second.output()) && /MSFT (BUY|SELL|HOLD|no signal)/.test(second.output()));
    second.child.stdin.write('q');
    expect(await second.exited).toBe(0);
    expect(second.output()).not.toMatch(/JPM (BUY|SELL|HOLD|no signal)/);
  });
});
