// Option value parsers: each turns the text of a flag or an environment variable into a checked value, or throws BadValue.
import { statSync } from 'node:fs';
import { AGENT_IDS } from '../agents/index.js';
import { isCalendarDate } from '../market/snapshot.js';
import type { Retention } from '../log/signal-log.js';
import type { ErrorCode } from '../protocol/errors.js';
import { isSymbol, normaliseSymbol } from '../protocol/symbol.js';

const DIGITS = /^\d+$/;
const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * A value a parser refuses. The message is written for `who`: the flag (`--port`) when the value came from the
 * command line, the variable (`SIGNALS_PORT`) when it came from the environment, which the parser cannot know.
 */
export class BadValue extends Error {
  constructor(
    readonly describe: (who: string) => string,
    readonly code: ErrorCode = 'BAD_ARGUMENT',
  ) {
    super(describe('the value'));
  }
}

/** A parser as commander's argParser calls it: the text, and the value so far (for options given more than once). */
export type Parser<T> = (raw: string, previous: T | undefined) => T;

/**
 * A whole number written in decimal digits (not `0x4E85`, `1e3` or `-1`, which Number() would take), min to max.
 * @example wholeNumber(0, 65535)('8000') // 8000
 */
export function wholeNumber(min: number, max: number): Parser<number> {
  return (raw) => {
    const text = raw.trim();
    if (!DIGITS.test(text)) throw new BadValue((who) => `${who} must be a whole number from ${min} to ${max}, got "${raw}"`);
    const value = Number(text);
    if (value < min || value > max) throw new BadValue((who) => `${who} must be from ${min} to ${max}, got ${text}`);
    return value;
  };
}

/**
 * A number in plain decimal notation (digits, optionally a fraction), min to max.
 * @example decimal(0.01, 1000)('2.5') // 2.5
 */
export function decimal(min: number, max: number): Parser<number> {
  return (raw) => {
    const text = raw.trim();
    const value = Number(text);
    if (!DECIMAL.test(text) || value < min || value > max) throw new BadValue((who) => `${who} must be a number from ${min} to ${max}, got "${raw}"`);
    return value;
  };
}

/** A number in plain decimal notation above 0, without an upper bound. */
export function aboveZero(): Parser<number> {
  return (raw) => {
    const text = raw.trim();
    if (!DECIMAL.test(text)) throw new BadValue((who) => `${who} must be a number >= 0, got "${raw}"`);
    const value = Number(text);
    if (value === 0) throw new BadValue((who) => `${who} must be above 0`);
    return value;
  };
}

/**
 * A value that must not be blank: commander sets an option whose environment variable is set at all, even to "",
 * and a blank secret must not pass for "no secret" (which would turn authentication off without a word).
 */
export function nonBlank(): Parser<string> {
  return (raw) => {
    if (raw.trim() === '') throw new BadValue((who) => `${who} is blank: give a value, or leave it out`);
    return raw;
  };
}

/** One value only: given twice, the first would be silently dropped. */
export function once<T>(parse: Parser<T>, why: string): Parser<T> {
  return (raw, previous) => {
    if (previous !== undefined) throw new BadValue((who) => `${who} is given more than once; ${why}`);
    return parse(raw, undefined);
  };
}

/** One of a fixed list of words. */
export function oneOf<T extends string>(choices: readonly T[]): Parser<T> {
  return (raw) => {
    if (!(choices as readonly string[]).includes(raw)) throw new BadValue((who) => `${who} must be one of ${choices.join(', ')}, got "${raw}"`);
    return raw as T;
  };
}

function urlWith(protocols: string[], example: string): Parser<string> {
  const given = nonBlank();
  return (raw) => {
    given(raw, undefined);
    const url = URL.canParse(raw.trim()) ? new URL(raw.trim()) : undefined;
    if (url === undefined || !protocols.includes(url.protocol)) {
      const kinds = protocols.map((p) => `${p}//`);
      const listed = `${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`;
      throw new BadValue((who) => `${who} must be ${/^h/.test(listed) ? 'an' : 'a'} ${listed} URL such as ${example}, got "${raw}"`);
    }
    return raw.trim();
  };
}

