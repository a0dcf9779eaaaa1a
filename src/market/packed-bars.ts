// The packed form of many symbols' daily bars: one gzipped file, shared dates, prices as quantised log prices in columns.
import { SignalsError } from '../protocol/errors.js';
import type { Bar, PriceColumns, Rows } from './types.js';
import { gunzip, gzip } from './zip.js';

/**
 * Bump when the layout changes. Layout, all inside one gzip stream: "SGPB", format (u8), header length (u32 LE),
 * header JSON ({@link Header}), then one block a symbol in header order, each the symbol's `Header.fields` one
 * after the other, each field one zig-zag varint a bar. Gzip rather than brotli: the varints are close to random in their low
 * bytes, so brotli saves little (22.0 against 25.8 MB) and takes 2.5 times as long to decompress.
 */
const FORMAT = 1;
const MAGIC = 'SGPB';
/**
 * Prices are kept as round(ln(price) / QUANTUM): a relative error of at most QUANTUM / 2 (about 4.8e-7), under the
 * 1e-6 the packed form promises, in two bytes a value where a float would take eight.
 */
export const QUANTUM = 2 ** -20;
const DAY_MS = 86_400_000;

interface Header {
  format: number;
  /** Days between consecutive dates of the shared calendar, from `first`. */
  first: string;
  gaps: number[];
  /** Symbols in block order: the number of bars of each and the length in bytes of each field's part of its block. */
  symbols: { symbol: string; bars: number; bytes: number[] }[];
  fields: string[];
}

/**
 * The fields of a bar, in the order they follow one another in a symbol's block (a column each). `day`:
 * calendar index (the first absolute, then the step from the previous bar); `close`: quantised log close (the first
 * absolute, then the change); `open`: open minus close of the day; `high`: high minus max(open, close); `low`:
 * min(open, close) minus low (all quantised logs); `volume`: as is, rounded to a whole number of shares.
 */
const FIELDS = ['day', 'close', 'open', 'high', 'low', 'volume'] as const;

