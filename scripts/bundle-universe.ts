// Rebuilds data/universe/ (the S&P 500's point-in-time membership and its members' packed bars) from two public repositories; maintainers only.
//
// Reads from local git mirrors (bare repositories, e.g. the ones under /work/.mirror), never from the network:
//   node dist/scripts/bundle-universe.js <trading-ai git dir> <fja05680/sp500 git dir> [data dir]
// - prices: CarlosGBerreteaga/trading-ai `data/<TICKER>.csv` at PRICES_COMMIT (yfinance, auto_adjust=True), every
//   symbol but those bundled in data/daily, which stay the CSVs they are;
// - membership: fja05680/sp500 `sp500_ticker_start_end.csv` (intervals from its historical components file) and,
//   for the days after its last change, `sp500_changes_since_2019.csv`, at MEMBERS_COMMIT; companies that changed
//   ticker filed under today's ticker (RENAMES).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { packBars } from '../src/market/packed-bars.js';
import { normaliseSymbol } from '../src/protocol/symbol.js';
import type { Bar } from '../src/market/types.js';

const PRICES_COMMIT = '5d39eb6b3099be9a38ece580489a912c436a555e';
const MEMBERS_COMMIT = '58490ec8ea42827b6df808ff1e68dff51144f09f';

const [pricesRepo, membersRepo, target = 'data'] = process.argv.slice(2);
if (!pricesRepo || !membersRepo) {
  console.error('usage: bundle-universe <trading-ai git dir> <fja05680/sp500 git dir> [data dir]');
  process.exit(2);
}
const show = (repo: string, commit: string, path: string) =>
  execFileSync('git', ['--git-dir', repo, 'show', `${commit}:${path}`], { maxBuffer: 1 << 26, encoding: 'utf8' });
const rows = (text: string) => parse<Record<string, string>>(text, { columns: true, skip_empty_lines: true });

// Membership: intervals [start, end) by symbol, end empty while a member.
interface Interval {
  symbol: string;
  start: string;
  end: string;
}
const intervals: Interval[] = rows(show(membersRepo, MEMBERS_COMMIT, 'sp500_ticker_start_end.csv')).map((r) => ({
  symbol: normaliseSymbol(r.ticker!),
  start: r.start_date!,
  end: r.end_date ?? '',
}));
// The intervals file was made from the components file of an earlier day; the changes file goes on from there.
const lastChange = intervals.reduce((m, i) => (i.start > m ? i.start : i.end > m ? i.end : m), '');
for (const change of rows(show(membersRepo, MEMBERS_COMMIT, 'sp500_changes_since_2019.csv'))) {
  if (change.date! <= lastChange) continue;
  for (const removed of change.remove!.split(',').filter(Boolean)) {
    const open = intervals.find((i) => i.symbol === normaliseSymbol(removed) && i.end === '');
    if (!open) throw new Error(`${change.date}: ${removed} is removed but is not a member`);
    open.end = change.date!;
  }
  for (const added of change.add!.split(',').filter(Boolean)) intervals.push({ symbol: normaliseSymbol(added), start: change.date!, end: '' });
}

/**
 * Companies that changed ticker (the same company, so the same prices): their stretches of membership before the
 * change are filed under today's ticker, whose price history covers them (checked against the prices below, by
 * first bar and, for DOC, by price level: Healthpeak's, not Physicians Realty's). Companies that merged into another
 * are not here: the survivor's prices are not theirs.
 */
