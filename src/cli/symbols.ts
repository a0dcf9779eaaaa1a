// `signals symbols`: the members of a universe on a day (by default the bundled symbols), with their date ranges.
import { lastDay, MarketStore, type SymbolRange } from '../market/store.js';
import { UniverseHistory } from '../market/universe-history.js';
import { universeOf } from '../market/universe.js';
import type { SymbolsOptions } from './options.js';

/** One member: its range of bars, or none when the data holds no prices for it (a member that has since left the market). */
type Row = (SymbolRange | { symbol: string; first: null; last: null; bars: 0; source: 'none' }) & { universe: string };

export function runSymbols(options: SymbolsOptions): void {
  const store = new MarketStore({ dataDir: options.dataDir });
  const source: Pick<UniverseHistory, 'has' | 'range'> = options.universe === 'sp500' ? new UniverseHistory(store) : store;
  const universe = universeOf(options.universe, store, store.bundledDir);
  const asOf = options.asOf ?? lastDay(store);
  const rows: Row[] = universe.members(asOf).map((symbol) => {
    const range = source.has(symbol) ? source.range(symbol) : { symbol, first: null, last: null, bars: 0 as const, source: 'none' as const };
    return { ...range, universe: universe.name };
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${'SYMBOL'.padEnd(8)} ${'FIRST'.padEnd(10)} ${'LAST'.padEnd(10)} ${'BARS'.padStart(6)}  SOURCE\n`);
  for (const r of rows) {
    process.stdout.write(
      `${r.symbol.padEnd(8)} ${(r.first ?? '-').padEnd(10)} ${(r.last ?? '-').padEnd(10)} ${String(r.bars).padStart(6)}  ${r.source}\n`,
    );
  }
  const priced = rows.filter((r) => r.bars > 0).length;
  const when = universe.name === 'bundled' ? 'members every day' : `members on ${asOf}`;
  process.stdout.write(`universe ${universe.name}: ${rows.length} ${when}, ${priced} with prices\n`);
}
