// The pre-parsed cache: the same snapshots as the source files, and never used when it does not match them.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultCacheDir, writeMarketCache } from '../../src/market/cache.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { MACRO_SERIES } from '../../src/market/types.js';

const { bundledDir } = new MarketStore({ cacheDir: false });
const fromCache = (dir: string, options: { dataDir?: string; bundledDir?: string } = {}) => new MarketStore({ ...options, cacheDir: dir });
const fromSource = (options: { dataDir?: string; bundledDir?: string } = {}) => new MarketStore({ ...options, cacheDir: false });

/** As-of times: before the first bar, the first weeks, crises, mid-session, the weekend, headline days, the end. */
const AS_OF = [
  '2005-10-01T21:00:00.000Z',
  '2005-11-15T21:00:00.000Z',
  '2008-09-15T21:00:00.000Z',
  '2020-03-16T21:00:00.000Z',
  '2022-01-05T21:00:00.000Z',
  '2023-06-05T14:30:00.000Z',
  '2024-03-09T12:00:00.000Z',
  '2024-11-01T21:00:00.000Z',
  '2025-10-08T21:00:00.000Z',
  '2030-01-01T00:00:00.000Z',
];
const SYMBOLS = ['AAPL', 'SPY', 'JPM', 'NVDA', 'META', 'BRK-B', 'XOM'];

let work: string;
let cacheDir: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'signals-cache-'));
  cacheDir = join(work, 'cache');
  writeMarketCache(bundledDir, cacheDir);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the market cache', () => {
  it('is what the store reads: rows are built from it, not parsed into arrays', () => {
    const store = fromCache(cacheDir);
    expect(Array.isArray(store.barRows('AAPL'))).toBe(false);
    expect(Array.isArray(store.macro('VIX'))).toBe(false);
    expect(Array.isArray(store.headlines('AAPL'))).toBe(false);
    expect(Array.isArray(fromSource().barRows('AAPL'))).toBe(true);
  });

  for (const symbol of SYMBOLS) {
    it(`${symbol}: snapshots from the cache equal snapshots from the source files`, () => {
      const cached = fromCache(cacheDir);
      const source = fromSource();
      for (const asOf of AS_OF) expect(snapshotAt(cached, symbol, asOf), asOf).toEqual(snapshotAt(source, symbol, asOf));
      const live = { date: '2024-03-05', open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 };
      expect(snapshotAt(cached, symbol, '2024-03-05T15:00:00.000Z', { live })).toEqual(
        snapshotAt(source, symbol, '2024-03-05T15:00:00.000Z', { live }),
      );
    });
  }

  it('holds every row of every bundled file as the parser reads it', () => {
    const cached = fromCache(cacheDir);
    const source = fromSource();
    for (const symbol of source.symbols()) {
      expect(cached.bars(symbol)).toEqual(source.bars(symbol));
      expect(cached.range(symbol)).toEqual(source.range(symbol));
      expect(cached.headlines(symbol).slice()).toEqual(source.headlines(symbol).slice());
    }
    for (const series of MACRO_SERIES) expect(cached.macro(series).slice()).toEqual(source.macro(series).slice());
  });

  it('reads by position as an array does, and hands out the same row objects every time', () => {
    const rows = fromCache(cacheDir).barRows('AAPL');
    const bars = fromSource().bars('AAPL');
    for (const i of [0, 1, 4000, bars.length - 1, bars.length, -1, -2, -bars.length, -bars.length - 1, 1.5])
      expect(rows.at(i), String(i)).toEqual(bars.at(i));
    for (const [a, b] of [
      [0, 3],
      [-3, undefined],
      [10, 5],
      [-5, -2],
      [bars.length - 2, bars.length + 10],
      [undefined, undefined],
    ] as const) {
      expect(rows.slice(a, b), `${a}, ${b}`).toEqual(bars.slice(a, b));
    }
    const middle = rows.slice(2000, 2010);
    expect(rows.slice(1990, 2020).slice(10, 20)).toEqual(middle);
    for (let i = 0; i < 10; i++) expect(rows.at(2000 + i)).toBe(middle[i]);
  });

  it('writes the cache the store reads by default at build time', () => {
    expect(Array.isArray(new MarketStore().barRows('AAPL')), `run the build: no cache in ${defaultCacheDir(bundledDir)}`).toBe(false);
  });
});

