// The pre-parsed cache of the bundled data: binary files the build writes under dist/, each valid only for the source it was made from.
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { endianness } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzip } from './zip.js';
import { parseDailyCsv, parseHeadlines, parseSeriesCsv } from './csv.js';
import { MACRO_SERIES, type Bar, type Headline, type Observation, type Rows } from './types.js';

/**
 * Bump when the layout changes or when a parser in csv.ts starts to produce different rows from
 * the same source bytes: a cache of another format is ignored, never misread.
 */
const FORMAT = 2;
const MAGIC = 'SGMC';
const DATE_BYTES = 10;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What each kind of bundled file holds, row by row. */
export interface RowOf {
  bars: Bar;
  series: Observation;
  headlines: Headline;
}
export type Kind = keyof RowOf;

interface Header {
  format: number;
  kind: Kind;
  /** The source file's identity (`sourceIdentity`): the cache answers only for the file it was made from. */
  source: string;
  rows: number;
  /** Byte order of the doubles: the machine's that wrote them (another machine's cache is ignored, not converted). */
  endian: 'BE' | 'LE';
}

/** Parses a bundled source file (gzipped); the one path to its rows, with or without the cache. */
export function parseSource<K extends Kind>(kind: K, source: Buffer, file: string): RowOf[K][] {
  return parseContent(kind, gunzip(source), file);
}

function parseContent<K extends Kind>(kind: K, content: Buffer, file: string): RowOf[K][] {
  const text = content.toString('utf8');
  const rows = kind === 'bars' ? parseDailyCsv(text, file) : kind === 'series' ? parseSeriesCsv(text, file) : parseHeadlines(text);
  return rows as RowOf[K][];
}

/**
 * A gzipped source file's identity without reading it: its size, and the CRC-32 and length of its content that gzip
 * keeps in the file's last 8 bytes (RFC 1952). Any change to the content changes the CRC-32 (but for a 1 in 2^32
 * chance), so a stale cache is never read, and a start reads 10 bytes of the source instead of hashing all of it.
 * Undefined for a file that is not gzip or is too short to be; `writeMarketCache` caches only single-member files,
 * whose trailer covers all of the content.
 */
export function sourceIdentity(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = fstatSync(fd);
    if (size < 18) return undefined;
    const head = Buffer.alloc(2);
    const tail = Buffer.alloc(8);
    readSync(fd, head, 0, 2, 0);
    readSync(fd, tail, 0, 8, size - 8);
    if (head[0] !== 0x1f || head[1] !== 0x8b) return undefined;
    return `gzip ${size} ${tail.readUInt32LE(0).toString(16)} ${tail.readUInt32LE(4)}`;
  } finally {
    closeSync(fd);
  }
}

/** Whether a gzip file's trailer speaks for all of its content: one member, as the bundling scripts write them. */
const trailerCoversAll = (source: Buffer, content: Buffer) =>
  source.length >= 18 && source.readUInt32LE(source.length - 4) === content.length % 2 ** 32;
const align8 = (n: number) => Math.ceil(n / 8) * 8;

/** Builds rows from..to - 1 of a cache file, in one go. */
type Build<T> = (from: number, to: number) => T[];

/** Rows decoded from a cache file when first asked for, and kept: a snapshot builds a few hundred rows, not the whole history. */
class CachedRows<T> implements Rows<T> {
  private readonly built: (T | undefined)[];

  constructor(
    readonly length: number,
    private readonly build: Build<T>,
  ) {
    this.built = new Array<T | undefined>(length);
  }

  at(index: number): T | undefined {
    const relative = Math.trunc(index) || 0;
    const i = relative < 0 ? relative + this.length : relative;
    if (i < 0 || i >= this.length) return undefined;
    return this.built[i] ?? this.fill(i, i + 1)[0];
  }

  slice(start = 0, end = this.length): T[] {
    return this.fill(this.clamp(start), this.clamp(end));
  }

  private clamp(index: number): number {
    const i = Math.trunc(index) || 0;
    return i < 0 ? Math.max(this.length + i, 0) : Math.min(i, this.length);
  }

