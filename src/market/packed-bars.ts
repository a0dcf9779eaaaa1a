// The packed form of many symbols' daily bars: one file read in place, shared dates, prices as quantised log prices.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { SignalsError } from '../protocol/errors.js';
import type { Bar, PriceColumns, Rows } from './types.js';

/**
 * Bump when the layout changes. Layout: "SGPB", format (u8), header length (u32 LE), header JSON ({@link Header}),
 * then one block a symbol in header order, each its bars one after the other, each bar its `Header.fields` as
 * zig-zag varints. Not compressed: gzip saved 16% (26.1 against 31.0 MB, the varints being close to random in their
 * low bytes) and cost half a second to undo before a single bar could be read, where this form is read in place: a
 * day's analyses read a few kilobytes of each symbol (`tail`), found by the header's marks.
 */
const FORMAT = 2;
const MAGIC = 'SGPB';
const LEAD = 9;
/**
 * Prices are kept as round(ln(price) / QUANTUM): a relative error of at most QUANTUM / 2 (about 4.8e-7), under the
 * 1e-6 the packed form promises, in two bytes a value where a float would take eight.
 */
export const QUANTUM = 2 ** -20;
/** Every STRIDE-th bar of a symbol (the first among them) is a mark: its day and close absolute, where reading can start. */
const STRIDE = 256;
const DAY_MS = 86_400_000;

interface Header {
  format: number;
  /** Days between consecutive dates of the shared calendar, from `first`. */
  first: string;
  gaps: number[];
  stride: number;
  /**
   * Symbols in block order: the number of bars of each, its block's length in bytes, the calendar index of its last
   * bar, and for each mark (bar 0, STRIDE, 2 STRIDE, ...) where it starts in the block and its calendar index, in pairs.
   */
  symbols: { symbol: string; bars: number; bytes: number; last: number; marks: number[] }[];
  fields: string[];
}

/**
 * The fields of a bar, in the order they follow one another. `day`: calendar index (at a mark absolute, else the
 * step from the previous bar); `close`: quantised log close (at a mark absolute, else the change); `open`: open minus
 * close of the day; `high`: high minus max(open, close); `low`: min(open, close) minus low (all quantised logs);
 * `volume`: as is, rounded to a whole number of shares.
 */
const FIELDS = ['day', 'close', 'open', 'high', 'low', 'volume'] as const;

/** The packed file: the shared calendar, and each symbol's bars read and decoded into columns when first asked for. */
export interface PackedBars {
  dates: string[];
  /** Symbols in the file, sorted as they were packed. */
  symbols: string[];
  /** A symbol's bars, or undefined when the file has none of it. */
  columns(symbol: string): BarColumns | undefined;
  /**
   * Only the last `count` of a symbol's bars up to `date` (inclusive): the same values as `columns` gives for them,
   * at a fraction of the cost (read from the mark before them, not from the first bar), for an analysis on one day.
   * @example packed.tail('LOW', '2008-09-12', 300)?.close.length // 300
   */
  tail(symbol: string, date: string, count: number): BarColumns | undefined;
  /** A symbol's first and last date and number of bars, from the header alone. */
  span(symbol: string): { first: string; last: string; bars: number } | undefined;
}

/** One symbol's bars as columns (`day` indexes `PackedBars.dates`), oldest first. */
export interface BarColumns {
  day: Uint32Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

class Writer {
  private bytes = new Uint8Array(1 << 16);
  length = 0;

