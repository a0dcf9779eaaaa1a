// Loading the S&P 500 universe's packed bars (data/universe/sp500-daily.bin) against parsing the 30 bundled CSVs.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseDailyCsv } from '../src/market/csv.js';
import { openPackedBars } from '../src/market/packed-bars.js';
import { MarketStore } from '../src/market/store.js';
import { SP500_BARS_FILE } from '../src/market/universe-history.js';
import { median } from './stats.js';

export interface UniverseLoadResult {
  symbols: number;
  rows: number;
  /** Read the file's header: what the first question about a packed symbol costs. */
  open_ms: number;
  /** open_ms and every symbol decoded into columns: the whole universe in memory. */
  load_all_ms: number;
  /** Baseline: the 30 bundled CSVs read, gunzipped and parsed (the path without the build's cache), and their rows. */
  csv_ms: number;
  csv_rows: number;
  /** Nanoseconds a row: packed (whole universe) against CSV. */
  packed_ns_per_row: number;
  csv_ns_per_row: number;
  runs: number;
}

export function benchUniverseLoad(runs: number): UniverseLoadResult {
  const dir = new MarketStore().bundledDir;
  const file = join(dir, SP500_BARS_FILE);
  const csvFiles = readdirSync(join(dir, 'daily')).map((f) => join(dir, 'daily', f));
  const open: number[] = [];
  const all: number[] = [];
  const csv: number[] = [];
  let rows = 0;
  let symbols = 0;
  let csvRows = 0;
  for (let i = 0; i < runs; i++) {
    let start = performance.now();
    const packed = openPackedBars(file);
    open.push(performance.now() - start);
    rows = 0;
    for (const s of packed.symbols) rows += packed.columns(s)!.day.length;
    all.push(performance.now() - start);
    symbols = packed.symbols.length;
    start = performance.now();
    csvRows = 0;
    for (const f of csvFiles) csvRows += parseDailyCsv(gunzipSync(readFileSync(f)).toString('utf8'), f).length;
    csv.push(performance.now() - start);
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  const [openMs, allMs, csvMs] = [median(open), median(all), median(csv)];
  return {
    symbols,
    rows,
    open_ms: round(openMs),
    load_all_ms: round(allMs),
    csv_ms: round(csvMs),
    csv_rows: csvRows,
    packed_ns_per_row: Math.round((allMs * 1e6) / rows),
    csv_ns_per_row: Math.round((csvMs * 1e6) / csvRows),
    runs,
  };
}
