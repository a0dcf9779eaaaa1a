// `signals watch` options as a real process: --token takes one value (never the symbols), flags that do not apply are errors.
import { describe, expect, it } from 'vitest';
import { run, spawnCli } from '../helpers/cli.js';
import { startServer } from '../helpers/server.js';

const NOBODY = 'ws://127.0.0.1:9/ws/signals';

describe('signals watch --token', () => {
  it('`--url URL --token s3cret AAPL` subscribes AAPL with the token (the token does not swallow the symbol)', async () => {
    const ctx = await startServer({ auth: { tokens: ['s3cret'] } });
    const watch = spawnCli(['watch', '--url', `${ctx.url}/ws/signals`, '--token', 's3cret', 'AAPL']);
    await expect.poll(() => watch.stdout(), { timeout: 10_000 }).toMatch(/"type":"subscribed","symbol":"AAPL"/);
    watch.child.kill('SIGINT');
    expect(await watch.exited).toBe(0);
    expect(watch.stderr()).toBe('');
    await ctx.stop();
  });

  it('given twice: an error, not one of them silently dropped', () => {
    const r = run(['watch', 'AAPL', '--url', NOBODY, '--token', 'a', '--token', 'b']);
    expect(r).toMatchObject({ code: 2, stderr: 'signals: --token is given more than once; the client sends one token\n' });
  });
});

describe('signals watch: a flag that does not apply is an error', () => {
  const cases: [string, string[], string][] = [
    ['--from without --local', ['--from', '2020-01-02'], '--from applies only with --local'],
    ['--speed and --threshold without --local', ['--speed', '3', '--threshold', '2'], '--speed, --threshold apply only with --local'],
    [
      '--data-dir and --max-connections without --local',
      ['--data-dir', '.', '--max-connections', '5'],
      '--max-connections, --data-dir apply only with --local',
    ],
    ['--universe without --local', ['--universe', 'sp500'], '--universe applies only with --local'],
    ['--url with --local', ['--local', '--url', NOBODY], '--url does not apply with --local'],
    ['--token with --local', ['--local', '--token', 's3cret'], '--token does not apply with --local'],
    ['--llm-model without --llm-url', ['--local', '--llm-model', 'x'], '--llm-model applies only with --llm-url'],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: exit 2, one line`, () => {
      const r = run(['watch', 'AAPL', ...args], {}, 10_000);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^signals: ${message}[^\\n]*\\n$`));
    });
  }

  it('an environment variable set for other commands (SIGNALS_FROM, SIGNALS_DATA_DIR) is ignored without --local', () => {
    const r = run(['watch', 'AAPL', '--url', NOBODY], { SIGNALS_FROM: 'not a date', SIGNALS_DATA_DIR: '/no/such/folder' }, 10_000);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^signals: nothing answered at /);
  });

  it('a malformed SIGNALS_URL is named as the variable', () => {
    const r = run(['watch', 'AAPL'], { SIGNALS_URL: 'localhost:8000' }, 10_000);
    expect(r).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^signals: SIGNALS_URL must be a ws:\/\/, wss:\/\/, http:\/\/ or https:\/\/ URL such as /),
    });
  });
});
