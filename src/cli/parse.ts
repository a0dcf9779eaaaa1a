// Option value parsers for commander's argParser, so that each option is declared, defaulted and checked in one place.
import { SignalsError } from '../protocol/errors.js';

const DIGITS = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * A SignalsError, not commander's InvalidArgumentError: commander would add a second line (the help hint), while
 * this passes through to main() and prints one line, `signals: ...`, with exit code 2 like every other CLI error.
 */
const bad = (message: string) => new SignalsError('BAD_ARGUMENT', message);

/**
 * A whole number written in decimal digits (not `0x4E85`, `1e3` or `-1`, which Number() would take), min to max.
 * @example wholeNumber('--port', 0, 65535)('8000') // 8000
 */
export function wholeNumber(name: string, min: number, max: number): (raw: string) => number {
  return (raw) => {
    const text = raw.trim();
    if (!DIGITS.test(text)) throw bad(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    const value = Number(text);
    if (value < min || value > max) throw bad(`${name} must be from ${min} to ${max}, got ${text}`);
    return value;
  };
}

/**
 * A number in plain decimal notation (digits, optionally a fraction), min to max.
 * @example decimal('--price-rate', 0.01, 1000)('2.5') // 2.5
 */
export function decimal(name: string, min: number, max: number): (raw: string) => number {
  return (raw) => {
    const text = raw.trim();
    const value = Number(text);
    if (!DECIMAL.test(text) || value < min || value > max) throw bad(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
}

/** A number in plain decimal notation above 0, without an upper bound. */
export function aboveZero(name: string): (raw: string) => number {
  return (raw) => {
    const text = raw.trim();
    if (!DECIMAL.test(text)) throw bad(`${name} must be a number >= 0, got "${raw}"`);
    const value = Number(text);
    if (value === 0) throw bad(`${name} must be above 0`);
    return value;
  };
}

/**
 * A value that must not be blank: commander sets an option whose environment variable is set at all, even to "",
 * and a blank secret must not pass for "no secret" (which would turn authentication off without a word).
 */
export function nonBlank(name: string, envVar: string): (raw: string) => string {
  return (raw) => {
    if (raw.trim() === '') throw bad(`${name} is blank (check ${envVar} too): give a value, or leave the option out`);
    return raw;
  };
}

/** An http(s) URL. */
export function httpUrl(name: string, envVar: string): (raw: string) => string {
  const check = nonBlank(name, envVar);
  return (raw) => {
    const url = URL.canParse(check(raw)) ? new URL(raw) : undefined;
    if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw bad(`${name} must be an http or https URL, got "${raw}"`);
    return raw;
  };
}

/**
 * Static tokens for a variadic option: each value is one token or a comma-separated list, collected in order.
 * A value with no token in it (`""`, `" "`, `","`) is an error rather than "no tokens", which would mean no authentication.
 */
export function tokenList(name: string, envVar: string): (raw: string, previous: string[] | undefined) => string[] {
  return (raw, previous) => {
    const tokens = raw.split(',').map((t) => t.trim()).filter((t) => t !== '');
    if (tokens.length === 0) throw bad(`${name} is blank (check ${envVar} too): give at least one token, or leave the option out`);
    return [...(previous ?? []), ...tokens];
  };
}