/** The decompressed file: the shared calendar, and each symbol's bars decoded into columns when first asked for. */
export interface PackedBars {
  dates: string[];
  /** Symbols in the file, sorted as they were packed. */
  symbols: string[];
  /** A symbol's bars, or undefined when the file has none of it. */
  columns(symbol: string): BarColumns | undefined;
  /**
   * Only the last `count` of a symbol's bars up to `date` (inclusive): the same values as `columns` gives for them,
   * at a fraction of the cost (the bars before are stepped over, not built), for an analysis on one day.
   * @example packed.tail('LOW', '2008-09-12', 300)?.close.length // 300
   */
  tail(symbol: string, date: string, count: number): BarColumns | undefined;
  /** A symbol's first and last date and number of bars, read from its dates alone (a listing need not decode prices). */
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

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (date: string) => Date.parse(`${date}T00:00:00Z`);
const quantise = (price: number) => Math.round(Math.log(price) / QUANTUM);

/**
 * Packs each symbol's bars (oldest first, positive prices) into one compressed buffer.
 * `packBars([{ symbol: 'AAPL', bars }])`; `unpackBars` reads it back.
 */
export function packBars(input: { symbol: string; bars: Bar[] }[]): Buffer {
  const calendar = [...new Set(input.flatMap((s) => s.bars.map((b) => b.date)))].sort();
  const index = new Map(calendar.map((d, i) => [d, i]));
  const blocks: Uint8Array[][] = [];
  for (const { symbol, bars } of input) {
    const fields = FIELDS.map(() => new Writer());
    const [day, close, open, high, low, volume] = fields as [Writer, Writer, Writer, Writer, Writer, Writer];
    let prevDay = 0;
    let prevClose = 0;
    for (const bar of bars) {
      if (!(bar.open > 0 && bar.high > 0 && bar.low > 0 && bar.close > 0)) throw new Error(`${symbol} ${bar.date}: a price is not positive`);
      const d = index.get(bar.date)!;
      const [o, h, l, c] = [quantise(bar.open), quantise(bar.high), quantise(bar.low), quantise(bar.close)];
      day.int(d - prevDay);
      close.int(c - prevClose);
      open.int(o - c);
      high.int(h - Math.max(o, c));
      low.int(Math.min(o, c) - l);
      volume.int(Math.round(bar.volume));
      prevDay = d;
      prevClose = c;
    }
    blocks.push(fields.map((w) => w.done()));
  }
  const header: Header = {
    format: FORMAT,
    first: calendar[0] ?? '1970-01-01',
    gaps: calendar.slice(1).map((d, i) => Math.round((dayMs(d) - dayMs(calendar[i]!)) / DAY_MS)),
    symbols: input.map((s, i) => ({ symbol: s.symbol, bars: s.bars.length, bytes: blocks[i]!.map((f) => f.length) })),
    fields: [...FIELDS],
  };
  const json = Buffer.from(JSON.stringify(header));
  const lead = Buffer.alloc(9);
  lead.write(MAGIC, 0, 'latin1');
  lead.writeUInt8(FORMAT, 4);
  lead.writeUInt32LE(json.length, 5);
  return gzip(Buffer.concat([lead, json, ...blocks.flat()]), { level: 9 });
}

/** Reads what `packBars` wrote. Throws DATA_ERROR, naming `file`, when the bytes are not such a file. */
export function unpackBars(packed: Buffer, file: string): PackedBars {
  let body: Buffer;
  try {
    body = gunzip(packed);
  } catch {
    throw new SignalsError('DATA_ERROR', `${file}: not a packed bars file (cannot be decompressed)`);
  }
  if (body.toString('latin1', 0, 4) !== MAGIC || body.readUInt8(4) !== FORMAT) {
    throw new SignalsError('DATA_ERROR', `${file}: not a packed bars file of format ${FORMAT}`);
  }
  const headerLength = body.readUInt32LE(5);
  const header = JSON.parse(body.toString('utf8', 9, 9 + headerLength)) as Header;
  const dates = [header.first];
  let ms = dayMs(header.first);
  for (const gap of header.gaps) dates.push(isoDay((ms += gap * DAY_MS)));

  const blocks = new Map<string, { starts: number[]; bars: number }>();
  let start = 9 + headerLength;
  for (const { symbol, bars, bytes } of header.symbols) {
    const starts = bytes.map((n) => (start += n) - n);
    blocks.set(symbol, { starts: [...starts, start], bars });
  }
  if (header.fields.join() !== FIELDS.join())
    throw new SignalsError('DATA_ERROR', `${file}: fields ${header.fields.join()} are not ${FIELDS.join()}`);
  if (start !== body.length) throw new SignalsError('DATA_ERROR', `${file}: holds ${body.length} bytes where its header says ${start}`);
  const decoded = new Map<string, BarColumns>();
  return {
    dates,
    symbols: header.symbols.map((s) => s.symbol),
    columns(symbol) {
      const block = blocks.get(symbol);
      if (!block) return undefined;
      let columns = decoded.get(symbol);
      if (!columns) decoded.set(symbol, (columns = decodeBlock(body, block.starts, block.bars, file)));
      return columns;
    },
    tail(symbol, date, count) {
      const block = blocks.get(symbol);
      if (!block) return undefined;
      const full = decoded.get(symbol);
      // Dates are sorted, so the calendar index of `date` (or of the day before it) bounds the bars to keep.
      let lo = 0;
      let hi = dates.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (dates[mid]! <= date) lo = mid + 1;
        else hi = mid;
      }
      const last = lo - 1;
      if (full) return sliceColumns(full, last, count);
      return decodeBlock(body, block.starts, block.bars, file, { last, count });
    },
    span(symbol) {
      const block = blocks.get(symbol);
      if (!block || block.bars === 0) return undefined;
      // The day field: the first day absolute, then steps, so the last day is their sum.
      let pos = block.starts[0]!;
      let day = 0;
      let first = 0;
      for (let i = 0; i < block.bars; i++) {
        let byte = body[pos++]!;
        let v = byte & 0x7f;
        for (let shift = 7; byte >= 0x80; shift += 7) v |= ((byte = body[pos++]!) & 0x7f) << shift;
        day += v % 2 === 1 ? -(v + 1) / 2 : v / 2;
        if (i === 0) first = day;
      }
      if (pos !== block.starts[1]) throw new SignalsError('DATA_ERROR', `${file}: a block does not match its header`);
      return { first: dates[first]!, last: dates[day]!, bars: block.bars };
    },
  };
}

/** exp(k * QUANTUM) for the small k that open, high and low differ by from the close: a lookup, not a call to exp. */
const STEPS = 1 << 16;
let expTable: Float64Array | undefined;
function expOf(k: number): number {
  expTable ??= Float64Array.from({ length: 2 * STEPS + 1 }, (_, i) => Math.exp((i - STEPS) * QUANTUM));
  return k >= -STEPS && k <= STEPS ? expTable[k + STEPS]! : Math.exp(k * QUANTUM);
}

/** The bars up to calendar index `last` (inclusive), only the last `count` of them. */
interface Window {
  last: number;
  count: number;
}

/** Past `count` varints from `pos`: each ends on a byte under 0x80. */
function skipVarints(body: Buffer, pos: number, count: number): number {
  let left = count;
  while (left > 0) if (body[pos++]! < 0x80) left--;
  return pos;
}

/** How many of `bars` bars, whose day field starts at `pos`, fall on or before calendar index `last`. */
function barsThrough(body: Buffer, pos: number, bars: number, last: number): number {
  let day = 0;
  for (let i = 0; i < bars; i++) {
    let byte = body[pos++]!;
    let v = byte & 0x7f;
    for (let shift = 7; byte >= 0x80; shift += 7) v |= ((byte = body[pos++]!) & 0x7f) << shift;
    day += v & 1 ? -(v + 1) / 2 : v / 2;
    if (day > last) return i;
  }
  return bars;
}

