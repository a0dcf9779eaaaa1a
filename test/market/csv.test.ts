// Daily CSV parsing: the bundled layout, Adj Close, and errors that name the file and line.
import { describe, expect, it } from 'vitest';
import { parseDailyCsv } from '../../src/market/csv.js';

const header = 'Date,Open,High,Low,Close,Volume';

describe('parseDailyCsv', () => {
  it('reads the bundled layout', () => {
    const bars = parseDailyCsv(`${header}\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10.5,12,10,11,200\n`, 'X.csv');
    expect(bars).toEqual([
      { date: '2024-01-02', open: 10, high: 11, low: 9, close: 10.5, volume: 100 },
      { date: '2024-01-03', open: 10.5, high: 12, low: 10, close: 11, volume: 200 },
    ]);
  });

  it('rescales to the adjusted close when an Adj Close column is present', () => {
    const [bar] = parseDailyCsv('Date,Open,High,Low,Close,Adj Close,Volume\r\n2024-01-02,20,22,18,20,10,5\r\n', 'X.csv');
    expect(bar).toEqual({ date: '2024-01-02', open: 10, high: 11, low: 9, close: 10, volume: 5 });
  });

  const bad: [string, string, RegExp][] = [
    ['a missing column', 'Date,Open,High,Close,Volume\n2024-01-02,1,1,1,1', /X\.csv:1: .*missing low/],
    ['a bad date', `${header}\n2024-01-02,1,1,1,1,1\n02/01/2024,1,1,1,1,1`, /X\.csv:3: bad date "02\/01\/2024"/],
    ['a non-number', `${header}\n2024-01-02,1,abc,1,1,1`, /X\.csv:2: bad High "abc"/],
    ['dates out of order', `${header}\n2024-01-03,1,1,1,1,1\n2024-01-02,1,1,1,1,1`, /X\.csv:3: dates must increase/],
    ['high under close', `${header}\n2024-01-02,1,1,0.5,2,1`, /X\.csv:2: High\/Low do not bound/],
    ['no rows', `${header}\n`, /X\.csv: no rows/],
  ];
  for (const [name, text, message] of bad) {
    it(`names the file and line for ${name}`, () => {
      expect(() => parseDailyCsv(text, 'X.csv')).toThrow(message);
    });
  }
});
