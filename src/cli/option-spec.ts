// The typed option pipeline: each option declared once, its type inferred, every value checked before the command runs.
import { Argument, Option, type Command } from 'commander';
import { SignalsError } from '../protocol/errors.js';
import { asText, configKey, type ConfigFile } from './config.js';
import { BadValue, symbol, type Parser } from './parse.js';

/** One option: the attribute name is its key in a spec table, the flag is that name in kebab-case. */
export interface OptionSpec<T, Required extends boolean = boolean> {
  /** Placeholder of the value in help (`--port <port>`); absent for a boolean flag. */
  arg?: string;
  help: string;
  env?: string;
  /** A method, so that a table of options of different types is still one `Spec` (method parameters are bivariant). */
  parse?(raw: string, previous: T | undefined): T;
  default?: T;
  /** What --help says the default is, when the value itself would not say it well. */
  defaultHelp?: string;
  /** Listed in --help; `parse` checks them (commander's own check would name the flag for an env value). */
  choices?: readonly string[];
  /** Attribute names this option cannot be combined with (commander's `conflicts`). */
  conflicts?: string[];
  /** Also declare `--no-<flag>`: the value is true, false or, given neither, undefined. */
  negatable?: string;
  hidden?: boolean;
  /** The option's key in the config file; by default derived from `env` (see config.ts), false for none. */
  configKey?: string | false;
  /** Masked wherever the value is shown (`signals config`). */
  secret?: boolean;
  /** The value in the form the flag takes, where the parsed value reads otherwise (`signals config`): `10000,90d`, not ms. */
  format?(value: T): string;
  /** Phantom: the value type and whether a value is always there. */
  readonly type?: [T, Required];
}

/** A command's options by attribute name; `Values` recovers each one's type from its phantom. */
export type Spec = Record<string, OptionSpec<unknown>>;

type RequiredKeys<S extends Spec> = { [K in keyof S]: S[K] extends { readonly type?: [unknown, true] } ? K : never }[keyof S];
type ValueOf<O> = O extends { readonly type?: [infer T, boolean] } ? T : never;

/** The option values a command's action receives, typed from its spec table. */
export type Values<S extends Spec> = { [K in RequiredKeys<S>]: ValueOf<S[K]> } & { [K in Exclude<keyof S, RequiredKeys<S>>]?: ValueOf<S[K]> };

type Declared<T> = Omit<OptionSpec<T>, 'type'>;

/** An option with a value and a default: always set. */
export const withDefault = <T>(spec: Declared<T> & { arg: string; parse: Parser<T>; default: T }) => spec as OptionSpec<T, true>;
/** An option with a value and no default: undefined unless given. */
export const optional = <T>(spec: Declared<T> & { arg: string; parse: Parser<T> }) => spec as OptionSpec<T, false>;
/** A boolean flag: true when given. */
export const flag = (spec: Omit<Declared<boolean>, 'arg' | 'parse' | 'default'>) => spec as OptionSpec<boolean, false>;

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** A parse error held as the option's value until the pipeline knows where the value came from. */
class Invalid {
  constructor(readonly error: BadValue) {}
}

function commanderOption(name: string, spec: Spec[string]): Option {
  const option = new Option(`--${kebab(name)}${spec.arg ? ` <${spec.arg}>` : ''}`, spec.help);
  if (spec.env) option.env(spec.env);
  if (spec.choices) option.choices(spec.choices);
  const parse = spec.parse;
  if (parse) {
    // After choices(), which installs a parser of its own.
    option.argParser((raw: string, previous: unknown) => {
      if (previous instanceof Invalid) return previous;
      try {
        return parse(raw, previous);
      } catch (error) {
        if (error instanceof BadValue) return new Invalid(error);
        throw error;
      }
    });
  }
  if (spec.default !== undefined) option.default(spec.default, spec.defaultHelp);
  if (spec.conflicts) option.conflicts(spec.conflicts);
  if (spec.hidden) option.hideHelp();
  return option;
}

/** Adds every option of `spec` to `command`. */
export function addOptions(command: Command, spec: Spec): Command {
  for (const [name, s] of Object.entries(spec)) {
    command.addOption(commanderOption(name, s));
    if (s.negatable) command.addOption(new Option(`--no-${kebab(name)}`, s.negatable));
  }
  return command;
}

/** The config file a command read, with the command's spec table, so that its values can be named and parsed. */
export interface CommandConfig {
  file: ConfigFile;
  spec: Spec;
}

