// `signals completion`: the bash script completes in a real bash; every script names every visible option of every command.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TABLES } from '../../src/cli/options.js';
import { run } from '../helpers/cli.js';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('signals completion bash', () => {
  const script = run(['completion', 'bash']);
  const file = join(mkdtempSync(join(tmpdir(), 'signals-completion-')), 'signals.bash');
  writeFileSync(file, script.stdout);

  /** What bash completes for the words typed so far (the last one being completed). */
  function complete(...words: string[]): string[] {
    const quoted = words.map((w) => `'${w}'`).join(' ');
    const r = spawnSync(
      'bash',
      ['--norc', '-c', `source ${file}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _signals; printf '%s\\n' "\${COMPREPLY[@]}"`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    return r.stdout.split('\n').filter((l) => l !== '');
  }

  it('is printed with exit 0', () => {
    expect(script.code).toBe(0);
  });

  it('completes the commands, the options of a command and the choices of an option', () => {
    expect(complete('signals', 'se')).toEqual(['serve']);
    expect(complete('signals', '')).toEqual(expect.arrayContaining(['analyze', 'watch', 'config', 'completion', '--help']));
    expect(complete('signals', 'serve', '--fs')).toEqual(['--fsync']);
    expect(complete('signals', 'serve', '--fsync', '')).toEqual(['always', 'interval', 'never']);
    expect(complete('signals', 'serve', '--log-level', 'd')).toEqual(['debug']);
    expect(complete('signals', 'watch', '--loc')).toEqual(['--local']);
    expect(complete('signals', 'serve', '--provider', '')).toEqual(['replay', 'yahoo', 'alpaca']);
    expect(complete('signals', 'completion', '--h')).toEqual(['--help']);
  });

  it('completes the value of a folder option with folders, and offers nothing for a free value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-completion-dir-'));
    expect(complete('signals', 'serve', '--state-dir', `${dir.slice(0, -2)}`)).toContain(dir);
    expect(complete('signals', 'serve', '--port', '')).toEqual([]);
  });
});

describe('every shell', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    it(`${shell}: names every visible option of every command`, () => {
      const r = run(['completion', shell]);
      expect(r.code).toBe(0);
      for (const [command, spec] of Object.entries(TABLES)) {
        expect(r.stdout).toContain(command);
        for (const [name, option] of Object.entries(spec)) {
          if (option.hidden) continue;
          expect(r.stdout, `${shell} ${command} --${kebab(name)}`).toContain(shell === 'fish' ? `-l ${kebab(name)}` : `--${kebab(name)}`);
        }
      }
    });
  }

  it('an unknown shell: exit 2', () => {
    const r = run(['completion', 'powershell']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish/);
  });
});