describe('the market cache against changed sources', () => {
  let data: string;
  let dir: string;

  beforeAll(() => {
    data = join(work, 'data');
    dir = join(work, 'own-cache');
    for (const folder of ['daily', 'macro', 'news']) cpSync(join(bundledDir, folder), join(data, folder), { recursive: true });
    writeMarketCache(data, dir);
  });

  it('a data folder override bypasses the cache for its symbols, and only for those', () => {
    const user = join(work, 'user');
    mkdirSync(user);
    // AAPL's history halved in price and cut at 2020: a snapshot from the bundled rows would differ everywhere.
    const lines = gunzipSync(readFileSync(join(data, 'daily', 'AAPL.csv.gz')))
      .toString('utf8')
      .trim()
      .split('\n');
    const halved = lines
      .slice(1)
      .filter((l) => l < '2020')
      .map((l) =>
        l
          .split(',')
          .map((v, i) => (i === 0 || i === 5 ? v : String(Number(v) / 2)))
          .join(','),
      );
    for (const symbol of ['AAPL', 'MYCO']) writeFileSync(join(user, `${symbol}.csv`), `${lines[0]}\n${halved.join('\n')}\n`);
    const cached = fromCache(dir, { bundledDir: data, dataDir: user });
    const source = fromSource({ bundledDir: data, dataDir: user });
    expect(Array.isArray(cached.barRows('AAPL'))).toBe(true);
    expect(cached.range('AAPL')).toMatchObject({ source: 'data-dir', last: '2019-12-31' });
    expect(Array.isArray(cached.barRows('SPY'))).toBe(false);
    for (const symbol of ['AAPL', 'MYCO', 'SPY']) {
      for (const asOf of ['2019-06-14T21:00:00.000Z', '2019-12-31T21:00:00.000Z', '2024-11-01T21:00:00.000Z']) {
        expect(snapshotAt(cached, symbol, asOf), `${symbol} ${asOf}`).toEqual(snapshotAt(source, symbol, asOf));
      }
    }
    expect(snapshotAt(cached, 'AAPL', '2019-06-14T21:00:00.000Z').bars).not.toEqual(
      snapshotAt(fromCache(dir, { bundledDir: data }), 'AAPL', '2019-06-14T21:00:00.000Z').bars,
    );
  });

  it('a source file changed since the build is read from the source, its cache ignored', () => {
    const file = join(data, 'daily', 'MSFT.csv.gz');
    const text = gunzipSync(readFileSync(file)).toString('utf8').trim();
    writeFileSync(file, gzipSync(`${text.slice(0, text.lastIndexOf('\n'))}\n`));
    const news = join(data, 'news', 'NVDA.jsonl.gz');
    writeFileSync(news, gzipSync(`${JSON.stringify({ published: '2025-10-06', title: 'Added after the build', source: 'test' })}\n`));
    const cached = fromCache(dir, { bundledDir: data });
    const source = fromSource({ bundledDir: data });
    expect(Array.isArray(cached.barRows('MSFT'))).toBe(true);
    expect(cached.bars('MSFT')).toEqual(source.bars('MSFT'));
    expect(cached.range('MSFT').last).toBe('2025-10-07');
    expect(cached.headlines('NVDA').slice()).toEqual([{ published: '2025-10-06T23:59:59.999Z', title: 'Added after the build', source: 'test' }]);
    expect(snapshotAt(cached, 'NVDA', '2025-10-08T21:00:00.000Z')).toEqual(snapshotAt(source, 'NVDA', '2025-10-08T21:00:00.000Z'));
    expect(Array.isArray(cached.barRows('JPM'))).toBe(false);
  });

  it('a source of several gzip members, whose trailer covers only the last, is parsed rather than cached', () => {
    const file = join(data, 'daily', 'AMZN.csv.gz');
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const half = Math.floor(lines.length / 2);
    writeFileSync(file, Buffer.concat([gzipSync(lines.slice(0, half).join('\n') + '\n'), gzipSync(lines.slice(half).join('\n'))]));
    writeMarketCache(data, dir);
    expect(() => readFileSync(join(dir, 'daily', 'AMZN.csv.gz.bin'))).toThrow(/ENOENT/);
    const cached = fromCache(dir, { bundledDir: data });
    expect(Array.isArray(cached.barRows('AMZN'))).toBe(true);
    expect(cached.bars('AMZN')).toEqual(fromSource().bars('AMZN'));
  });

  it('a cut-short, corrupt or missing cache file is ignored', () => {
    truncateSync(join(dir, 'daily', 'JPM.csv.gz.bin'), 1000);
    writeFileSync(join(dir, 'macro', 'VIX.csv.gz.bin'), 'not a cache file');
    rmSync(join(dir, 'news', 'META.jsonl.gz.bin'));
    const cached = fromCache(dir, { bundledDir: data });
    const source = fromSource({ bundledDir: data });
    expect(Array.isArray(cached.barRows('JPM'))).toBe(true);
    expect(snapshotAt(cached, 'JPM', '2024-11-01T21:00:00.000Z')).toEqual(snapshotAt(source, 'JPM', '2024-11-01T21:00:00.000Z'));
    expect(snapshotAt(cached, 'META', '2024-11-01T21:00:00.000Z')).toEqual(snapshotAt(source, 'META', '2024-11-01T21:00:00.000Z'));
  });

  it('a rebuild replaces stale files and removes those whose source is gone', () => {
    rmSync(join(data, 'daily', 'XOM.csv.gz'));
    writeMarketCache(data, dir);
    expect(() => readFileSync(join(dir, 'daily', 'XOM.csv.gz.bin'))).toThrow(/ENOENT/);
    const cached = fromCache(dir, { bundledDir: data });
    for (const symbol of ['MSFT', 'JPM']) expect(Array.isArray(cached.barRows(symbol))).toBe(false);
    expect(Array.isArray(cached.macro('VIX'))).toBe(false);
  });
});
