// The Universe seam: which symbols a universe holds on a day; the bundled 30 of today, or the S&P 500 as it was.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzip } from './zip.js';
import { SignalsError } from '../protocol/errors.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { HistorySource } from './history.js';

import type { UniverseName } from '../protocol/universes.js';

export { UNIVERSES, type UniverseName } from '../protocol/universes.js';

/** One stretch of membership: a member from `start` (inclusive) to `end` (exclusive; undefined while a member). */
export interface Membership {
  symbol: string;
  start: string;
  end: string | undefined;
}

/**
 * Which symbols a universe holds on each day. Point in time: `members(date)` uses nothing learnt after `date`.
 * @example universe.members('2008-09-12').includes('LEH') // true for the S&P 500
 */
export interface Universe {
  readonly name: UniverseName;
  /** The members on `date` (YYYY-MM-DD), sorted. */
  members(date: string): string[];
  isMember(symbol: string, date: string): boolean;
  /** Every stretch of membership, by symbol then start (for the bundled universe: each symbol, always). */
  memberships(): Membership[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function checkDate(date: string): void {
  if (!DATE.test(date)) throw new SignalsError('BAD_ARGUMENT', `"${date}" is not a date (YYYY-MM-DD)`);
}

/** The bundled symbols (and those of a user data folder): members on every day. */
export function bundledUniverse(source: HistorySource): Universe {
  return {
    name: 'bundled',
    members: (date) => {
      checkDate(date);
      return source.symbols();
    },
    isMember: (symbol) => source.has(symbol),
    memberships: () => source.symbols().map((symbol) => ({ symbol, start: '0000-01-01', end: undefined })),
  };
}

export const SP500_MEMBERS_FILE = 'universe/sp500-members.csv.gz';

/** Reads the membership file: `symbol,start,end` lines, end empty while a member. Throws DATA_ERROR naming the line. */
export function parseMemberships(text: string, file: string): Membership[] {
  const lines = text.trim().split('\n');
  if (lines[0] !== 'symbol,start,end') throw new SignalsError('DATA_ERROR', `${file}:1: header must be symbol,start,end`);
  return lines.slice(1).map((line, i) => {
    const [symbol = '', start = '', end = ''] = line.split(',');
    if (symbol === '' || !DATE.test(start) || (end !== '' && !(DATE.test(end) && end > start))) {
      throw new SignalsError('DATA_ERROR', `${file}:${i + 2}: bad membership "${line}"`);
    }
    return { symbol: normaliseSymbol(symbol), start, end: end === '' ? undefined : end };
  });
}

/**
 * The S&P 500 as it was on each day, from the bundled membership file (see data/SOURCES.md): on a change day the
 * added symbol is a member and the removed one is not.
 */
export function sp500Universe(bundledDir: string): Universe {
  const file = join(bundledDir, SP500_MEMBERS_FILE);
  if (!existsSync(file)) throw new SignalsError('DATA_ERROR', `${file} not found; reinstall signals`);
  const all = parseMemberships(gunzip(readFileSync(file)).toString('utf8'), file);
  const bySymbol = new Map<string, Membership[]>();
  for (const m of all) bySymbol.set(m.symbol, [...(bySymbol.get(m.symbol) ?? []), m]);
  const holds = (m: Membership, date: string) => m.start <= date && (m.end === undefined || date < m.end);
  return {
    name: 'sp500',
    members: (date) => {
      checkDate(date);
      return [...new Set(all.filter((m) => holds(m, date)).map((m) => m.symbol))].sort();
    },
    isMember: (symbol, date) => (bySymbol.get(normaliseSymbol(symbol)) ?? []).some((m) => holds(m, date)),
    memberships: () => all.slice(),
  };
}

/** The universe of that name over a source (the bundled universe is the source's own symbols). */
export function universeOf(name: UniverseName, source: HistorySource, bundledDir: string): Universe {
  return name === 'sp500' ? sp500Universe(bundledDir) : bundledUniverse(source);
}
