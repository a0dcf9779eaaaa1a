// The HistorySource of the S&P 500 universe: the bundled store's data, and the packed bars of the members it lacks.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SignalsError } from '../protocol/errors.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { HistorySource } from './history.js';
import { BAR_WINDOW } from './snapshot.js';
import { ColumnRows, openPackedBars, type PackedBars } from './packed-bars.js';
import type { MarketStore, SymbolRange } from './store.js';
import type { Bar, Headline, MacroSeries, Observation, Rows } from './types.js';

export const SP500_BARS_FILE = 'universe/sp500-daily.bin';

/** The packed files a store's universe reads, first first: the data folder's (`signals data` writes it), then the bundled one. */
export function packedFiles(store: MarketStore): string[] {
  const own = store.dataDir === undefined ? undefined : join(store.dataDir, SP500_BARS_FILE);
  return [...(own !== undefined && existsSync(own) ? [own] : []), join(store.bundledDir, SP500_BARS_FILE)];
}

/**
 * Bars of every symbol the store has (bundled CSVs, a user's data folder) and, for the others, of the packed files
 * (the data folder's universe/sp500-daily.bin, then data/universe/sp500-daily.bin); macro series and headlines from
 * the store. A packed file's header is read on the first question that needs it (a few milliseconds) and each
 * symbol's bars read and decoded when first asked for (about 1 ms; the last BAR_WINDOW of them a tenth of that).
 * @example new UniverseHistory(new MarketStore()).barRows('LOW')
 */
export class UniverseHistory implements HistorySource {
  /** Calibration stays fitted on the bundled history, as for the store itself. */
  readonly calibrationSource: HistorySource;
  private packed: PackedBars[] | undefined;
  private readonly rows = new Map<string, Rows<Bar>>();
  private all: string[] | undefined;
  private known: Set<string> | undefined;

  /**
   * `until`: for analyses as of one day's close (`signals rank`), a packed symbol's bars end on that day and only the
   * last BAR_WINDOW of them are built: all such an analysis sees, for a fraction of the cost of the whole history.
   */
  constructor(
    private readonly store: MarketStore,
    private readonly files = packedFiles(store),
    private readonly until?: string,
  ) {
    this.calibrationSource = store;
  }

  /** The packed files (their headers read once, each symbol's bars when first asked for), first first. */
  bars(): PackedBars[] {
    this.packed ??= this.files.map(openPackedBars);
    return this.packed;
  }

  symbols(): string[] {
    this.all ??= [...new Set([...this.store.symbols(), ...this.bars().flatMap((p) => p.symbols)])].sort();
    return this.all;
  }

  has(symbol: string): boolean {
    this.known ??= new Set(this.symbols());
    return this.known.has(normaliseSymbol(symbol));
  }

  barRows(symbol: string): Rows<Bar> {
    const s = normaliseSymbol(symbol);
    if (this.store.has(s)) return this.store.barRows(s);
    let rows = this.rows.get(s);
    if (!rows) {
      const packed = this.bars().find((p) => p.span(s));
      if (!packed) throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s}; \`signals symbols --universe sp500\` lists them`);
      const columns = this.until === undefined ? packed.columns(s) : packed.tail(s, this.until, BAR_WINDOW);
      this.rows.set(s, (rows = new ColumnRows(columns!, packed.dates)));
    }
    return rows;
  }

  /** A symbol's range of bars, as `MarketStore.range` gives it: a packed symbol's source is where its file is. */
  range(symbol: string): SymbolRange {
    const s = normaliseSymbol(symbol);
    if (this.store.has(s)) return this.store.range(s);
    const packed = this.bars();
    for (const [i, p] of packed.entries()) {
      const span = p.span(s);
      if (span) return { symbol: s, ...span, source: this.files[i] === join(this.store.bundledDir, SP500_BARS_FILE) ? 'bundled' : 'data-dir' };
    }
    throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s}; \`signals symbols --universe sp500\` lists them`);
  }

  macro(series: MacroSeries): Rows<Observation> {
    return this.store.macro(series);
  }

  published(series: MacroSeries, date: string): string {
    return this.store.published(series, date);
  }

  headlines(symbol: string): Rows<Headline> {
    return this.store.headlines(symbol);
  }
}
