// Parses the data files: daily OHLCV CSV (the bundled format and the common download format), macro series, headlines.
import { SignalsError } from '../protocol/errors.js';
import { endOfDay } from './publication.js';
import type { Bar, Headline, Observation } from './types.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;

/** One record of a CSV text: its fields and the line it starts on (1-based). */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * The records of a CSV text by RFC 4180, as spreadsheets and download pages write it: fields split on commas; a field in
 * double quotes may hold commas, line breaks and doubled quotes (`""`); lines end in LF, CRLF or CR; a leading
 * byte-order mark is dropped and blank lines are skipped. A quote inside an unquoted field is kept as it is.
 * @example csvRecords('\uFEFFa,"b, ""c"""\r\n1,2\r\n', 'X.csv') // [{ fields: ['a', 'b, "c"'], line: 1 }, { fields: ['1', '2'], line: 2 }]
 */
export function csvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const first = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        for (let from = i + 1; ;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new SignalsError('DATA_ERROR', `${file}:${first}: a quoted field is not closed`);
          value += text.slice(from, q);
          i = q + 1;
          if (text.charCodeAt(i) !== QUOTE) break;
          value += '"';
          from = i + 1;
        }
        line += value.match(/\r\n?|\n/g)?.length ?? 0;
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const code = text.charCodeAt(j);
          if (code === COMMA || code === LF || code === CR) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      if (c === CR) i += text.charCodeAt(i + 1) === LF ? 2 : 1;
      else if (c === LF) i++;
      else if (i < n) throw new SignalsError('DATA_ERROR', `${file}:${line}: text after a quoted field's closing quote`);
      line++;
      break;
    }
    if (fields.length > 1 || fields[0]!.trim() !== '') records.push({ fields, line: first });
  }
  return records;
}

/**
 * Parses `Date,Open,High,Low,Close[,Adj Close],Volume` (any order, any case, more columns ignored; see csvRecords for
 * the CSV itself). With an Adj Close column the bar is rescaled so that its close is the adjusted close.
 * @example parseDailyCsv('Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,100\n', 'X.csv')
 */
export function parseDailyCsv(text: string, file: string): Bar[] {
  const [head, ...rows] = csvRecords(text, file);
  const header = head?.fields.map((h) => h.trim().toLowerCase()) ?? [];
  const col = (name: string) => header.indexOf(name);
  const idx = {
    date: col('date'),
    open: col('open'),
    high: col('high'),
    low: col('low'),
    close: col('close'),
    adj: col('adj close'),
    volume: col('volume'),
  };
  const missing = Object.entries(idx).filter(([k, v]) => v < 0 && k !== 'adj');
  if (missing.length > 0) {
    throw new SignalsError(
      'DATA_ERROR',
      `${file}:1: header must be Date,Open,High,Low,Close[,Adj Close],Volume (missing ${missing.map(([k]) => k).join(', ')})`,
    );
  }
  const fail = (line: number, why: string): never => {
    throw new SignalsError('DATA_ERROR', `${file}:${line}: ${why}`);
  };
  // Number() accepts surrounding spaces and reads '' as 0, so only a zero needs a second look.
  const num = (f: string[], j: number, name: string, line: number) => {
    const raw = f[j] ?? '';
    const v = Number(raw);
    if (!Number.isFinite(v) || (v === 0 && raw.trim() === '')) fail(line, `bad ${name} "${raw.trim()}"`);
    return v;
  };
  const bars: Bar[] = [];
  for (const { fields: f, line } of rows) {
    const date = f[idx.date]?.trim() ?? '';
    if (!DATE.test(date)) fail(line, `bad date "${date}" (expected YYYY-MM-DD)`);
    let open = num(f, idx.open, 'Open', line);
    let high = num(f, idx.high, 'High', line);
    let low = num(f, idx.low, 'Low', line);
    let close = num(f, idx.close, 'Close', line);
    const volume = num(f, idx.volume, 'Volume', line);
    if (idx.adj >= 0) {
      const adj = num(f, idx.adj, 'Adj Close', line);
      const k = close === 0 ? 1 : adj / close;
      open *= k;
      high *= k;
      low *= k;
      close = adj;
    }
    if (close <= 0 || low <= 0) fail(line, 'prices must be positive');
    if (high < Math.max(open, close) - 1e-9 || low > Math.min(open, close) + 1e-9) fail(line, 'High/Low do not bound Open/Close');
    if (volume < 0) fail(line, 'negative volume');
    const prev = bars[bars.length - 1];
    if (prev && prev.date >= date) fail(line, `dates must increase (${date} after ${prev.date})`);
    bars.push({ date, open, high, low, close, volume });
  }
  if (bars.length === 0) throw new SignalsError('DATA_ERROR', `${file}: no rows`);
  return bars;
}

/** Parses a `date,value` macro CSV (FRED layout, or VIX's DATE,...,CLOSE); empty values are skipped. */
export function parseSeriesCsv(text: string, file: string): Observation[] {
  const lines = text.split('\n');
  const header = lines[0]!
    .trim()
    .split(',')
    .map((h) => h.toLowerCase());
  const valueCol = header.includes('close') ? header.indexOf('close') : 1;
  const out: Observation[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    // Cheap checks first: these files hold tens of thousands of rows and load on every analysis.
    let start = 0;
    for (let c = 0; c < valueCol; c++) start = line.indexOf(',', start) + 1;
    if (start === 0) continue;
    const stop = line.indexOf(',', start);
    const raw = line.slice(start, stop < 0 ? undefined : stop).trim();
    if (raw === '' || raw === '.') continue;
    const value = Number(raw);
    const date = line.slice(0, 10);
    if (line.charCodeAt(10) !== 44 || !Number.isFinite(value) || !DATE.test(date)) {
      throw new SignalsError('DATA_ERROR', `${file}:${i + 1}: bad row "${line}"`);
    }
    out.push({ date, value });
  }
  return out;
}

/** Parses headlines, one JSON object a line, ordered by publication; a bare date counts as the end of its day. */
export function parseHeadlines(text: string): Headline[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Headline)
    .map((h) => (h.published.length === 10 ? { ...h, published: endOfDay(h.published) } : h))
    .sort((a, b) => (a.published < b.published ? -1 : a.published > b.published ? 1 : 0));
}
