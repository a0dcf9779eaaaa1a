// The packed bars format: what goes in comes back (prices within half a quantum, dates and volumes exact), read whole, in tails or from a file, and a damaged file is refused.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ColumnRows, openPackedBars, packBars, QUANTUM, unpackBars } from '../../src/market/packed-bars.js';
import type { Bar } from '../../src/market/types.js';

/** A seeded random walk of bars with gaps, so a failure can be replayed. */
function walk(seed: number, from: string, days: number): Bar[] {
  let state = seed;
  const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const bars: Bar[] = [];
  let close = 1 + random() * 500;
  let ms = Date.parse(`${from}T00:00:00Z`);
  for (let i = 0; i < days; i++) {
    ms += (random() < 0.1 ? 3 : 1) * 86_400_000;
    const open = close * (1 + (random() - 0.5) * 0.04);
    close = close * (1 + (random() - 0.5) * (random() < 0.01 ? 0.8 : 0.06));
    const high = Math.max(open, close) * (1 + random() * 0.03);
    const low = Math.min(open, close) * (1 - random() * 0.03);
    bars.push({ date: new Date(ms).toISOString().slice(0, 10), open, high, low, close, volume: Math.round(random() * 5e9) });
  }
  return bars;
}

describe('packBars / unpackBars', () => {
  const seed = 20_260_107;
  const input = [
    { symbol: 'AAA', bars: walk(seed, '2005-01-03', 3000) },
    { symbol: 'BBB', bars: walk(seed + 1, '2012-06-01', 800) },
    { symbol: 'CCC', bars: [{ date: '2020-01-02', open: 0.0012, high: 0.0013, low: 0.0011, close: 0.0012, volume: 0 }] },
  ];
  const packed = unpackBars(packBars(input), 'test.bin');

  it(`gives back every bar: dates and volumes exactly, prices within half a quantum (seed ${seed})`, () => {
    expect(packed.symbols).toEqual(['AAA', 'BBB', 'CCC']);
    for (const { symbol, bars } of input) {
      const rows = new ColumnRows(packed.columns(symbol)!, packed.dates);
      expect(rows.length).toBe(bars.length);
      bars.forEach((bar, i) => {
        const got = rows.at(i)!;
        expect(got.date).toBe(bar.date);
        expect(got.volume).toBe(bar.volume);
        for (const key of ['open', 'high', 'low', 'close'] as const) {
          expect(Math.abs(got[key] / bar[key] - 1)).toBeLessThanOrEqual(QUANTUM / 2 + 1e-12);
        }
        expect(got.high).toBeGreaterThanOrEqual(Math.max(got.open, got.close));
        expect(got.low).toBeLessThanOrEqual(Math.min(got.open, got.close));
      });
    }
  });

  it('reads rows as the store does: at() from either end, slice(), the same object twice', () => {
    const rows = new ColumnRows(packed.columns('BBB')!, packed.dates);
    expect(rows.at(-1)).toBe(rows.slice(-1)[0]);
    expect(rows.at(rows.length)).toBeUndefined();
    expect(rows.slice(10, 20).map((b) => b.date)).toEqual(input[1]!.bars.slice(10, 20).map((b) => b.date));
    expect(packed.columns('ZZZ')).toBeUndefined();
    expect(packed.span('AAA')).toEqual({ first: input[0]!.bars[0]!.date, last: input[0]!.bars.at(-1)!.date, bars: 3000 });
    expect(packed.span('ZZZ')).toBeUndefined();
  });

  it('gives the last n bars up to a day (tail) as the same values, to the bit, as the whole history, before or after a full decode', () => {
    const fresh = unpackBars(packBars(input), 'test.bin');
    const bars = input[0]!.bars;
    // Ends inside a stretch between marks (every 256th bar), on a mark, just before one; tails over several stretches;
    // up to its bar 2047 AAA trades every day of the calendar (a tail's end is found from the marks); the stretches
    // after it hold days of BBB's that AAA lacks (a tail's end is found by reading).
    for (const [date, count] of [
      [bars[1500]!.date, 300],
      [bars[2900]!.date, 300],
      [bars[2950]!.date, 20],
      [bars[100]!.date, 300],
      [bars[1536]!.date, 300],
      [bars[1535]!.date, 1],
      [bars[2047]!.date, 700],
      [bars.at(-1)!.date, 50],
      [bars.at(-1)!.date, 5000],
      ['2099-01-01', 300],
      ['2000-01-01', 300],
    ] as const) {
      const tail = fresh.tail('AAA', date, count)!;
      const full = packed.columns('AAA')!;
      const to = bars.filter((b) => b.date <= date).length;
      const from = Math.max(0, to - count);
      expect(tail.close.length).toBe(to - from);
      for (const key of ['day', 'open', 'high', 'low', 'close', 'volume'] as const) expect([...tail[key]]).toEqual([...full[key].slice(from, to)]);
      // After a full decode, a tail is a slice of it: the same values.
      expect(packed.tail('AAA', date, count)!.close).toEqual(tail.close);
    }
    expect(fresh.tail('ZZZ', '2020-01-01', 300)).toBeUndefined();
  });

  it('reads a file in place: the same bars as the whole buffer, whole or in tails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'packed-'));
    try {
      const file = join(dir, 'bars.bin');
      writeFileSync(file, packBars(input));
      const opened = openPackedBars(file);
      expect(opened.symbols).toEqual(packed.symbols);
      expect(opened.span('BBB')).toEqual(packed.span('BBB'));
      expect([...opened.tail('AAA', input[0]!.bars[2000]!.date, 300)!.close]).toEqual([...packed.columns('AAA')!.close.slice(1701, 2001)]);
      expect([...opened.columns('BBB')!.high]).toEqual([...packed.columns('BBB')!.high]);
      expect(() => openPackedBars(join(dir, 'none.bin'))).toThrow(expect.objectContaining({ code: 'DATA_ERROR' }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the file it opened to the end, when another takes its name (as `signals data` writes one)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'packed-'));
    try {
      const file = join(dir, 'bars.bin');
      writeFileSync(file, packBars(input));
      const opened = openPackedBars(file);
      const other = join(dir, 'other.bin');
      writeFileSync(other, packBars([{ symbol: 'AAA', bars: walk(seed + 1, '2005-01-03', 3000) }]));
      renameSync(other, file);
      expect([...opened.columns('BBB')!.close]).toEqual([...packed.columns('BBB')!.close]);
      expect([...opened.tail('AAA', input[0]!.bars[2000]!.date, 300)!.close]).toEqual([...packed.columns('AAA')!.close.slice(1701, 2001)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses what is not a packed file, one of another format, or one whose blocks do not match the header', () => {
    expect(() => unpackBars(Buffer.from('not packed'), 'x.bin')).toThrow(/x\.bin: not a packed bars file/);
    const body = packBars(input.slice(0, 1));
    const older = Buffer.from(body);
    older[4] = 1;
    expect(() => unpackBars(older, 'x.bin')).toThrow(
      /x\.bin: a packed bars file of format 1, where this version reads format 2; `signals data` writes it anew/,
    );
    expect(() => unpackBars(body.subarray(0, body.length - 1), 'x.bin')).toThrow(/where its header says/);
    // The first bar's day made to run on into the next byte: the mark's day no longer matches the header's.
    const first = 9 + body.readUInt32LE(5);
    body[first] = body[first]! | 0x80;
    const damaged = unpackBars(body, 'x.bin');
    expect(() => damaged.columns('AAA')).toThrow(
      expect.objectContaining({ code: 'DATA_ERROR', message: 'x.bin: a block does not match its header' }),
    );
    expect(() => damaged.tail('AAA', '2099-01-01', 10)).not.toThrow();
    expect(() => damaged.tail('AAA', input[0]!.bars[10]!.date, 10)).toThrow(/a block does not match its header/);
  });
});
