// Decides how a command writes its output: JSON, plain text or an interactive terminal UI, and with which colours.

export type OutputMode = 'json' | 'plain' | 'interactive';

export interface OutputContext {
  json: boolean;
  isTTY: boolean;
  /** Whether we run under CI (the CI environment variable), where nothing is interactive. */
  ci: boolean;
}

/**
 * `--json` always wins; a terminal outside CI gets the interactive UI; anything else plain text.
 * @example outputMode({ json: false, isTTY: true, ci: false }) // 'interactive'
 */
export function outputMode({ json, isTTY, ci }: OutputContext): OutputMode {
  if (json) return 'json';
  return isTTY && !ci ? 'interactive' : 'plain';
}

/**
 * The chalk colour level for a stream: none unless it is a terminal, then what Node's
 * `getColorDepth` reports (which honours NO_COLOR, FORCE_COLOR and TERM).
 */
export function colorLevel(stream: { isTTY?: boolean; getColorDepth?: () => number }): 0 | 1 | 2 | 3 {
  if (!stream.isTTY || !stream.getColorDepth) return 0;
  const depth = stream.getColorDepth();
  return depth >= 24 ? 3 : depth >= 8 ? 2 : depth >= 4 ? 1 : 0;
}
