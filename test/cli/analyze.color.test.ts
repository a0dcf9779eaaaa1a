// `signals analyze` colour as a real process: on a terminal unless NO_COLOR is set and not empty; --color and --no-color decide.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, cleanEnv, run } from '../helpers/cli.js';

const COLOUR = /\x1b\[3\dm/;
const script = spawnSync('script', ['--version']).status === 0;

/** The analysis table as a terminal shows it (through `script`, which gives the process a pseudo-terminal). */
function onTerminal(flags: string, env: Record<string, string> = {}): string {
  return spawnSync('script', ['-qec', `${process.execPath} ${BIN} analyze JPM --as-of 2022-06-15 ${flags}`, '/dev/null'], {
    encoding: 'utf8',
    env: cleanEnv({ TERM: 'xterm-256color', ...env }),
  }).stdout;
}

describe('signals analyze colour', () => {
  it.runIf(script)('NO_COLOR set but empty keeps colour on; NO_COLOR=1 turns it off', () => {
    expect(onTerminal('', { NO_COLOR: '' })).toMatch(/\x1b\[33m.*HOLD/);
    expect(onTerminal('', { NO_COLOR: '1' })).not.toMatch(COLOUR);
  });

  it.runIf(script)('--no-color on a terminal: no colour; --color beats NO_COLOR', () => {
    expect(onTerminal('--no-color')).not.toMatch(COLOUR);
    expect(onTerminal('--color', { NO_COLOR: '1' })).toMatch(COLOUR);
  });

  it('--color colours a pipe', () => {
    expect(run(['analyze', 'JPM', '--as-of', '2022-06-15', '--color']).stdout).toMatch(/\x1b\[33m.*HOLD/);
  });
});
