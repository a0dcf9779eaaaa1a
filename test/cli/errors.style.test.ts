// One error style for every error, the parser's too, and an exit-code paragraph in every command's --help from the one table.
import { describe, expect, it } from 'vitest';
import { ExitCode, PARTIAL_FAILURE_EXIT } from '../../src/cli/exit-codes.js';
import { run } from '../helpers/cli.js';

const COMMANDS = ['analyze', 'backtest', 'symbols', 'rank', 'data', 'serve', 'watch', 'history', 'repair', 'config', 'completion', 'schema'];

describe("the argument parser's errors read like every other error", () => {
  it.each([
    ['a missing argument', ['analyze'], "signals: missing required argument 'symbols'"],
    ['an unknown option', ['serve', '--tokens', 'a'], "signals: unknown option '--tokens'"],
    ['an unknown command', ['bogus'], "signals: unknown command 'bogus'"],
    ['a value outside the choices', ['completion', 'tcsh'], "signals: command-argument value 'tcsh' is invalid for argument 'shell'"],
  ])('%s: `signals: ...` on stderr, exit code 2 (BAD_ARGUMENT)', (_name, args, first) => {
    const r = run(args);
    expect(r.code).toBe(ExitCode.BAD_ARGUMENT);
    expect(r.stderr.split('\n')[0]).toContain(first);
    expect(r.stderr).not.toMatch(/^error:/m);
    expect(r.stdout).toBe('');
  });
});

describe("every command's --help lists its exit codes", () => {
  /** Each code and what it means, from a help's "Exit codes:" paragraph. */
  function exitCodes(help: string): Map<number, string> {
    const paragraph = /Exit codes: ([^]*?)\.(\n|$)/.exec(help)?.[1]?.replace(/\s+/g, ' ');
    if (paragraph === undefined) throw new Error(`no "Exit codes:" in:\n${help}`);
    return new Map(paragraph.split(/, (?=\d)/).map((item) => [Number(/^\d+/.exec(item)![0]), item.replace(/^\d+ /, '')]));
  }
  const known = new Set([0, PARTIAL_FAILURE_EXIT, ...Object.values(ExitCode)]);

  it.each(COMMANDS)('%s --help: 0, 2 and 1 at least, each code one the CLI has', (command) => {
    const r = run([command, '--help']);
    expect(r.code).toBe(0);
    const codes = exitCodes(r.stdout);
    expect([...codes.keys()].filter((code) => !known.has(code))).toEqual([]);
    expect(codes.get(0)).toBe('ok');
    expect(codes.get(ExitCode.BAD_ARGUMENT)).toBe('bad argument');
    expect([...codes.keys()].at(-1)).toBe(ExitCode.INTERNAL);
  });

  it("serve's lists what only a server meets (the state dir, the provider), with the table's numbers", () => {
    const codes = exitCodes(run(['serve', '--help']).stdout);
    for (const code of ['STATE_LOCKED', 'STATE_UNWRITABLE', 'STATE_CORRUPT', 'PROVIDER_AUTH_FAILED', 'PROVIDER_LIMIT', 'CONFIG_INVALID'] as const) {
      expect(codes.has(ExitCode[code]), code).toBe(true);
    }
    expect(codes.get(ExitCode.STATE_LOCKED)).toMatch(/state dir/);
    expect(codes.has(PARTIAL_FAILURE_EXIT)).toBe(false);
  });

  it('the top-level --help lists every exit code', () => {
    const codes = exitCodes(run(['--help']).stdout);
    expect([...codes.keys()].sort((a, b) => a - b)).toEqual([...known].sort((a, b) => a - b));
  });
});
