// `signals symbols`: what can be analysed, with date ranges.
import { MarketStore } from '../market/store.js';

export function runSymbols(options: { dataDir?: string; json?: boolean }): void {
  const store = new MarketStore({ dataDir: options.dataDir });
  const ranges = store.symbols().map((s) => store.range(s));
  if (options.json) {
    process.stdout.write(`${JSON.stringify(ranges, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${'SYMBOL'.padEnd(8)} ${'FIRST'.padEnd(10)} ${'LAST'.padEnd(10)} ${'BARS'.padStart(6)}  SOURCE\n`);
  for (const r of ranges) {
    process.stdout.write(`${r.symbol.padEnd(8)} ${r.first} ${r.last} ${String(r.bars).padStart(6)}  ${r.source}\n`);
  }
}
