// Decides how a command writes its output: JSON, JSON lines, plain text or an interactive terminal UI, and with which colours.

export type OutputMode = 'json' | 'jsonl' | 'plain' | 'interactive';

export interface OutputContext {
  json: boolean;
  jsonl?: boolean;
  isTTY: boolean;
  /** Whether we run under CI (the CI environment variable), where nothing is interactive. */
  ci: boolean;
}

/**
 * `--json` or `--jsonl` always wins; a terminal outside CI gets the interactive UI; anything else plain text.
 * @example outputMode({ json: false, isTTY: true, ci: false }) // 'interactive'
 */
export function outputMode({ json, jsonl = false, isTTY, ci }: OutputContext): OutputMode {
  if (jsonl) return 'jsonl';
  if (json) return 'json';
  return isTTY && !ci ? 'interactive' : 'plain';
}

export type ColorLevel = 0 | 1 | 2 | 3;

/**
 * The chalk colour level for a stream. `--color` (force true) and `--no-color` (false) decide; otherwise none
 * unless it is a terminal, then what Node's `getColorDepth` reports (FORCE_COLOR, NO_COLOR, TERM). NO_COLOR
 * counts only when it is set and not empty (no-color.org): Node would take an empty one as "no colour".
 * @example colorLevel({ isTTY: false }, true) // 1
 */
export function colorLevel(
  stream: { isTTY?: boolean; getColorDepth?: (env?: NodeJS.ProcessEnv) => number },
  force?: boolean,
  env: NodeJS.ProcessEnv = process.env,
): ColorLevel {
  if (force === false) return 0;
  const depth = stream.isTTY && stream.getColorDepth ? stream.getColorDepth(withoutEmptyNoColor(env)) : 1;
  if (!stream.isTTY && force !== true) return 0;
  const level = depth >= 24 ? 3 : depth >= 8 ? 2 : depth >= 4 ? 1 : 0;
  return force === true ? (Math.max(1, level) as ColorLevel) : level;
}

function withoutEmptyNoColor(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NO_COLOR !== '') return env;
  const copy = { ...env };
  delete copy.NO_COLOR;
  return copy;
}
