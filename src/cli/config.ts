// The config file: the settings a user gives every time, below flags and the environment (flags > environment > file > defaults).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { SignalsError } from '../protocol/errors.js';
import type { ConfigValue } from './config-schema.js';
import { BadValue, symbol } from './parse.js';

/** The variable that names the config file (also `--config FILE`). */
export const CONFIG_ENV = 'SIGNALS_CONFIG';

/**
 * `$XDG_CONFIG_HOME/signals/config.json`, or `~/.config/signals/config.json` when XDG_CONFIG_HOME is unset or not
 * absolute (as the XDG Base Directory spec says).
 */
export function defaultConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg && xdg.startsWith('/') ? xdg : join(homedir(), '.config'), 'signals', 'config.json');
}

/** The config file in effect: `--config`, else SIGNALS_CONFIG, else the default path (which need not exist). */
export function configPath(given: string | undefined, env: NodeJS.ProcessEnv = process.env): { path: string; explicit: boolean } {
  const path = given ?? env[CONFIG_ENV];
  return path !== undefined && path.trim() !== '' ? { path, explicit: true } : { path: defaultConfigPath(env), explicit: false };
}

/** What an option declares about the config file (see OptionSpec). */
export interface Configurable {
  env?: string;
  configKey?: string | false;
}

const camel = (text: string) => text.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * An option's key in the config file: its own `configKey`, else its environment variable without `SIGNALS_` in
 * camelCase (SIGNALS_MIN_CONFIDENCE is `minConfidence`), so a key means what its variable means in every command.
 */
export function configKey(spec: Configurable): string | undefined {
  if (spec.configKey !== undefined) return spec.configKey === false ? undefined : spec.configKey;
  return spec.env?.startsWith('SIGNALS_') ? camel(spec.env.slice('SIGNALS_'.length)) : undefined;
}

export type { ConfigValue };

/** A validated config file: its path and its values by key (none when the default file does not exist). */
export interface ConfigFile {
  path: string;
  exists: boolean;
  values: Record<string, ConfigValue>;
}

/** Every key the file may hold: those of the options of `tables`. */
export function configKeys(tables: Record<string, Configurable>[]): string[] {
  const keys = new Set<string>();
  for (const table of tables) {
    for (const spec of Object.values(table)) {
      const key = configKey(spec);
      if (key) keys.add(key);
    }
  }
  return [...keys].sort();
}

function fail(path: string, message: string): never {
  throw new SignalsError('CONFIG_INVALID', `config file ${path}: ${message}`);
}

/**
 * Reads and validates the config file: unknown keys, JSON that does not parse and values of the wrong shape are
 * CONFIG_INVALID. The schema loads only when there is a file to check.
 */
export async function readConfig(path: string, explicit: boolean, keys: string[]): Promise<ConfigFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return { path, exists: false, values: {} };
    fail(path, code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    fail(path, `is not JSON: ${(error as Error).message}`);
  }
  const result = (await import('./config-schema.js')).configSchema(keys).safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') fail(path, `unknown key "${issue.keys[0]}"; the keys are ${keys.join(', ')}`);
    if (issue.path.length === 0) fail(path, 'must hold one JSON object, e.g. {"url": "ws://host:8000/ws/signals"}');
    fail(path, `"${String(issue.path[0])}" must be text, a number, true/false, a list or an object of numbers`);
  }
  return { path, exists: true, values: result.data as Record<string, ConfigValue> };
}

/** A value from the file as the text a flag would have given: lists comma-separated, objects as key=value pairs. */
export function asText(value: Exclude<ConfigValue, boolean>): string {
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'object')
    return Object.entries(value)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  return String(value);
}

/**
 * Saves the dashboard's watchlist in the config file, keeping its other keys; written to a temporary file and
 * renamed, so a crash leaves the old file or the new one, never half of one. A file that is not a JSON object
 * is left alone (CONFIG_INVALID) rather than overwritten.
 * @example saveWatchlist(['AAPL', 'MSFT'], configPath(options.config).path)
 */
export function saveWatchlist(symbols: string[], path: string): void {
  let current: Record<string, unknown> = {};
  if (existsSync(path)) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      fail(path, `is not JSON (${(error as Error).message}); the watchlist was not saved`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) fail(path, 'is not a JSON object; the watchlist was not saved');
    current = json as Record<string, unknown>;
  }
  const watchlist = symbols.map((s) => {
    try {
      return symbol(s);
    } catch (error) {
      if (error instanceof BadValue) throw new SignalsError('BAD_ARGUMENT', error.describe('a watchlist symbol'));
      throw error;
    }
  });
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  // 0600: the file may hold tokens and secrets.
  writeFileSync(temporary, `${JSON.stringify({ ...current, watchlist }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
