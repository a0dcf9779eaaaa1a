// CSV parsing: RFC 4180 records (quotes, BOM, line ends), the daily bar layouts, and errors that name the file and line.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvRecords, parseDailyCsv } from '../../src/market/csv.js';
import { MarketStore } from '../../src/market/store.js';

const header = 'Date,Open,High,Low,Close,Volume';
const fields = (text: string) => csvRecords(text, 'X.csv').map((r) => r.fields);

describe('csvRecords', () => {
  it('splits unquoted fields on commas, keeping empty ones', () => {
    expect(fields('a,b,,d\n1,2,3,')).toEqual([
      ['a', 'b', '', 'd'],
      ['1', '2', '3', ''],
    ]);
  });

  it('reads quoted fields holding commas, doubled quotes and line breaks', () => {
    expect(fields('name,note\n"Apple, Inc.","say ""hi"""\n"two\nlines",""\n')).toEqual([
      ['name', 'note'],
      ['Apple, Inc.', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });

  it('drops a leading byte-order mark', () => {
    expect(fields('\uFEFFDate,Open\n2024-01-02,1')).toEqual([
      ['Date', 'Open'],
      ['2024-01-02', '1'],
    ]);
  });

  it('ends lines at LF, CRLF or CR alike and skips blank lines', () => {
    const rows = [
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ];
    expect(fields('a,b\n1,2\n\n3,4\n')).toEqual(rows);
    expect(fields('a,b\r\n1,2\r\n\r\n3,4\r\n')).toEqual(rows);
    expect(fields('a,b\r1,2\r\r3,4\r')).toEqual(rows);
    expect(fields('"a","b"\r\n"1","2"\r\n  \r\n"3","4"')).toEqual(rows);
  });

  it('numbers each record by the line it starts on, past quoted line breaks', () => {
    expect(csvRecords('h\r\n"x\r\ny\r\nz"\r\nw\r\n\r\nv', 'X.csv').map((r) => r.line)).toEqual([1, 2, 5, 7]);
  });

  it('keeps a quote inside an unquoted field as it is', () => {
    expect(fields('5" pipe,1')).toEqual([['5" pipe', '1']]);
  });

  it('names the file and line of a quote left open or of text after a closing quote', () => {
    expect(() => csvRecords('a,b\n1,"2\n3,4\n', 'X.csv')).toThrow(/^X\.csv:2: a quoted field is not closed$/);
    expect(() => csvRecords('a,b\n"x\ny"z,1\n', 'X.csv')).toThrow(/^X\.csv:3: text after a quoted field's closing quote$/);
  });
});

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

  it('reads a spreadsheet export: byte-order mark, CRLF, every field quoted, a quoted comma in a column it ignores', () => {
    const text = '\uFEFF"Date","Name","Open","High","Low","Close","Volume"\r\n"2024-01-02","Apple, Inc.","10","11","9","10.5","100"\r\n';
    expect(parseDailyCsv(text, 'X.csv')).toEqual([{ date: '2024-01-02', open: 10, high: 11, low: 9, close: 10.5, volume: 100 }]);
  });

  it('gives the store the bars of such a file in a --data-dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-csv-'));
    const rows = ['"2024-01-02","Apple, Inc.",10,11,9,10.5,100', '"2024-01-03","Apple, Inc.",10.5,12,10,11,200'];
    writeFileSync(join(dir, 'MYCO.csv'), `\uFEFF"Date","Name","Open","High","Low","Close","Volume"\r\n${rows.join('\r\n')}\r\n`);
    const store = new MarketStore({ dataDir: dir, cacheDir: false });
    expect(store.bars('MYCO').map((b) => [b.date, b.close])).toEqual([
      ['2024-01-02', 10.5],
      ['2024-01-03', 11],
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['a missing column', 'Date,Open,High,Close,Volume\n2024-01-02,1,1,1,1', /X\.csv:1: .*missing low/],
    ['a bad date', `${header}\n2024-01-02,1,1,1,1,1\n02/01/2024,1,1,1,1,1`, /X\.csv:3: bad date "02\/01\/2024"/],
    ['a non-number', `${header}\n2024-01-02,1,abc,1,1,1`, /X\.csv:2: bad High "abc"/],
    ['dates out of order', `${header}\n2024-01-03,1,1,1,1,1\n2024-01-02,1,1,1,1,1`, /X\.csv:3: dates must increase/],
    ['high under close', `${header}\n2024-01-02,1,1,0.5,2,1`, /X\.csv:2: High\/Low do not bound/],
    ['no rows', `${header}\n`, /X\.csv: no rows/],
    [
      'a row after a quoted line break',
      `Date,Note,Open,High,Low,Close,Volume\n2024-01-02,"a\nb",1,1,1,1,1\n2024-01-03,c,1,1,1,1,-1`,
      /X\.csv:4: negative volume/,
    ],
    ['a quote left open', `${header}\n2024-01-02,"1,1,1,1,1\n`, /X\.csv:2: a quoted field is not closed/],
  ];
  for (const [name, text, message] of bad) {
    it(`names the file and line for ${name}`, () => {
      expect(() => parseDailyCsv(text, 'X.csv')).toThrow(message);
    });
  }
});
