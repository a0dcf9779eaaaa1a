// Loads bars, macro series and headlines from the bundled data folder (through its pre-parsed cache) and an optional user data folder.
import { existsSync, readFileSync, readdirSync, type Dirent } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzip } from './zip.js';
import { SignalsError } from '../protocol/errors.js';
import { isSymbol, normaliseSymbol } from '../protocol/symbol.js';
import { defaultCacheDir, MarketCache, parseSource, type Kind, type RowOf } from './cache.js';
import { parseDailyCsv } from './csv.js';
import { publishedAt } from './publication.js';
import type { Bar, Headline, MacroSeries, Observation, Rows } from './types.js';

/** Finds the bundled data folder from this module's location (works from src/ and from dist/src/). */
function findBundledDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'data', 'daily'))) return join(dir, 'data');
    dir = dirname(dir);
  }
  throw new SignalsError('DATA_ERROR', 'bundled data folder not found; reinstall signals');
}

const errnoCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? String(error);

/** The SYMBOL.csv files of a data folder by symbol. A name that is no symbol, or two names for one symbol, is an error. */
function listUserFiles(dir: string): Map<string, string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = errnoCode(error);
    const problem = code === 'ENOENT' ? 'does not exist' : code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${code})`;
    throw new SignalsError('DATA_ERROR', `data folder ${dir} ${problem}`);
  }
  const files = new Map<string, string>();
  for (const entry of entries) {
    if (!entry.name.toLowerCase().endsWith('.csv')) continue;
    const file = join(dir, entry.name);
    const name = entry.name.slice(0, -4);
    if (!isSymbol(name)) {
      throw new SignalsError('DATA_ERROR', `${file}: "${name}" is not a symbol (letters, digits and . - ^ =, 1 to 16 characters); rename the file`);
    }
    const symbol = normaliseSymbol(name);
    const other = files.get(symbol);
    if (other !== undefined) throw new SignalsError('DATA_ERROR', `${other} and ${file} are both ${symbol}; keep one`);
    files.set(symbol, file);
  }
  return files;
}

function readUserFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new SignalsError('DATA_ERROR', `${file}: cannot be read (${errnoCode(error)})`);
  }
}

export interface StoreOptions {
  /** A folder of SYMBOL.csv files that add to or override the bundled symbols. */
  dataDir?: string | undefined;
  bundledDir?: string;
  /** The pre-parsed cache of the bundled files (default: the one the build writes, see cache.ts); false reads the sources only. */
  cacheDir?: string | false;
}

export interface MinuteBar {
  time: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

export interface SymbolRange {
  symbol: string;
  first: string;
  last: string;
  bars: number;
  source: 'bundled' | 'data-dir';
}

/**
 * A read-only view over all market data; user files are read and checked at once, bundled ones lazily,
 * all kept once read. A bundled file comes from the build's cache when that was made from the same
 * bytes, so an analysis builds only the rows its snapshot holds; a user file is always parsed.
 */
export class MarketStore {
  readonly bundledDir: string;
  readonly dataDir: string | undefined;
  private readonly cache: MarketCache | undefined;
  private readonly userFiles: Map<string, string>;
  private readonly barCache = new Map<string, Rows<Bar>>();
  private readonly macroCache = new Map<MacroSeries, Rows<Observation>>();
  private readonly newsCache = new Map<string, Rows<Headline>>();
  private readonly minuteCache = new Map<string, Map<string, MinuteBar[]>>();
  private bundledSymbols: string[] | undefined;
  /** The bundled news files, listed once: a cross-section asks for 500 symbols' headlines, most of them none. */
  private newsFiles: Set<string> | undefined;
  private known: Set<string> | undefined;

  constructor(options: StoreOptions = {}) {
    this.bundledDir = options.bundledDir ?? findBundledDir();
    this.dataDir = options.dataDir;
    const cacheDir = options.cacheDir ?? defaultCacheDir(this.bundledDir);
    this.cache = cacheDir === false ? undefined : new MarketCache(cacheDir);
    this.userFiles = this.dataDir === undefined ? new Map<string, string>() : listUserFiles(this.dataDir);
    // A malformed file fails here, naming file and line, rather than later inside a running server
    // (a replay timer or an analysis) when its symbol is first used.
    for (const symbol of this.userFiles.keys()) this.bars(symbol);
  }

  /** Every symbol that can be analysed, sorted. */
  symbols(): string[] {
    this.bundledSymbols ??= readdirSync(join(this.bundledDir, 'daily'))
      .filter((f) => f.endsWith('.csv.gz'))
      .map((f) => f.slice(0, -7));
    return [...new Set([...this.bundledSymbols, ...this.userFiles.keys()])].sort();
  }

  /** The symbols the user's data folder adds or overrides, sorted; known without reading any file. */
  ownSymbols(): string[] {
    return [...this.userFiles.keys()].sort();
  }

  /** Whether a symbol can be analysed; answered from memory (the server asks on every request). */
  has(symbol: string): boolean {
    this.known ??= new Set(this.symbols());
    return this.known.has(normaliseSymbol(symbol));
  }

  /** Daily bars of a symbol, oldest first, built as they are read. Throws UNKNOWN_SYMBOL or DATA_ERROR. */
  barRows(symbol: string): Rows<Bar> {
    const s = normaliseSymbol(symbol);
    const cached = this.barCache.get(s);
    if (cached) return cached;
    const userFile = this.userFiles.get(s);
    let bars: Rows<Bar>;
    if (userFile !== undefined) {
      bars = parseDailyCsv(readUserFile(userFile), userFile);
    } else {
      const name = `daily/${s}.csv.gz`;
      if (!existsSync(join(this.bundledDir, name))) {
        throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s}; \`signals symbols\` lists them`);
      }
      bars = this.bundled('bars', name);
    }
    this.barCache.set(s, bars);
    return bars;
  }

  /** Every daily bar of a symbol, oldest first. Throws UNKNOWN_SYMBOL or DATA_ERROR. */
  bars(symbol: string): Bar[] {
    const rows = this.barRows(symbol);
    if (Array.isArray(rows)) return rows as Bar[];
    const bars = rows.slice();
    this.barCache.set(normaliseSymbol(symbol), bars);
    return bars;
  }

  range(symbol: string): SymbolRange {
    const s = normaliseSymbol(symbol);
    const bars = this.barRows(s);
    return {
      symbol: s,
      first: bars.at(0)!.date,
      last: bars.at(-1)!.date,
      bars: bars.length,
      source: this.userFiles.has(s) ? 'data-dir' : 'bundled',
    };
  }

  /** A macro series, oldest first, built as it is read (`published` says when each observation became public). */
  macro(series: MacroSeries): Rows<Observation> {
    let rows = this.macroCache.get(series);
    if (!rows) this.macroCache.set(series, (rows = this.bundled('series', `macro/${series}.csv.gz`)));
    return rows;
  }

  /**
   * When the observation of `series` dated `date` became public: the release calendar and schedule of publication.ts.
   * Snapshots ask the store, so a source that knows its own release times (a vintage-aware one) can answer for itself.
   */
  published(series: MacroSeries, date: string): string {
    return publishedAt(series, date);
  }

  /** Headlines about a symbol ordered by publication, built as they are read; date-only ones count as published at the end of their day. */
  headlines(symbol: string): Rows<Headline> {
    const s = normaliseSymbol(symbol);
    let rows = this.newsCache.get(s);
    if (!rows) {
      const name = `${s}.jsonl.gz`;
      const news = join(this.bundledDir, 'news');
      this.newsFiles ??= new Set(existsSync(news) ? readdirSync(news) : []);
      this.newsCache.set(s, (rows = this.newsFiles.has(name) ? this.bundled('headlines', `news/${name}`) : []));
    }
    return rows;
  }

  /** The rows of a bundled file: from the cache when it was made from the file as it is now, else parsed from it. */
  private bundled<K extends Kind>(kind: K, name: string): Rows<RowOf[K]> {
    const file = join(this.bundledDir, name);
    return this.cache?.rows(kind, name, file) ?? parseSource(kind, readFileSync(file), file);
  }

  /** Bundled minute bars of a symbol on one day (`time` is "YYYY-MM-DD HH:MM" New York), oldest first. */
  minutesOn(symbol: string, date: string): MinuteBar[] {
    const s = normaliseSymbol(symbol);
    let byDay = this.minuteCache.get(s);
    if (!byDay) {
      byDay = new Map();
      const file = join(this.bundledDir, 'intraday', `${s}.csv.gz`);
      if (existsSync(file)) {
        const lines = gunzip(readFileSync(file)).toString('utf8').trim().split('\n').slice(1);
        for (const line of lines) {
          const [time, open, high, low, close, volume] = line.split(',');
          const day = time!.slice(0, 10);
          const list = byDay.get(day) ?? [];
          list.push({ time: time!, open: +open!, high: +high!, low: +low!, close: +close!, volume: +volume! });
          byDay.set(day, list);
        }
      }
      this.minuteCache.set(s, byDay);
    }
    return byDay.get(date) ?? [];
  }
}

/** The last day any symbol of the store has a bar: the default day of `symbols` and `rank`. */
export function lastDay(store: MarketStore): string {
  return store
    .symbols()
    .map((s) => store.range(s).last)
    .reduce((a, b) => (a > b ? a : b));
}