/** How the pipeline names an option to the user: the variable or the config key when its value came from there. */
function nameOf(command: Command, name: string, config?: CommandConfig): string {
  const option = command.options.find((o) => o.attributeName() === name);
  const source = command.getOptionValueSource(name);
  if (source === 'env' && option?.envVar) return option.envVar;
  const key = config && configKey(config.spec[name] ?? {});
  if (source === 'config' && config && key) return `"${key}" in ${config.file.path}`;
  return `--${kebab(name)}`;
}

/** A value from the config file, parsed as its flag would be; a refused one is held as Invalid, as for a flag. */
function fromFile(value: ConfigFile['values'][string], spec: OptionSpec<unknown>): unknown {
  if (!spec.parse) return typeof value === 'boolean' ? value : new Invalid(new BadValue((who) => `${who} must be true or false`));
  if (typeof value === 'boolean') return new Invalid(new BadValue((who) => `${who} takes a value, not ${value}`));
  try {
    return spec.parse(asText(value), undefined);
  } catch (error) {
    if (error instanceof BadValue) return new Invalid(error);
    throw error;
  }
}

/** Sets from the config file every option that neither a flag nor the environment set (precedence: flag > env > file > default). */
function applyConfig(command: Command, config: CommandConfig): void {
  for (const [name, spec] of Object.entries(config.spec)) {
    const key = configKey(spec);
    const value = key === undefined ? undefined : config.file.values[key];
    const source = command.getOptionValueSource(name);
    if (value === undefined || (source !== undefined && source !== 'default')) continue;
    command.setOptionValueWithSource(name, fromFile(value, spec), 'config');
  }
}

/**
 * Options that apply only when `applies(values)` holds. Given on the command line when they do not apply, they
 * are an error; set in the environment or the config file, `fromEnv` decides: 'error', or 'ignore' for variables that one shell
 * sets for several commands (SIGNALS_DATA_DIR serves `analyze` and `serve`, and means nothing to a remote `watch`).
 */
export interface Applicability {
  options: string[];
  applies: (values: Record<string, unknown>) => boolean;
  /** The error, given the names (flags or variables) of the options that do not apply. */
  message: (names: string[]) => string;
  fromEnv: 'error' | 'ignore';
}

/** A check of a text option that needs I/O (a DNS lookup), run before the command with the option's name known. */
export type AsyncCheck = (value: string, who: string) => Promise<void>;

/**
 * Checks every option of `command` before its action runs: fills in what the config file sets, then options that
 * do not apply, then values a parser refused (named as the flag, the variable or the config key they came from),
 * then the asynchronous checks. A refused value from the config file is a CONFIG_INVALID error.
 */
export async function checkOptions(
  command: Command,
  rules: Applicability[],
  checks: Record<string, AsyncCheck> = {},
  config?: CommandConfig,
): Promise<void> {
  if (config) applyConfig(command, config);
  const values = command.opts();
  const source = (name: string) => command.getOptionValueSource(name);
  const inherited = (name: string) => source(name) === 'env' || source(name) === 'config';
  for (const rule of rules) {
    if (rule.applies(values)) continue;
    const given = command.options
      .map((o) => o.attributeName())
      .filter((name, i, all) => all.indexOf(name) === i && rule.options.includes(name))
      .filter((name) => source(name) === 'cli' || (inherited(name) && rule.fromEnv === 'error'));
    if (given.length > 0) throw new SignalsError('BAD_ARGUMENT', rule.message(given.map((name) => nameOf(command, name, config))));
    for (const name of rule.options.filter(inherited)) {
      const option = command.options.find((o) => o.attributeName() === name);
      command.setOptionValueWithSource(name, option?.defaultValue, 'default');
    }
  }
  for (const [name, value] of Object.entries(command.opts())) {
    if (!(value instanceof Invalid)) continue;
    const code = source(name) === 'config' ? 'CONFIG_INVALID' : value.error.code;
    throw new SignalsError(code, value.error.describe(nameOf(command, name, config)));
  }
  for (const [name, check] of Object.entries(checks)) {
    const value: unknown = command.getOptionValue(name);
    if (typeof value === 'string') await check(value, nameOf(command, name, config));
  }
}

/** A variadic symbols argument: each in canonical form, repeats dropped, a malformed one a BAD_ARGUMENT. */
export function symbolsArgument(name: string, description: string, required = true): Argument {
  return new Argument(required ? `<${name}...>` : `[${name}...]`, description).argParser((raw: string, previous: string[] | undefined) => {
    try {
      const s = symbol(raw);
      return previous?.includes(s) ? previous : [...(previous ?? []), s];
    } catch (error) {
      if (error instanceof BadValue) throw new SignalsError(error.code, error.describe(name));
      throw error;
    }
  });
}