/**
 * The day and the close of bar `count - 1`, reached as `decodeBlock` reaches them (so the closes after it are the
 * same to the bit), with `at[0]` and `at[1]` moved past `count` bars. A loop of its own: this is most of a window's cost.
 */
function stepOver(body: Buffer, at: Int32Array, count: number): { day: number; price: number } {
  let day = 0;
  let pos = at[0]!;
  for (let i = 0; i < count; i++) {
    let byte = body[pos++]!;
    let v = byte & 0x7f;
    for (let shift = 7; byte >= 0x80; shift += 7) v |= ((byte = body[pos++]!) & 0x7f) << shift;
    day += v & 1 ? -(v + 1) / 2 : v / 2;
  }
  at[0] = pos;
  let price = 1;
  pos = at[1]!;
  for (let i = 0; i < count; i++) {
    let byte = body[pos++]!;
    let v = byte & 0x7f;
    for (let shift = 7; byte >= 0x80; shift += 7) {
      byte = body[pos++]!;
      v = shift < 28 ? v | ((byte & 0x7f) << shift) : v + (byte & 0x7f) * 2 ** shift;
    }
    const step = v % 2 === 1 ? -(v + 1) / 2 : v / 2;
    price = i === 0 ? Math.exp(step * QUANTUM) : price * expOf(step);
  }
  at[1] = pos;
  return { day, price };
}

/** The bars of full columns a window keeps (a copy of the values, as a decode of the window would give). */
function sliceColumns(c: BarColumns, last: number, count: number): BarColumns {
  let to = 0;
  while (to < c.day.length && c.day[to]! <= last) to++;
  const from = Math.max(0, to - count);
  return {
    day: c.day.slice(from, to),
    open: c.open.slice(from, to),
    high: c.high.slice(from, to),
    low: c.low.slice(from, to),
    close: c.close.slice(from, to),
    volume: c.volume.slice(from, to),
  };
}

/**
 * One symbol's block turned back into columns, in one pass over its fields (`starts`: where each begins, then where
 * the block ends), or only a `window` of it. Each close
 * is the previous one times exp of the step, from a table: over 5,000 bars that drifts by about 1e-12, far inside the
 * quantum, and takes a tenth of the time of calling exp for every price. A window's bars are the same values, to
 * the bit: the closes before it are multiplied along the same way, and the other fields are stepped over.
 */
function decodeBlock(body: Buffer, starts: number[], bars: number, file: string, window?: Window): BarColumns {
  const at = Int32Array.from(starts);
  const next = (field: number): number => {
    let pos = at[field]!;
    let byte = body[pos++]!;
    let v = byte & 0x7f;
    // Bit operations while the value fits in 28 bits (every price step does); multiplication beyond (large volumes).
    for (let shift = 7; byte >= 0x80; shift += 7) {
      byte = body[pos++]!;
      v = shift < 28 ? v | ((byte & 0x7f) << shift) : v + (byte & 0x7f) * 2 ** shift;
    }
    at[field] = pos;
    return v % 2 === 1 ? -(v + 1) / 2 : v / 2;
  };
  let from = 0;
  let to = bars;
  if (window) {
    to = barsThrough(body, starts[0]!, bars, window.last);
    from = Math.max(0, to - window.count);
    // Open, high, low and volume of the bars before the window are stepped over: `from` varints each.
    for (let f = 2; f < FIELDS.length; f++) at[f] = skipVarints(body, at[f]!, from);
  }
  const n = to - from;
  const columns: BarColumns = {
    day: new Uint32Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  let day = 0;
  let price = 1;
  if (from > 0) ({ day, price } = stepOver(body, at, from));
  for (let i = from; i < to; i++) {
    const k = i - from;
    day += next(0);
    price = i === 0 ? Math.exp(next(1) * QUANTUM) : price * expOf(next(1));
    const toOpen = next(2);
    columns.day[k] = day;
    columns.close[k] = price;
    columns.open[k] = price * expOf(toOpen);
    columns.high[k] = price * expOf(Math.max(toOpen, 0) + next(3));
    columns.low[k] = price * expOf(Math.min(toOpen, 0) - next(4));
    columns.volume[k] = next(5);
  }
  // A field that ends anywhere but where the next begins: a damaged file (reading past the end gives zeros, not a hang).
  for (let f = 0; f < FIELDS.length && to === bars; f++) {
    if (at[f] !== starts[f + 1]) throw new SignalsError('DATA_ERROR', `${file}: a block does not match its header`);
  }
  return columns;
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

  /** The rows as price columns, without building a bar. */
  prices(): PriceColumns {
    const c = this.columns;
    return { date: Array.from(c.day, (d) => this.dates[d]!), open: c.open, high: c.high, low: c.low, close: c.close };
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
