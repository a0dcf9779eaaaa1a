// Parses daily OHLCV CSV files (the bundled format and the common download format) with errors naming file and line.
import { SignalsError } from '../protocol/errors.js';
import type { Bar, Observation } from './types.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses `Date,Open,High,Low,Close[,Adj Close],Volume`. With an Adj Close column the bar is
 * rescaled so that its close is the adjusted close.
 * @example parseDailyCsv('Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,100\n', 'X.csv')
 */
export function parseDailyCsv(text: string, file: string): Bar[] {
  const lines = text.split(/\r?\n/);
  const header = lines[0]?.replace(/^\uFEFF/, '').split(',').map((h) => h.trim().toLowerCase()) ?? [];
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
  const bars: Bar[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const f = line.split(',');
    const fail = (why: string): never => {
      throw new SignalsError('DATA_ERROR', `${file}:${i + 1}: ${why}`);
    };
    const date = f[idx.date]?.trim() ?? '';
    if (!DATE.test(date)) fail(`bad date "${date}" (expected YYYY-MM-DD)`);
    const num = (j: number, name: string) => {
      const raw = f[j]?.trim() ?? '';
      const v = Number(raw);
      if (raw === '' || !Number.isFinite(v)) fail(`bad ${name} "${raw}"`);
      return v;
    };
    let open = num(idx.open, 'Open');
    let high = num(idx.high, 'High');
    let low = num(idx.low, 'Low');
    let close = num(idx.close, 'Close');
    const volume = num(idx.volume, 'Volume');
    if (idx.adj >= 0) {
      const adj = num(idx.adj, 'Adj Close');
      const k = close === 0 ? 1 : adj / close;
      open *= k;
      high *= k;
      low *= k;
      close = adj;
    }
    if (close <= 0 || low <= 0) fail('prices must be positive');
    if (high < Math.max(open, close) - 1e-9 || low > Math.min(open, close) + 1e-9) fail('High/Low do not bound Open/Close');
    if (volume < 0) fail('negative volume');
    const prev = bars[bars.length - 1];
    if (prev && prev.date >= date) fail(`dates must increase (${date} after ${prev.date})`);
    bars.push({ date, open, high, low, close, volume });
  }
  if (bars.length === 0) throw new SignalsError('DATA_ERROR', `${file}: no rows`);
  return bars;
}

/** Parses a `date,value` macro CSV (FRED layout, or VIX's DATE,...,CLOSE); empty values are skipped. */
export function parseSeriesCsv(text: string, file: string): Observation[] {
  const lines = text.split('\n');
  const header = lines[0]!.trim().split(',').map((h) => h.toLowerCase());
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
