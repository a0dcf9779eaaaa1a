// The HistorySource of the S&P 500 universe: the bundled store's data, and the packed bars of the members it lacks.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignalsError } from '../protocol/errors.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { HistorySource } from './history.js';
import { ColumnRows, unpackBars, type PackedBars } from './packed-bars.js';
import type { MarketStore, SymbolRange } from './store.js';
import type { Bar, Headline, MacroSeries, Observation, Rows } from './types.js';

export const SP500_BARS_FILE = 'universe/sp500-daily.bin';

/**
 * Bars of every symbol the store has (bundled CSVs, a user's data folder) and, for the others, of the packed file
 * (data/universe/sp500-daily.bin); macro series and headlines from the store. The packed file is read on the first
 * question that needs it (about 0.3 s) and each symbol decoded when first asked for (about 1 ms).
 * @example new UniverseHistory(new MarketStore()).barRows('LOW')
 */
export class UniverseHistory implements HistorySource {
  /** Calibration stays fitted on the bundled history, as for the store itself. */
  readonly calibrationSource: HistorySource;
  private packed: PackedBars | undefined;
  private readonly rows = new Map<string, Rows<Bar>>();
  private all: string[] | undefined;
  private known: Set<string> | undefined;

  constructor(
    private readonly store: MarketStore,
    private readonly file = join(store.bundledDir, SP500_BARS_FILE),
  ) {
    this.calibrationSource = store;
  }

  /** The packed file's contents (dates and columns), read once. */
  bars(): PackedBars {
    if (!this.packed) {
      if (!existsSync(this.file)) throw new SignalsError('DATA_ERROR', `${this.file} not found; reinstall signals`);
      this.packed = unpackBars(readFileSync(this.file), this.file);
    }
    return this.packed;
  }

  symbols(): string[] {
    this.all ??= [...new Set([...this.store.symbols(), ...this.bars().symbols])].sort();
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
      const columns = this.bars().columns(s);
      if (!columns) throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s}; \`signals symbols --universe sp500\` lists them`);
      this.rows.set(s, (rows = new ColumnRows(columns, this.bars().dates)));
    }
    return rows;
  }

  /** A symbol's range of bars, as `MarketStore.range` gives it (a packed symbol's source is 'bundled'). */
  range(symbol: string): SymbolRange {
    const s = normaliseSymbol(symbol);
    if (this.store.has(s)) return this.store.range(s);
    const span = this.bars().span(s);
    if (!span) throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s}; \`signals symbols --universe sp500\` lists them`);
    return { symbol: s, ...span, source: 'bundled' };
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