  /** Zig-zag varint of a safe integer. */
  int(value: number): void {
    let v = value < 0 ? -2 * value - 1 : 2 * value;
    if (this.length + 10 > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  done(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}

const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const quantise = (price: number) => Math.round(Math.log(price) / QUANTUM);

/**
 * Packs each symbol's bars (oldest first, positive prices) into one buffer.
 * `packBars([{ symbol: 'AAPL', bars }])`; `unpackBars` or `openPackedBars` reads it back.
 */
export function packBars(input: { symbol: string; bars: Bar[] }[]): Buffer {
  const calendar = [...new Set(input.flatMap((s) => s.bars.map((b) => b.date)))].sort();
  const index = new Map(calendar.map((d, i) => [d, i]));
  const blocks: Uint8Array[] = [];
  const symbols: Header['symbols'] = [];
  for (const { symbol, bars } of input) {
    const w = new Writer();
    const marks: number[] = [];
    let prevDay = 0;
    let prevClose = 0;
    for (const [i, bar] of bars.entries()) {
      if (!(bar.open > 0 && bar.high > 0 && bar.low > 0 && bar.close > 0)) throw new Error(`${symbol} ${bar.date}: a price is not positive`);
      const d = index.get(bar.date)!;
      const [o, h, l, c] = [quantise(bar.open), quantise(bar.high), quantise(bar.low), quantise(bar.close)];
      const mark = i % STRIDE === 0;
      if (mark) marks.push(w.length, d);
      w.int(mark ? d : d - prevDay);
      w.int(mark ? c : c - prevClose);
      w.int(o - c);
      w.int(h - Math.max(o, c));
      w.int(Math.min(o, c) - l);
      w.int(Math.round(bar.volume));
      prevDay = d;
      prevClose = c;
    }
    blocks.push(w.done());
    symbols.push({ symbol, bars: bars.length, bytes: w.length, last: prevDay, marks });
  }
  const header: Header = {
    format: FORMAT,
    first: calendar[0] ?? '1970-01-01',
    gaps: calendar.slice(1).map((d, i) => Math.round((dayMs(d) - dayMs(calendar[i]!)) / DAY_MS)),
    stride: STRIDE,
    symbols,
    fields: [...FIELDS],
  };
  const json = Buffer.from(JSON.stringify(header));
  const lead = Buffer.alloc(LEAD);
  lead.write(MAGIC, 0, 'latin1');
  lead.writeUInt8(FORMAT, 4);
  lead.writeUInt32LE(json.length, 5);
  return Buffer.concat([lead, json, ...blocks]);
}

/** `length` bytes of a packed file from `position` (fewer only past its end). */
type ReadAt = (position: number, length: number) => Buffer;

/** Reads what `packBars` wrote, held in memory. Throws DATA_ERROR, naming `file`, when the bytes are not such a file. */
export function unpackBars(packed: Buffer, file: string): PackedBars {
  return packedBars((position, length) => packed.subarray(position, position + length), packed.length, file);
}

/**
 * Reads the header of the packed file `file` now and each symbol's bars from the file when first asked for: a day's
 * analyses of 500 symbols read a few megabytes of its 31, not all of it. Throws DATA_ERROR when it is not such a file.
 */
export function openPackedBars(file: string): PackedBars {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    throw new SignalsError('DATA_ERROR', `${file} not found; reinstall signals`);
  }
  // One descriptor for the header and every block, so that all are read from the same file (one a rename replaced
  // is not mixed in), without opening it anew for each of 500 symbols; closed when the reader is collected.
  const read: ReadAt = (position, length) => {
    const out = Buffer.allocUnsafe(length);
    return out.subarray(0, readSync(fd, out, 0, length, position));
  };
  let packed: PackedBars;
  try {
    packed = packedBars(read, fstatSync(fd).size, file);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  descriptors.register(packed, fd);
  return packed;
}

/** Closes the file of a packed reader that is no longer used. */
const descriptors = new FinalizationRegistry<number>((fd) => closeSync(fd));

function packedBars(read: ReadAt, size: number, file: string): PackedBars {
  const lead = read(0, LEAD);
  if (lead.length < LEAD || lead.toString('latin1', 0, 4) !== MAGIC) throw new SignalsError('DATA_ERROR', `${file}: not a packed bars file`);
  if (lead.readUInt8(4) !== FORMAT) {
    throw new SignalsError(
      'DATA_ERROR',
      `${file}: a packed bars file of format ${lead.readUInt8(4)}, where this version reads format ${FORMAT}; \`signals data\` writes it anew`,
    );
  }
  const headerLength = lead.readUInt32LE(5);
  let header: Header;
  try {
    header = JSON.parse(read(LEAD, headerLength).toString('utf8')) as Header;
  } catch {
    throw new SignalsError('DATA_ERROR', `${file}: the header of a packed bars file is damaged`);
  }
  if (!Array.isArray(header.fields) || header.fields.join() !== FIELDS.join() || header.stride !== STRIDE) {
    throw new SignalsError('DATA_ERROR', `${file}: its header does not describe fields ${FIELDS.join()} marked every ${STRIDE} bars`);
  }
  const dates = calendarOf(header.first, header.gaps);

  const blocks = new Map<string, Block>();
  let start = LEAD + headerLength;
  for (const s of header.symbols) {
    blocks.set(s.symbol, { ...s, start });
    start += s.bytes;
  }
  if (start !== size) throw new SignalsError('DATA_ERROR', `${file}: holds ${size} bytes where its header says ${start}`);
  const decoded = new Map<string, BarColumns>();
  /**
   * The last `count` bars on or before calendar index `last` of bars `first` (a mark's) to `to`, read from the file
   * up to the end of mark `upTo`'s stretch, where `to` lies.
   */
  const decode = (block: Block, first: number, to: number, upTo: number, last: number, count: number): BarColumns => {
    if (block.bars === 0) return emptyColumns(0);
    const from = block.marks[(2 * first) / STRIDE]!;
    const end = 2 * upTo + 2 < block.marks.length ? block.marks[2 * upTo + 2]! : block.bytes;
    const bytes = read(block.start + from, end - from);
    return decodeBars(bytes, block, { first, to, end: Math.min((upTo + 1) * STRIDE, block.bars) }, last, count, file);
  };
  return {
    dates,
    symbols: header.symbols.map((s) => s.symbol),
    columns(symbol) {
      const block = blocks.get(symbol);
      if (!block) return undefined;
      let columns = decoded.get(symbol);
      if (!columns) decoded.set(symbol, (columns = decode(block, 0, block.bars, block.marks.length / 2 - 1, dates.length, Infinity)));
      return columns;
    },
    tail(symbol, date, count) {
      const block = blocks.get(symbol);
      if (!block) return undefined;
      // The calendar index of `date`, or of the day before it: the last a bar of the tail may fall on.
      const last = upperIndex(dates.length, (i) => dates[i]! <= date) - 1;
      const full = decoded.get(symbol);
      if (full) return sliceColumns(full, last, count);
      // The last mark on or before it: the tail ends in its stretch, and starts at most `count` bars before.
      const upTo = upperIndex(block.marks.length / 2, (m) => block.marks[2 * m + 1]! <= last) - 1;
      if (upTo < 0) return emptyColumns(0);
      // Where in the stretch the tail ends, when its bars fall on consecutive days of the calendar (a stock that
      // traded every day of it); otherwise at most its end, found by reading.
      const start = upTo * STRIDE;
      const end = Math.min(start + STRIDE, block.bars);
      const endDay = end < block.bars ? block.marks[2 * upTo + 3]! : block.last + 1;
      const markDay = block.marks[2 * upTo + 1]!;
      const consecutive = endDay - markDay === end - start;
      const to = consecutive ? Math.min(end, start + last - markDay + 1) : end;
      const first = Math.floor(Math.max(0, (consecutive ? to : start + 1) - count) / STRIDE) * STRIDE;
      return decode(block, first, to, upTo, last, count);
    },
    span(symbol) {
      const block = blocks.get(symbol);
      if (!block || block.bars === 0) return undefined;
      return { first: dates[block.marks[1]!]!, last: dates[block.last]!, bars: block.bars };
    },
  };
}

type Block = Header['symbols'][number] & { start: number };

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const pad = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * The dates `first` and after it each gap in days, counted on the calendar: a tenth of the time of formatting a
 * Date for each of the 5,000, a few milliseconds of every command that reads the file.
 * @example calendarOf('2024-02-28', [1, 1, 30]) // ['2024-02-28', '2024-02-29', '2024-03-01', '2024-03-31']
 */
export function calendarOf(first: string, gaps: readonly number[]): string[] {
  let [y, m, d] = first.split('-').map(Number) as [number, number, number];
  const out = [first];
  const length = () => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : MONTH_DAYS[m - 1]!);
  for (const gap of gaps) {
    d += gap;
    for (let n = length(); d > n; n = length()) {
      d -= n;
      if (++m > 12) [m, y] = [1, y + 1];
    }
    out.push(`${y}-${pad(m)}-${pad(d)}`);
  }
  return out;
}

/** The number of indices from 0 for which `below` holds, `below` holding for a prefix of 0 to n - 1. */
function upperIndex(n: number, below: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** exp(k * QUANTUM) for the k that open, high and low lie from the close within: a lookup, not a call to exp. */
const STEPS = 1 << 16;
let expTable: Float64Array | undefined;
function stepTable(): Float64Array {
  if (expTable === undefined) {
    expTable = new Float64Array(2 * STEPS + 1);
    for (let i = 0; i < expTable.length; i++) expTable[i] = Math.exp((i - STEPS) * QUANTUM);
  }
  return expTable;
}

function emptyColumns(n: number): BarColumns {
  const prices = new Float64Array(5 * n);
  return {
    day: new Uint32Array(n),
    open: prices.subarray(0, n),
    high: prices.subarray(n, 2 * n),
    low: prices.subarray(2 * n, 3 * n),
    close: prices.subarray(3 * n, 4 * n),
    volume: prices.subarray(4 * n, 5 * n),
  };
}

/** The last `count` of the columns' bars on or before calendar index `last` (views, not copies). */
function sliceColumns(c: BarColumns, last: number, count: number): BarColumns {
  const to = upperIndex(c.day.length, (i) => c.day[i]! <= last);
  const from = Math.max(0, to - count);
  return {
    day: c.day.subarray(from, to),
    open: c.open.subarray(from, to),
    high: c.high.subarray(from, to),
    low: c.low.subarray(from, to),
    close: c.close.subarray(from, to),
    volume: c.volume.subarray(from, to),
  };
}

/**
 * The zig-zag varints of `bytes` from byte `from` on, `count` of them, into `values` from index `at`: one tight loop
 * with no call per value, which a short-lived process runs optimised after a few symbols. Returns the byte after
 * the last, or -1 when the bytes end first.
 */
function readVarints(bytes: Uint8Array, from: number, values: Float64Array, at: number, count: number): number {
  const n = bytes.length;
  let c = from;
  for (let j = at; j < at + count; j++) {
    if (c >= n) return -1;
    let byte = bytes[c++]!;
    let v = byte & 0x7f;
    // Bit operations while the value fits in 28 bits (every price step does); multiplication beyond (large volumes).
    for (let shift = 7; byte >= 0x80; shift += 7) {
      if (c >= n) return -1;
      byte = bytes[c++]!;
      v = shift < 28 ? v | ((byte & 0x7f) << shift) : v + (byte & 0x7f) * 2 ** shift;
    }
    // `v & 1` on a value of 31 bits at most (every field but a large volume): quicker than `v % 2`, which any takes.
    values[j] = (v < 0x80000000 ? v & 1 : v % 2) === 1 ? -(v + 1) / 2 : v / 2;
  }
  return c;
}

/** A decode's values as read, and each bar's calendar index and quantised close: kept from one decode to the next. */
let raw = { values: new Float64Array(0), day: new Uint32Array(0), close: new Int32Array(0) };

/** exp(n * QUANTUM): a lookup for the steps that open, high and low lie from the close within. */
function step(steps: Float64Array, n: number): number {
  return n >= -STEPS && n <= STEPS ? steps[n + STEPS]! : Math.exp(n * QUANTUM);
}

/**
 * The last `count` of `bars` bars from bar `first` (a mark) of `bytes` (the symbol's block from that mark on) on or
 * before calendar index `last`, as columns. The bars are read as integers first, a mark's stretch at a time, and only
 * those kept get prices: the close exp of its quantised log (the steps summed exactly from the mark), the open, high
 * and low the close times a lookup of their steps from it. So a bar has the same values, to the bit, however much
 * is read around it.
 */
function decodeBars(
  bytes: Buffer,
  block: Block,
  range: { first: number; to: number; end: number },
  last: number,
  count: number,
  file: string,
): BarColumns {
  const { first, to, end } = range;
  const bars = to - first;
  const width = FIELDS.length;
  if (raw.day.length < bars) raw = { values: new Float64Array(width * bars), day: new Uint32Array(bars), close: new Int32Array(bars) };
  const { values, day, close } = raw;
  const base = block.marks[(2 * first) / STRIDE]!;
  const damaged = () => new SignalsError('DATA_ERROR', `${file}: a block does not match its header`);
  // Each mark's stretch from where the header says it starts; one read whole must end where the next starts.
  for (let mark = first; mark < to; mark += STRIDE) {
    const m = (2 * mark) / STRIDE;
    const n = Math.min(STRIDE, to - mark);
    const after = readVarints(bytes, block.marks[m]! - base, values, width * (mark - first), width * n);
    const whole = mark + STRIDE <= end ? mark + STRIDE : end;
    if (after < 0 || (mark + n === whole && after !== (m + 2 < block.marks.length ? block.marks[m + 2]! - base : bytes.length))) throw damaged();
    if (values[width * (mark - first)] !== block.marks[m + 1]) throw damaged();
  }
  let d = 0;
  let q = 0;
  let k = 0;
  for (; k < bars; k++) {
    const v = width * k;
    if ((first + k) % STRIDE === 0) {
      d = values[v]!;
      q = values[v + 1]!;
    } else {
      d += values[v]!;
      q += values[v + 1]!;
    }
    if (d > last) break;
    day[k] = d;
    close[k] = q;
  }
  const from = Math.max(0, k - count);
  const out = emptyColumns(k - from);
  const steps = stepTable();
  for (let j = from; j < k; j++) {
    const o = j - from;
    const v = width * j;
    const price = Math.exp(close[j]! * QUANTUM);
    const toOpen = values[v + 2]!;
    out.day[o] = day[j]!;
    out.close[o] = price;
    out.open[o] = price * step(steps, toOpen);
    out.high[o] = price * step(steps, Math.max(toOpen, 0) + values[v + 3]!);
    out.low[o] = price * step(steps, Math.min(toOpen, 0) - values[v + 4]!);
    out.volume[o] = values[v + 5]!;
  }
  return out;
}

/** A symbol's columns read as bars, each built when first asked for and kept. */
export class ColumnRows implements Rows<Bar> {
  readonly length: number;
  private readonly built: (Bar | undefined)[];

  constructor(
    private readonly columns: BarColumns,
    private readonly dates: string[],
  ) {
    this.length = columns.day.length;
    this.built = new Array<Bar | undefined>(this.length);
  }

  at(index: number): Bar | undefined {
    const relative = Math.trunc(index) || 0;
    const i = relative < 0 ? relative + this.length : relative;
    return i < 0 || i >= this.length ? undefined : this.bar(i);
  }

  slice(start = 0, end = this.length): Bar[] {
    const from = this.clamp(start);
    const to = this.clamp(end);
    const out: Bar[] = [];
    for (let i = from; i < to; i++) out.push(this.bar(i));
    return out;
  }

  /** Rows `from` to `to` as price columns (views), without building a bar. */
  prices(from = 0, to = this.length): PriceColumns {
    const c = this.columns;
    const date: string[] = [];
    for (let i = from; i < to; i++) date.push(this.dates[c.day[i]!]!);
    const view = (column: Float64Array) => column.subarray(from, to);
    return { date, open: view(c.open), high: view(c.high), low: view(c.low), close: view(c.close) };
  }

  private clamp(index: number): number {
    const i = Math.trunc(index) || 0;
    return i < 0 ? Math.max(this.length + i, 0) : Math.min(i, this.length);
  }

  private bar(i: number): Bar {
    const c = this.columns;
    return (this.built[i] ??= {
      date: this.dates[c.day[i]!]!,
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close: c.close[i]!,
      volume: c.volume[i]!,
    });
  }
}