/** An http(s) URL. */
export const httpUrl = (): Parser<string> => urlWith(['http:', 'https:'], 'http://127.0.0.1:8001/v1');

/**
 * http(s) URLs for an option given once or more (`--webhook a --webhook b`): each value one URL or a
 * comma-separated list, collected in order; the same URL twice is an error (it would be sent everything twice).
 */
export function httpUrlList(): Parser<string[]> {
  const one = httpUrl();
  return (raw, previous) => {
    const urls = [...(previous ?? [])];
    const parts = raw
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    if (parts.length === 0) throw new BadValue((who) => `${who} is blank: give a URL, or leave it out`);
    for (const part of parts) {
      const url = one(part, undefined);
      if (urls.includes(url)) throw new BadValue((who) => `${who} names ${url} twice`);
      urls.push(url);
    }
    return urls;
  };
}

/** The WebSocket URL of a signals server (ws's http:// and https:// forms too). */
export const wsUrl = (): Parser<string> => urlWith(['ws:', 'wss:', 'http:', 'https:'], 'ws://127.0.0.1:8000/ws/signals');

/** A Redis URL: redis:// or rediss:// (TLS), a password in it as usual, and a database number 0 to 15 or none. */
export function redisUrl(): Parser<string> {
  const url = urlWith(['redis:', 'rediss:'], 'redis://127.0.0.1:6379/0');
  return (raw) => {
    const checked = url(raw, undefined);
    const { pathname, hostname } = new URL(checked);
    if (hostname === '') throw new BadValue((who) => `${who} "${raw}" names no host; e.g. redis://127.0.0.1:6379/0`);
    if (!/^(\/([0-9]|1[0-5])?)?$/.test(pathname)) {
      throw new BadValue((who) => `${who}: the database is a number from 0 to 15 after the host (redis://host:6379/0), got "${pathname.slice(1)}"`);
    }
    return checked;
  };
}

/**
 * Static tokens for an option given once or more (`--token a --token b`): each value is one token or a
 * comma-separated list, collected in order. A value with no token in it (`""`, `" "`, `","`) is an error rather
 * than "no tokens", which would mean no authentication.
 */
export function tokenList(): Parser<string[]> {
  return (raw, previous) => {
    const tokens = raw
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '');
    if (tokens.length === 0) throw new BadValue((who) => `${who} is blank: give at least one token, or leave it out`);
    return [...(previous ?? []), ...tokens];
  };
}

/** A real YYYY-MM-DD day. */
export function calendarDate(): Parser<string> {
  return (raw) => {
    if (!isCalendarDate(raw)) throw new BadValue((who) => `${who} "${raw}" is not a date; use YYYY-MM-DD`);
    return raw;
  };
}

const ISO_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * A day (YYYY-MM-DD, in UTC) or an ISO 8601 time with its zone, as ms since the epoch. A day is its first moment,
 * or, as the `end` of a range, the whole day: the next day's first moment, which the range stops before.
 * @example dateOrTime('end')('2025-07-08') // Date.parse('2025-07-09')
 */
export function dateOrTime(edge: 'start' | 'end'): Parser<number> {
  return (raw) => {
    const text = raw.trim();
    if (isCalendarDate(text)) return Date.parse(text) + (edge === 'end' ? 86_400_000 : 0);
    const time = ISO_TIME.exec(text);
    const ms = time && isCalendarDate(time[1]!) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(ms))
      throw new BadValue((who) => `${who} "${raw}" is not a date or a time; use YYYY-MM-DD or an ISO time such as 2025-07-08T14:30:00Z`);
    return ms;
  };
}

/**
 * The inverse of `dateOrTime(edge)`: a day when the moment is one (for an `end`, the day before the moment), else the ISO time.
 * @example formatDateOrTime('end')(Date.parse('2025-07-09')) // '2025-07-08'
 */
export function formatDateOrTime(edge: 'start' | 'end'): (ms: number) => string {
  return (ms) => {
    if (ms % 86_400_000 !== 0) return new Date(ms).toISOString();
    return new Date(ms - (edge === 'end' ? 86_400_000 : 0)).toISOString().slice(0, 10);
  };
}

