// `signals data`: builds the universe's packed bars from a provider with history (Yahoo's chart endpoint), through the provider cache.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packBars } from '../market/packed-bars.js';
import { MarketStore } from '../market/store.js';
import { SP500_BARS_FILE } from '../market/universe-history.js';
import { SP500_MEMBERS_FILE, sp500Universe } from '../market/universe.js';
import type { Bar } from '../market/types.js';
import { SignalsError } from '../protocol/errors.js';
import { DiskCache } from '../providers/disk-cache.js';
import { YahooChart } from '../providers/yahoo.js';
import type { DataOptions } from './options.js';
import { outputMode } from './output-mode.js';

/** Bars of a span that has ended do not change but for new dividends and splits; a week is fresh enough. */
const TTL_MS = 7 * 86_400_000;

/**
 * One line of progress: a bar, symbols done of all, the one being fetched.
 * @example dataProgressLine(250, 1000, 'LOW', 20) // '[#####---------------] 250/1,000 symbols  25%  LOW'
 */
export function dataProgressLine(done: number, total: number, symbol: string, width = 30): string {
  const f = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(f * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} symbols  ${Math.floor(f * 100)}%  ${symbol}`;
}

/**
 * Fetches the daily bars of every symbol that was an S&P 500 member between `from` and `to`, and writes them
 * packed, with the membership beside them, to `out`/universe/: the files `--data-dir out` then reads in place of the
 * bundled ones. A symbol the provider does not know is counted, not an error.
 */
export async function runData(options: DataOptions): Promise<void> {
  const to = options.to ?? new Date().toISOString().slice(0, 10);
  if (to < options.from) throw new SignalsError('BAD_ARGUMENT', `--to ${to} is before --from ${options.from}`);
  const store = new MarketStore();
  const universe = sp500Universe(store.bundledDir);
  const symbols = [
    ...new Set(
      universe
        .memberships()
        .filter((m) => m.start <= to && (m.end === undefined || m.end > options.from))
        .map((m) => m.symbol),
    ),
  ].sort();
  const cache = new DiskCache({
    dir: options.cacheDir,
    offline: options.offline ?? false,
    warn: (message) => process.stderr.write(`signals: ${message}\n`),
  });
  const yahoo = new YahooChart({ baseUrl: options.yahooUrl });
  const interactive = outputMode({ json: false, isTTY: process.stderr.isTTY ?? false, ci: Boolean(process.env.CI) }) === 'interactive';
  const fetched: { symbol: string; bars: Bar[] }[] = [];
  const unknown: string[] = [];
  let drawn = 0;
  try {
    for (const [i, symbol] of symbols.entries()) {
      if (interactive && performance.now() - drawn > 100) {
        drawn = performance.now();
        process.stderr.write(`\r\x1b[2K${dataProgressLine(i, symbols.length, symbol)}`);
      }
      const key = `yahoo/daily/${symbol}/${options.from}/${to}`;
      // A symbol Yahoo does not know is cached as such (null), so a second run does not ask again.
      const bars = await cache.get(key, TTL_MS, async () => {
        try {
          return await yahoo.dailyBars(symbol, options.from, to);
        } catch (error) {
          if (error instanceof SignalsError && error.code === 'UNKNOWN_SYMBOL') return null;
          throw error;
        }
      });
      if (bars && bars.length > 0) fetched.push({ symbol, bars });
      else unknown.push(symbol);
    }
  } finally {
    if (interactive) process.stderr.write('\r\x1b[2K');
  }
  const dir = join(options.out, 'universe');
  mkdirSync(dir, { recursive: true });
  const packed = packBars(fetched);
  writeFileSync(join(options.out, SP500_BARS_FILE), packed);
  copyFileSync(join(store.bundledDir, SP500_MEMBERS_FILE), join(options.out, SP500_MEMBERS_FILE));
  const missing = unknown.length === 0 ? '' : `; no prices for ${unknown.length}: ${unknown.join(' ')}`;
  process.stdout.write(
    `sp500: ${fetched.length} of ${symbols.length} members of ${options.from}..${to} fetched${missing}\n` +
      `wrote ${join(options.out, SP500_BARS_FILE)} (${packed.length} bytes); use it with --data-dir ${options.out}\n`,
  );
}
