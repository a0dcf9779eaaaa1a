// The universes: the S&P 500 as it was (about 500 members every day, known changes on their days) and the bundled 30.
import { describe, expect, it } from 'vitest';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { UniverseHistory } from '../../src/market/universe-history.js';
import { bundledUniverse, sp500Universe } from '../../src/market/universe.js';

const store = new MarketStore();
const sp500 = sp500Universe(store.bundledDir);

describe('the S&P 500 universe', () => {
  it('has between 490 and 510 members on every trading day of the bundled span', () => {
    const days = store
      .barRows('SPY')
      .slice()
      .map((b) => b.date);
    expect(days[0]).toBe('2005-10-10');
    const counts = days.map((d) => sp500.members(d).length);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(490);
    expect(Math.max(...counts)).toBeLessThanOrEqual(510);
    for (const day of ['2005-01-03', '2025-12-31']) expect(sp500.members(day).length).toBeGreaterThanOrEqual(490);
  });

  // Dates as the source has them; the additions of TSLA, SMCI and PLTR are those S&P Dow Jones Indices announced
  // (effective before the open of the day given), GOOGL's the first trading day after its 2006-03-31 inclusion.
  const changes: [symbol: string, lastDayOut: string, firstDayIn: string][] = [
    ['GOOGL', '2006-03-31', '2006-04-03'],
    ['TSLA', '2020-12-18', '2020-12-21'],
    ['META', '2013-12-20', '2013-12-23'],
    ['SMCI', '2024-03-15', '2024-03-18'],
    ['PLTR', '2024-09-20', '2024-09-23'],
  ];
  for (const [symbol, before, on] of changes) {
    it(`adds ${symbol} on ${on}`, () => {
      expect(sp500.isMember(symbol, before)).toBe(false);
      expect(sp500.members(on)).toContain(symbol);
    });
  }
  const removals: [symbol: string, lastDayIn: string, firstDayOut: string][] = [
    ['BSC', '2008-05-30', '2008-06-02'],
    ['LEHMQ', '2008-09-16', '2008-09-17'],
    ['WAMUQ', '2008-09-29', '2008-09-30'],
    ['RTN', '2020-04-03', '2020-04-06'],
  ];
  for (const [symbol, during, after] of removals) {
    it(`removes ${symbol} on ${after}`, () => {
      expect(sp500.members(during)).toContain(symbol);
      expect(sp500.isMember(symbol, after)).toBe(false);
    });
  }

  it('files a company that changed ticker under the ticker its prices have today', () => {
    expect(sp500.memberships().filter((m) => m.symbol === 'FB')).toEqual([]);
    expect(sp500.memberships().filter((m) => m.symbol === 'META')).toEqual([{ symbol: 'META', start: '2013-12-23', end: undefined }]);
    expect(sp500.isMember('RTX', '2010-06-01')).toBe(true);
  });

  it('ends with the members of the current list, the dotted class shares in file form', () => {
    const members = sp500.members('2025-10-08');
    expect(members).toHaveLength(503);
    expect(members).toEqual(expect.arrayContaining(['AAPL', 'BRK-B', 'BF-B', 'APP', 'HOOD']));
  });

  it('refuses a date that is not YYYY-MM-DD', () => {
    expect(() => sp500.members('2020-1-1')).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
});

describe('the bundled universe', () => {
  it('holds the bundled symbols on every day', () => {
    const bundled = bundledUniverse(store);
    expect(bundled.members('2006-01-03')).toEqual(store.symbols());
    expect(bundled.members('2006-01-03')).toHaveLength(30);
    expect(bundled.isMember('META', '2006-01-03')).toBe(true);
  });
});

describe('UniverseHistory', () => {
  const history = new UniverseHistory(store);

  it('serves the bundled symbols from the store and the other members from the packed file', () => {
    expect(history.barRows('AAPL')).toBe(store.barRows('AAPL'));
    const low = history.barRows('LOW');
    expect(low.at(0)!.date).toBe('2005-10-10');
    expect(low.at(-1)!.date).toBe('2025-10-08');
    expect(history.symbols().length).toBeGreaterThanOrEqual(500);
    expect(history.has('low')).toBe(true);
  });

  it('has no prices for members that left the market, and says so', () => {
    expect(history.has('LEHMQ')).toBe(false);
    expect(() => history.barRows('LEHMQ')).toThrow(expect.objectContaining({ code: 'UNKNOWN_SYMBOL' }));
  });

  it('gives a snapshot of a packed symbol with the benchmark beside it', () => {
    const s = snapshotAt(history, 'LOW', '2008-09-15T21:00:00.000Z');
    expect(s.bars.at(-1)!.date).toBe('2008-09-15');
    expect(s.bars).toHaveLength(300);
    expect(s.benchmark.at(-1)!.date).toBe('2008-09-15');
  });
});