  /** Rows from..to - 1: the stretch not built yet is built at once; rows built before stay the same objects. */
  private fill(from: number, to: number): T[] {
    let lo = from;
    let hi = to;
    while (lo < hi && this.built[lo] !== undefined) lo++;
    while (hi > lo && this.built[hi - 1] !== undefined) hi--;
    if (lo < hi) {
      const fresh = this.build(lo, hi);
      for (let i = lo; i < hi; i++) this.built[i] ??= fresh[i - lo];
    }
    return this.built.slice(from, to) as T[];
  }
}

/** How the rows of one kind are laid out after the header. */
interface Codec<T> {
  encode(rows: T[]): Buffer;
  /** The builder of rows of a body of n rows at `base`, or undefined when the body is not that long. */
  decode(buf: Buffer, base: number, n: number): Build<T> | undefined;
}

/**
 * Dated numbers: n rows of `fields` doubles (in the byte order the header names), then the n dates,
 * ten bytes each. A CLI runs this code once, unoptimised, so it does little per row: the doubles
 * are read from one Float64Array, the dates of a stretch of rows decoded as one string.
 */
function dated<T extends { date: string }>(
  fields: number,
  values: (row: T) => number[],
  make: (date: string, numbers: Float64Array, at: number) => T,
): Codec<T> {
  return {
    encode(rows) {
      const numbers = new Float64Array(fields * rows.length);
      const dates = Buffer.alloc(DATE_BYTES * rows.length);
      rows.forEach((row, i) => {
        numbers.set(values(row), fields * i);
        // The parsers only let YYYY-MM-DD through; anything else would not fit its ten bytes.
        if (!DATE.test(row.date)) throw new Error(`cannot cache the date "${row.date}"`);
        dates.write(row.date, DATE_BYTES * i, 'latin1');
      });
      return Buffer.concat([Buffer.from(numbers.buffer), dates]);
    },
    decode(buf, base, n) {
      if (buf.length !== base + n * (8 * fields + DATE_BYTES)) return undefined;
      // A view where the doubles are 8-byte aligned in memory (a file read into its own buffer), else a copy.
      let numbers: Float64Array;
      if ((buf.byteOffset + base) % 8 === 0) {
        numbers = new Float64Array(buf.buffer, buf.byteOffset + base, fields * n);
      } else {
        numbers = new Float64Array(fields * n);
        new Uint8Array(numbers.buffer).set(buf.subarray(base, base + 8 * fields * n));
      }
      const dates = base + 8 * fields * n;
      return (from, to) => {
        const text = buf.toString('latin1', dates + DATE_BYTES * from, dates + DATE_BYTES * to);
        const rows: T[] = [];
        for (let i = from; i < to; i++) rows.push(make(text.slice(DATE_BYTES * (i - from), DATE_BYTES * (i - from + 1)), numbers, fields * i));
        return rows;
      };
    },
  };
}

const CODECS: { [K in Kind]: Codec<RowOf[K]> } = {
  bars: dated<Bar>(
    5,
    (b) => [b.open, b.high, b.low, b.close, b.volume],
    (date, v, k) => ({ date, open: v[k]!, high: v[k + 1]!, low: v[k + 2]!, close: v[k + 3]!, volume: v[k + 4]! }),
  ),
  series: dated<Observation>(
    1,
    (o) => [o.value],
    (date, v, k) => ({ date, value: v[k]! }),
  ),
  // n + 1 offsets (u32 LE), then each headline's JSON text followed by a comma: a stretch of rows is one JSON array.
  headlines: {
    encode(rows) {
      const texts = rows.map((h) => Buffer.from(`${JSON.stringify(h)},`, 'utf8'));
      const offsets = Buffer.alloc(4 * (texts.length + 1));
      let at = 0;
      texts.forEach((t, i) => {
        offsets.writeUInt32LE(at, 4 * i);
        at += t.length;
      });
      offsets.writeUInt32LE(at, 4 * texts.length);
      return Buffer.concat([offsets, ...texts]);
    },
    decode(buf, base, n) {
      const texts = base + 4 * (n + 1);
      if (texts > buf.length || texts + buf.readUInt32LE(base + 4 * n) !== buf.length) return undefined;
      const offset = (i: number) => texts + buf.readUInt32LE(base + 4 * i);
      return (from, to) => JSON.parse(`[${buf.toString('utf8', offset(from), offset(to) - 1)}]`) as Headline[];
    },
  },
};

