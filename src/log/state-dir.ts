// Where the signal log lives by default: the per-user state folder of the XDG Base Directory spec.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `$XDG_STATE_HOME/signals`, or `~/.local/state/signals` when XDG_STATE_HOME is unset or not absolute (as the spec says). */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_STATE_HOME;
  return xdg && xdg.startsWith('/') ? join(xdg, 'signals') : join(homedir(), '.local', 'state', 'signals');
}
