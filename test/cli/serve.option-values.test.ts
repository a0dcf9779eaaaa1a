// `signals serve` as a real process: numbers are plain decimals within documented ranges; an error names the flag or the env var it came from.
import { describe, expect, it } from 'vitest';
import { run, spawnServe } from '../helpers/cli.js';

// `--port 0` (a free port) in every case but the port's own, so that a value wrongly accepted blocks no fixed port.
const refused: [string, string[], Record<string, string>, string][] = [
  [
    'a hex port from the environment, naming the variable',
    [],
    { SIGNALS_PORT: '0x4E85' },
    'SIGNALS_PORT must be a whole number from 0 to 65535, got "0x4E85"',
  ],
  ['a port in exponent form', ['--port', '0e3'], {}, '--port must be a whole number from 0 to 65535, got "0e3"'],
  ['a binary seed', ['--seed', '0b11'], {}, '--seed must be a whole number from 0 to 4294967295, got "0b11"'],
  [
    'a price rate so low its timer would fire every millisecond',
    ['--price-rate', '1e-9'],
    {},
    '--price-rate must be a number from 0.01 to 1000, got "1e-9"',
  ],
  ['a price rate below the range', ['--price-rate', '0.001'], {}, '--price-rate must be a number from 0.01 to 1000, got "0.001"'],
  ['zero connections', ['--max-connections', '0'], {}, '--max-connections must be from 1 to 1000000, got 0'],
  ['zero subscriptions from the environment', [], { SIGNALS_MAX_SUBSCRIPTIONS: '0' }, 'SIGNALS_MAX_SUBSCRIPTIONS must be from 1 to 100000, got 0'],
  ['a fractional subscription count', ['--max-subscriptions', '2.5'], {}, '--max-subscriptions must be a whole number from 1 to 100000, got "2.5"'],
  ['a message rate of 0', ['--message-rate', '0'], {}, '--message-rate must be a number from 1 to 10000, got "0"'],
  ['an analyze rate of 0', ['--analyze-rate', '0'], {}, '--analyze-rate must be a number from 0.01 to 1000, got "0"'],
  ['a negative threshold', ['--threshold', '-1'], {}, '--threshold must be a number >= 0, got "-1"'],
  ['a hex speed', ['--speed', '0x10'], {}, '--speed must be a number >= 0, got "0x10"'],
  ['a hex minimum confidence', ['--min-confidence', '0x1'], {}, '--min-confidence must be a number from 0 to 1, got "0x1"'],
  ['a gate in exponent form', ['--gate', '1e-1'], {}, '--gate must be a number from 0 to 1, got "1e-1"'],
  ['a fractional quorum', ['--quorum', '2.5'], {}, '--quorum must be a whole number from 0 to 100, got "2.5"'],
  ['a hex quorum from the environment', [], { SIGNALS_QUORUM: '0x3' }, 'SIGNALS_QUORUM must be a whole number from 0 to 100, got "0x3"'],
  ['a weight in exponent form', ['--weights', 'technical=1e0'], {}, '--weights technical must be a number from 0 to 100, got "1e0"'],
  ['an agent timeout in exponent form', ['--agent-timeout', '1e3'], {}, '--agent-timeout must be a whole number from 1 to 600000, got "1e3"'],
  [
    'a hex agent timeout from the environment',
    [],
    { SIGNALS_AGENT_TIMEOUT: '0x10' },
    'SIGNALS_AGENT_TIMEOUT must be a whole number from 1 to 600000, got "0x10"',
  ],
  ['a log level that is none', [], { SIGNALS_LOG_LEVEL: 'loud' }, 'SIGNALS_LOG_LEVEL must be one of debug, info, warn, error, silent, got "loud"'],
  ['a --symbols entry that is no symbol', ['--symbols', 'AAPL,A B'], {}, '--symbols: "A B" is not a symbol: use 1 to 16 letters, digits and . - ^ ='],
];

describe('signals serve option values', () => {
  for (const [name, args, env, message] of refused) {
    it(`refuses ${name}: exit 2, one line`, () => {
      const r = run(['serve', ...(env.SIGNALS_PORT ? [] : ['--port', '0']), ...args], env, 10_000);
      expect(r).toMatchObject({ code: 2, stdout: '', stderr: `signals: ${message}\n` });
    });
  }

  it('refuses the same values on `watch --local`', () => {
    const r = run(['watch', 'AAPL', '--local', '--max-connections', '0'], {}, 10_000);
    expect(r).toMatchObject({ code: 2, stderr: 'signals: --max-connections must be from 1 to 1000000, got 0\n' });
  });

  it('starts with fractional rates inside the ranges', async () => {
    const serve = spawnServe(['--price-rate', '0.5', '--message-rate', '2.5', '--analyze-rate', '0.05', '--max-connections', '1'], {
      SIGNALS_SEED: '42',
    });
    expect(await serve.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/signals$/);
    serve.child.kill('SIGTERM');
    expect((await serve.exited).code).toBe(0);
  });

  it('--help gives each limit its range', () => {
    const help = run(['serve', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--price-rate <n> price updates per second per symbol, at most (0.01 to 1000)');
    expect(help).toContain('--max-connections <n> connections in total (1 to 1000000)');
    expect(help).toContain('--message-rate <n> messages per second per connection, burst twice that (1 to 10000)');
    expect(help).toContain('(0.01 to 1000) (default: 1, env: SIGNALS_ANALYZE_RATE)');
  });
});
