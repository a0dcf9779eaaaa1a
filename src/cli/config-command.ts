// `signals config`: the effective settings and where each came from (flag, environment, config file, default), secrets masked.
import type { Command } from 'commander';
import { configKey, type ConfigFile } from './config.js';
import type { Spec } from './option-spec.js';

/** One setting as `signals config` prints it. */
export interface Row {
  name: string;
  value: string;
  source: string;
}

const MASK = '********';

/** A secret URL (a webhook's path is often its key) keeps its origin, so one can still tell which it is. */
function mask(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? `${url.origin}/${MASK}` : MASK;
}

/** A value as the user would type it: the option's own `format`, a list comma-separated, a secret masked. */
function show(value: unknown, secret: boolean, format?: (value: never) => string): string {
  if (value === undefined) return '-';
  if (format && !secret && typeof value !== 'string') return format(value as never);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return secret ? mask(String(value)) : String(value);
  if (Array.isArray(value)) return value.map((v) => show(v, secret)).join(',');
  if (secret) return MASK;
  return JSON.stringify(value);
}

/**
 * The settings of every command, one per config key, each declared by the first table that names it: what
 * `signals config` without a command shows. Attribute names are the keys, so the rows are named as in the file.
 */
export function settingsSpec(tables: Spec[]): Spec {
  const spec: Spec = {};
  for (const table of tables) {
    for (const option of Object.values(table)) {
      const key = configKey(option);
      if (key !== undefined && !(key in spec)) spec[key] = { ...option, hidden: false, conflicts: undefined, negatable: undefined };
    }
  }
  return Object.fromEntries(Object.entries(spec).sort(([a], [b]) => a.localeCompare(b)));
}

/** The rows of a parsed and checked command: each option's value and its source. */
export function effectiveRows(command: Command, spec: Spec, file: ConfigFile, named: 'flag' | 'key'): Row[] {
  return Object.entries(spec)
    .filter(([name]) => name !== 'config')
    .map(([name, option]) => {
      const source = command.getOptionValueSource(name);
      const flag = command.options.find((o) => o.attributeName() === name && !o.negate)?.long ?? name;
      const where =
        source === 'cli'
          ? `flag ${flag}`
          : source === 'env'
            ? `env ${option.env}`
            : source === 'config'
              ? `file ${file.path}`
              : source === 'default'
                ? 'default'
                : 'unset';
      return { name: named === 'key' ? name : flag, value: show(command.getOptionValue(name), option.secret === true, option.format), source: where };
    });
}

/** The table `signals config` prints: the config file, then a row per setting. */
export function formatRows(rows: Row[], file: ConfigFile): string {
  const width = (pick: (r: Row) => string, head: string) => Math.max(head.length, ...rows.map((r) => pick(r).length));
  const n = width((r) => r.name, 'SETTING');
  const v = Math.min(
    60,
    width((r) => r.value, 'VALUE'),
  );
  const line = (name: string, value: string, source: string) => `${name.padEnd(n)}  ${value.padEnd(v)}  ${source}`.trimEnd();
  return [
    `config file: ${file.path}${file.exists ? '' : ' (none there)'}`,
    line('SETTING', 'VALUE', 'SOURCE'),
    ...rows.map((r) => line(r.name, r.value, r.source)),
    '',
  ].join('\n');
}