/** A symbol in canonical form (`brk.b` is `BRK-B`). */
export function symbol(raw: string): string {
  const s = normaliseSymbol(raw);
  if (!isSymbol(s))
    throw new BadValue(() =>
      s === '' ? 'a symbol is empty; give ticker symbols such as AAPL' : `"${raw}" is not a symbol: use 1 to 16 letters, digits and . - ^ =`,
    );
  return s;
}

/** A comma-separated list of symbols, in canonical form, without repeats. */
export function symbolList(): Parser<string[]> {
  return (raw) => {
    try {
      return [
        ...new Set(
          raw
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
            .map(symbol),
        ),
      ];
    } catch (error) {
      if (error instanceof BadValue) throw new BadValue((who) => `${who}: ${error.describe('')}`);
      throw error;
    }
  };
}

/**
 * Agent weights: `technical=1.5,sentiment=0.5`, each id one of the agents, each weight 0 to 100.
 * @example weights()('technical=1.5') // { technical: 1.5 }
 */
export function weights(): Parser<Record<string, number>> {
  const weight = decimal(0, 100);
  return (raw) => {
    const result: Record<string, number> = {};
    for (const pair of raw.split(',').filter((p) => p.trim() !== '')) {
      const [id, value, extra] = pair.split('=').map((s) => s.trim());
      if (!id || value === undefined || extra !== undefined) throw new BadValue((who) => `${who} takes id=weight pairs, got "${pair}"`);
      if (!AGENT_IDS.includes(id)) throw new BadValue((who) => `${who}: unknown agent "${id}"; agents are ${AGENT_IDS.join(', ')}`);
      try {
        result[id] = weight(value, undefined);
      } catch (error) {
        if (error instanceof BadValue) throw new BadValue((who) => error.describe(`${who} ${id}`));
        throw error;
      }
    }
    return result;
  };
}

/** The inverse of `weights()`. @example formatWeights({ technical: 1.5 }) // 'technical=1.5' */
export const formatWeights = (value: Record<string, number>): string =>
  Object.entries(value)
    .map(([id, weight]) => `${id}=${weight}`)
    .join(',');

/** An existing folder (a file, or nothing there, is a data error naming the option). */
export function folder(): Parser<string> {
  return (raw) => {
    const stat = statSync(raw, { throwIfNoEntry: false });
    if (stat === undefined) throw new BadValue((who) => `${who} ${raw} does not exist; give a folder of SYMBOL.csv files`, 'DATA_ERROR');
    if (!stat.isDirectory()) throw new BadValue((who) => `${who} ${raw} is a file, not a folder of SYMBOL.csv files`, 'DATA_ERROR');
    return raw;
  };
}

/**
 * Retention per symbol: a count, an age (`90d`, `12h`), or both separated by a comma; what is not
 * given keeps its default. @example retention(DEFAULT_RETENTION)('30d,5000') // { maxCount: 5000, maxAgeMs: 30 days }
 */
export function retention(defaults: Retention): Parser<Retention> {
  return (raw) => {
    const result = { ...defaults };
    for (const part of raw.split(',').map((p) => p.trim())) {
      const age = /^(\d{1,6})([dh])$/.exec(part);
      if (age) result.maxAgeMs = Number(age[1]) * (age[2] === 'd' ? 86_400_000 : 3_600_000);
      else if (DIGITS.test(part) && Number(part) >= 1 && Number(part) <= 100_000_000) result.maxCount = Number(part);
      else
        throw new BadValue((who) => `${who} takes a count of publications per symbol, an age such as 90d or 12h, or both (10000,90d); got "${raw}"`);
    }
    return result;
  };
}

/** The inverse of `retention()`: a count and an age, the age in days when it is whole days. @example formatRetention(DEFAULT_RETENTION) // '10000,90d' */
export function formatRetention(value: Retention): string {
  const hours = value.maxAgeMs / 3_600_000;
  return `${value.maxCount},${hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`}`;
}