const RENAMES: [from: string, to: string, on: string][] = [
  ['FB', 'META', '2022-06-09'],
  ['ANTM', 'ELV', '2022-06-28'],
  ['ABC', 'COR', '2023-08-30'],
  ['PKI', 'RVTY', '2023-05-16'],
  ['BLL', 'BALL', '2022-05-10'],
  ['FISV', 'FI', '2023-06-07'],
  ['SYMC', 'GEN', '2019-11-05'],
  ['NLOK', 'GEN', '2022-11-08'],
  ['UTX', 'RTX', '2020-04-03'],
  ['BBT', 'TFC', '2019-12-09'],
  ['BHGE', 'BKR', '2019-10-18'],
  ['WLTW', 'WTW', '2022-01-20'],
  ['COG', 'CTRA', '2021-10-04'],
  ['FLT', 'CPAY', '2024-03-25'],
  ['HCP', 'DOC', '2019-11-05'],
  ['PEAK', 'DOC', '2024-03-04'],
  ['DISCA', 'WBD', '2022-04-11'],
  ['TMK', 'GL', '2019-08-08'],
  ['RE', 'EG', '2023-06-10'],
  ['ARNC', 'HWM', '2020-04-06'],
  ['JEC', 'J', '2019-12-10'],
  ['HRS', 'LHX', '2019-07-01'],
  ['DWDP', 'DD', '2019-06-03'],
];
for (const [from, to, on] of RENAMES) {
  const renamed = intervals.filter((i) => i.symbol === from && i.start < on);
  if (renamed.length === 0) throw new Error(`no membership of ${from} before ${on} to file under ${to}`);
  for (const i of renamed) i.symbol = to;
}
// A stretch under the old ticker that ends the day one under the new begins is one stretch.
intervals.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.start < b.start ? -1 : 1));
for (let k = intervals.length - 1; k > 0; k--) {
  const [prev, cur] = [intervals[k - 1]!, intervals[k]!];
  if (prev.symbol !== cur.symbol) continue;
  if (prev.end === '' || prev.end > cur.start) throw new Error(`${cur.symbol}: stretches overlap at ${cur.start}`);
  if (prev.end === cur.start) {
    prev.end = cur.end;
    intervals.splice(k, 1);
  }
}
mkdirSync(join(target, 'universe'), { recursive: true });
const membersCsv = 'symbol,start,end\n' + intervals.map((i) => `${i.symbol},${i.start},${i.end}`).join('\n') + '\n';
writeFileSync(join(target, 'universe', 'sp500-members.csv.gz'), gzipSync(membersCsv, { level: 9 }));

// Prices: every symbol of the snapshot that data/daily does not already hold.
const bundled = new Set(readdirSync(join(target, 'daily')).map((f) => f.replace(/\.csv\.gz$/, '')));
const files = execFileSync('git', ['--git-dir', pricesRepo, 'ls-tree', '--name-only', PRICES_COMMIT, 'data/'], { encoding: 'utf8' })
  .split('\n')
  .filter((p) => /^data\/[A-Z0-9.-]+\.csv$/.test(p));
/**
 * The rows of a price file. A few rows of the source have a high below the open or close, or a low above them (Yahoo's
 * adjustment rounds each price apart); the high and low are widened to bound them, and each such row is counted.
 * Rows without a positive price are dropped and counted.
 */
function readPrices(text: string, path: string): { bars: Bar[]; widened: number; dropped: number } {
  const [header, ...lines] = text.trim().split('\n');
  if (header !== 'Date,Open,High,Low,Close,Volume') throw new Error(`${path}: unexpected header ${header}`);
  const bars: Bar[] = [];
  let widened = 0;
  let dropped = 0;
  for (const line of lines) {
    const [date, ...fields] = line.split(',');
    const [open, high, low, close, volume] = fields.map(Number) as [number, number, number, number, number];
    if (!(open > 0 && high > 0 && low > 0 && close > 0 && volume >= 0)) {
      dropped++;
      continue;
    }
    if (bars.length > 0 && bars.at(-1)!.date >= date!) throw new Error(`${path}: dates must increase at ${date}`);
    const bar = { date: date!, open, high: Math.max(high, open, close), low: Math.min(low, open, close), close, volume };
    if (bar.high !== high || bar.low !== low) widened++;
    bars.push(bar);
  }
  return { bars, widened, dropped };
}

const series: { symbol: string; bars: Bar[] }[] = [];
const repairs: string[] = [];
let widenedRows = 0;
let droppedRows = 0;
for (const path of files) {
  const symbol = normaliseSymbol(path.slice(5, -4));
  if (bundled.has(symbol)) continue;
  const { bars, widened, dropped } = readPrices(show(pricesRepo, PRICES_COMMIT, path), path);
  if (widened + dropped > 0) repairs.push(`${symbol} ${widened}/${dropped}`);
  widenedRows += widened;
  droppedRows += dropped;
  if (bars.length > 0) series.push({ symbol, bars });
}
console.log(`rows widened/dropped: ${repairs.join(', ') || 'none'}`);
console.log(`${widenedRows} rows widened and ${droppedRows} dropped, in ${repairs.length} symbols`);
series.sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
const packed = packBars(series);
writeFileSync(join(target, 'universe', 'sp500-daily.bin'), packed);
console.log(
  `${intervals.length} membership intervals of ${new Set(intervals.map((i) => i.symbol)).size} symbols; ` +
    `${series.length} symbols' bars packed in ${packed.length} bytes (${bundled.size} more in daily/)`,
);