/** A cache file: MAGIC, the header's length (u32 LE), the header as JSON, zeros to a multiple of 8, the body. */
function encode<K extends Kind>(kind: K, source: string, rows: RowOf[K][]): Buffer {
  const header = Buffer.from(JSON.stringify({ format: FORMAT, kind, source, rows: rows.length, endian: endianness() } satisfies Header), 'utf8');
  const head = Buffer.alloc(align8(8 + header.length));
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(header.length, 4);
  header.copy(head, 8);
  return Buffer.concat([head, CODECS[kind].encode(rows)]);
}

/** The rows of a cache file, or undefined when it is of another format or kind, for other source bytes, or cut short. */
function decode<K extends Kind>(kind: K, source: string, buf: Buffer): Rows<RowOf[K]> | undefined {
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== MAGIC) return undefined;
  const headerLength = buf.readUInt32LE(4);
  if (8 + headerLength > buf.length) return undefined;
  let header: Header | null;
  try {
    header = JSON.parse(buf.toString('utf8', 8, 8 + headerLength)) as Header | null;
  } catch {
    return undefined;
  }
  const n = header?.rows ?? -1;
  if (header?.format !== FORMAT || header.kind !== kind || header.endian !== endianness() || !Number.isSafeInteger(n) || n < 0) return undefined;
  if (header.source !== source) return undefined;
  const build = CODECS[kind].decode(buf, align8(8 + headerLength), n);
  return build && new CachedRows(n, build);
}

/** Where the build writes the cache for a bundled data folder: beside the compiled code, never committed. */
export function defaultCacheDir(bundledDir: string): string {
  return join(bundledDir, '..', 'dist', 'market-cache');
}

/**
 * A read-only view of a cache folder. `rows` answers only when the cache file was made from the source file as it is
 * now (`sourceIdentity`), so a missing, stale or foreign cache means parsing the source, never wrong rows.
 * @example new MarketCache(dir).rows('bars', 'daily/AAPL.csv.gz', file) ?? parseSource('bars', readFileSync(file), file)
 */
export class MarketCache {
  constructor(private readonly dir: string) {}

  rows<K extends Kind>(kind: K, name: string, file: string): Rows<RowOf[K]> | undefined {
    let buf: Buffer;
    try {
      buf = readFileSync(join(this.dir, `${name}.bin`));
    } catch {
      return undefined;
    }
    const source = sourceIdentity(file);
    return source === undefined ? undefined : decode(kind, source, buf);
  }
}

/** The folders of the data folder whose files the store reads through the cache. */
const FOLDERS = ['daily', 'macro', 'news'];

/** The bundled files the store reads through the cache, by kind, as paths inside the data folder. */
function cacheable(bundledDir: string): [Kind, string][] {
  const list = (folder: string, ending: string) =>
    readdirSync(join(bundledDir, folder))
      .filter((f) => f.endsWith(ending))
      .sort()
      .map((f) => `${folder}/${f}`);
  return [
    ...list('daily', '.csv.gz').map((name): [Kind, string] => ['bars', name]),
    ...MACRO_SERIES.map((series): [Kind, string] => ['series', `macro/${series}.csv.gz`]),
    ...list('news', '.jsonl.gz').map((name): [Kind, string] => ['headlines', name]),
  ];
}

/**
 * Writes the cache of every bundled file the store reads, each replaced atomically (builds may run
 * side by side in one checkout), and removes cache files whose source is gone or cannot be identified
 * by its gzip trailer (such a file is parsed on every read instead).
 */
export function writeMarketCache(bundledDir: string, dir: string): void {
  const written = new Set<string>();
  for (const [kind, name] of cacheable(bundledDir)) {
    const file = join(bundledDir, name);
    const source = readFileSync(file);
    const content = gunzip(source);
    const identity = sourceIdentity(file);
    if (identity === undefined || !trailerCoversAll(source, content)) continue;
    const out = join(dir, `${name}.bin`);
    const data = encode(kind, identity, parseContent(kind, content, file));
    mkdirSync(dirname(out), { recursive: true });
    const temp = `${out}.${process.pid}.tmp`;
    writeFileSync(temp, data);
    renameSync(temp, out);
    written.add(out);
  }
  for (const folder of FOLDERS) {
    const path = join(dir, folder);
    if (!existsSync(path)) continue;
    for (const f of readdirSync(path)) if (f.endsWith('.bin') && !written.has(join(path, f))) rmSync(join(path, f));
  }
}
