// A data folder in which trends persist for a year or more, so the trend and momentum agents' records show information and the consensus makes calls.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder's symbols: SYN00 ends in a rising regime, SYN03 in a falling one. */
export const TRENDING = Array.from({ length: 10 }, (_, k) => `SYN${String(k).padStart(2, '0')}`);

/**
 * Writes TRENDING as SYMBOL.csv files to `dir` (default: a new temporary folder) and returns the folder. Each symbol alternates rising
 * and falling regimes of 380 + 40k weekdays (a drift of ±0.2% a day under 0.8% daily noise), from 2008-01-02 to
 * 2025-09-30, with its own phase. The noise comes from a fixed-seed generator, so the data is the same on every
 * run. Added to the bundled history, these symbols make the technical and momentum agents informative (z above
 * 3): price above its 10-month average is then usually followed by a rise.
 */
export function writeTrendingData(dir = mkdtempSync(join(tmpdir(), 'signals-trending-'))): string {
  let seed = 12345;
  const uniform = () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(uniform() + 1e-12)) * Math.cos(2 * Math.PI * uniform());
  const days: string[] = [];
  for (let t = Date.UTC(2008, 0, 2); t <= Date.UTC(2025, 8, 30); t += 86_400_000) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(t).toISOString().slice(0, 10));
  }
  TRENDING.forEach((symbol, k) => {
    const rows = ['Date,Open,High,Low,Close,Volume'];
    let price = 50;
    const period = 380 + 40 * k;
    days.forEach((day, i) => {
      const rising = Math.floor((i + 97 * k) / period) % 2 === 0;
      const open = price * Math.exp(0.002 * gauss());
      const close = open * Math.exp((rising ? 0.002 : -0.002) + 0.008 * gauss());
      const high = Math.max(open, close) * 1.003;
      const low = Math.min(open, close) * 0.997;
      rows.push(`${day},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},1000000`);
      price = close;
    });
    writeFileSync(join(dir, `${symbol}.csv`), `${rows.join('\n')}\n`);
  });
  return dir;
}
