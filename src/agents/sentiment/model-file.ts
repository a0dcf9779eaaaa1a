// The sentiment model as the build saves it: a binary file used as read, its features found through a hash table, nothing parsed.
import { endianness } from 'node:os';
import { predictWith, ROW, type Classifier, type Prediction } from './prediction.js';

/** Bump when the layout or `hash` changes: a file of another format is ignored (the model is trained instead), never misread. */
const FORMAT = 2;
const MAGIC = 'SGSM';
const HEADER_BYTES = 24;

/** What a trained model is: its features' names, sorted, and its numbers (prediction.ts's `predictWith` says their layout). */
export interface ModelParameters {
  names: readonly string[];
  numbers: Float64Array;
}

/** FNV-1a over a string's UTF-16 code units: the same on the machine that builds the file and the one that reads it. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
  return h >>> 0;
}

/**
 * The file: MAGIC, then as u32 LE the format, the number of features n and the number of hash slots m (a power of two
 * above 2n), the byte order of the body ('LE' or 'BE'), zeros to 24 bytes. The body: the doubles (the head row, then
 * each feature's row, in the order of the names); n + 1 offsets (u32) of the names in the text of all
 * names, in UTF-16 code units; m slots (u32), each empty (0) or a feature's index + 1, probed linearly from its name's
 * hash; that text (UTF-8). A lookup hashes the feature and compares it in place: no name is cut out, no table built.
 */
export function encodeModel({ names, numbers }: ModelParameters): Buffer {
  const n = names.length;
  if (numbers.length !== ROW * (n + 1)) throw new Error(`the model has ${numbers.length} numbers for ${n} features, not ${ROW * (n + 1)}`);
  const m = 2 ** Math.ceil(Math.log2(2 * n + 1));
  const offsets = new Uint32Array(n + 1);
  const slots = new Uint32Array(m);
  let at = 0;
  names.forEach((name, i) => {
    offsets[i] = at;
    at += name.length;
    let slot = hash(name) & (m - 1);
    while (slots[slot] !== 0) slot = (slot + 1) & (m - 1);
    slots[slot] = i + 1;
  });
  offsets[n] = at;
  const head = Buffer.alloc(HEADER_BYTES);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(FORMAT, 4);
  head.writeUInt32LE(n, 8);
  head.writeUInt32LE(m, 12);
  head.write(endianness(), 16, 'latin1');
  const body = [numbers, offsets, slots].map((array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength));
  return Buffer.concat([head, ...body, Buffer.from(names.join(''), 'utf8')]);
}

/** The model in a file's bytes, or undefined when they are of another format or byte order, or cut short. */
export function decodeModel(buf: Buffer): Classifier | undefined {
  if (buf.length < HEADER_BYTES || buf.toString('latin1', 0, 4) !== MAGIC || buf.readUInt32LE(4) !== FORMAT) return undefined;
  if (buf.toString('latin1', 16, 18) !== endianness()) return undefined;
  const n = buf.readUInt32LE(8);
  const m = buf.readUInt32LE(12);
  // At least one empty slot, or a lookup of an unknown feature would never end.
  if (m <= n || (m & (m - 1)) !== 0) return undefined;
  const offsetsAt = HEADER_BYTES + 8 * ROW * (n + 1);
  const slotsAt = offsetsAt + 4 * (n + 1);
  const namesAt = slotsAt + 4 * m;
  if (namesAt > buf.length) return undefined;
  // Copies (a few hundred KB): a typed array's start must be aligned, and the file's bytes may not be.
  const copy = (from: number, to: number) => buf.buffer.slice(buf.byteOffset + from, buf.byteOffset + to);
  const offsets = new Uint32Array(copy(offsetsAt, slotsAt));
  const names = buf.toString('utf8', namesAt);
  if (names.length !== offsets[n]) return undefined;
  return new SavedModel(new Float64Array(copy(HEADER_BYTES, offsetsAt)), offsets, new Uint32Array(copy(slotsAt, namesAt)), names);
}

class SavedModel implements Classifier {
  constructor(
    private readonly numbers: Float64Array,
    private readonly offsets: Uint32Array,
    private readonly slots: Uint32Array,
    private readonly names: string,
  ) {}

  predict(text: string): Prediction {
    return predictWith(this.numbers, (f) => this.find(f), text);
  }

  /** The index of feature f, or -1 when the model does not know it. */
  private find(f: string): number {
    const mask = this.slots.length - 1;
    for (let slot = hash(f) & mask; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      const i = this.slots[slot]! - 1;
      if (this.is(i, f)) return i;
    }
    return -1;
  }

  /** Whether name i is f, compared where it lies in the text of all names. */
  private is(i: number, f: string): boolean {
    const start = this.offsets[i]!;
    if (this.offsets[i + 1]! - start !== f.length) return false;
    for (let k = 0; k < f.length; k++) if (this.names.charCodeAt(start + k) !== f.charCodeAt(k)) return false;
    return true;
  }
}
