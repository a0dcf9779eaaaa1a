// The pure choices of output: JSON, JSON lines, plain or interactive; and the colour level from flags, terminal and environment.
import { describe, expect, it } from 'vitest';
import { colorLevel, outputMode } from '../../src/cli/output-mode.js';

/** A terminal whose colour depth follows Node's rule: NO_COLOR set at all (even empty) means 2 colours. */
const terminal = { isTTY: true, getColorDepth: (env: NodeJS.ProcessEnv = {}) => (env.NO_COLOR !== undefined ? 1 : 8) };
const pipe = { isTTY: false };

describe('outputMode', () => {
  it('--jsonl, then --json, win; a terminal outside CI is interactive; the rest plain', () => {
    expect(outputMode({ json: false, jsonl: true, isTTY: true, ci: false })).toBe('jsonl');
    expect(outputMode({ json: true, isTTY: true, ci: false })).toBe('json');
    expect(outputMode({ json: false, isTTY: true, ci: false })).toBe('interactive');
    expect(outputMode({ json: false, isTTY: true, ci: true })).toBe('plain');
    expect(outputMode({ json: false, isTTY: false, ci: false })).toBe('plain');
  });
});

describe('colorLevel', () => {
  it('colours a terminal, not a pipe', () => {
    expect(colorLevel(terminal, undefined, {})).toBe(2);
    expect(colorLevel(pipe, undefined, {})).toBe(0);
  });

  it('NO_COLOR turns colour off only when set and not empty (no-color.org)', () => {
    expect(colorLevel(terminal, undefined, { NO_COLOR: '1' })).toBe(0);
    expect(colorLevel(terminal, undefined, { NO_COLOR: '' })).toBe(2);
  });

  it('--color colours even a pipe or under NO_COLOR; --no-color never colours', () => {
    expect(colorLevel(pipe, true, {})).toBe(1);
    expect(colorLevel(terminal, true, { NO_COLOR: '1' })).toBe(1);
    expect(colorLevel(terminal, false, {})).toBe(0);
  });
});
