// The sentiment model as the build saves it: a binary file used as read, its features found through a hash table, nothing
// parsed; with it, the model's own predictions of the bundled headlines, so that an analysis of bundled data predicts none.
import { endianness } from 'node:os';
import { LABELS, predictWith, ROW, type Classifier, type Prediction } from './prediction.js';

/** Bump when the layout or a hash changes: a file of another format is ignored (the model is trained instead), never misread. */
const FORMAT = 3;
const MAGIC = 'SGSM';
const HEADER_BYTES = 32;

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

/** A second hash, of another kind (polynomial, base 31): a remembered text is known by both, 64 bits in all. */
function hash2(s: string): number {
  let h = 7;
  for (let k = 0; k < s.length; k++) h = (Math.imul(h, 31) + s.charCodeAt(k)) | 0;
  return h >>> 0;
}

/** The number of slots of an open-addressing table of n entries: a power of two above 2n, so at least one is empty. */
const slotsFor = (n: number) => 2 ** Math.ceil(Math.log2(2 * n + 1));

/** Texts and the model's prediction of each, remembered in the file. */
export type Memo = ReadonlyMap<string, Prediction>;

/**
 * The file: MAGIC, then as u32 LE the format, the number of features n and the number of hash slots m (a power of two
 * above 2n), the byte order of the body ('LE' or 'BE'), then as u32 LE the number of remembered texts k and their hash
 * slots r, zeros to 32 bytes. The body: the doubles (the head row, then each feature's row, in the order of the names);
 * the remembered predictions (k rows of one probability per label); n + 1 offsets (u32) of the names in the text of all
 * names, in UTF-16 code units; m slots (u32), each empty (0) or a feature's index + 1, probed linearly from its name's
 * hash; the remembered texts' two hashes (2k u32); r slots (u32) for them, probed from the first hash; that text
 * (UTF-8). A lookup hashes the feature and compares it in place: no name is cut out, no table built.
 */
export function encodeModel({ names, numbers }: ModelParameters, memo: Memo = new Map()): Buffer {
  const n = names.length;
  if (numbers.length !== ROW * (n + 1)) throw new Error(`the model has ${numbers.length} numbers for ${n} features, not ${ROW * (n + 1)}`);
  const m = slotsFor(n);
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
  const k = memo.size;
  const r = slotsFor(k);
  const remembered = new Float64Array(LABELS.length * k);
  const textHashes = new Uint32Array(2 * k);
  const textSlots = new Uint32Array(r);
  [...memo].forEach(([text, prediction], i) => {
    remembered.set(
      LABELS.map((l) => prediction.probabilities[l]),
      LABELS.length * i,
    );
    textHashes[2 * i] = hash(text);
    textHashes[2 * i + 1] = hash2(text);
    let slot = textHashes[2 * i]! & (r - 1);
    while (textSlots[slot] !== 0) slot = (slot + 1) & (r - 1);
    textSlots[slot] = i + 1;
  });
  const head = Buffer.alloc(HEADER_BYTES);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(FORMAT, 4);
  head.writeUInt32LE(n, 8);
  head.writeUInt32LE(m, 12);
  head.write(endianness(), 16, 'latin1');
  head.writeUInt32LE(k, 20);
  head.writeUInt32LE(r, 24);
  const body = [numbers, remembered, offsets, slots, textHashes, textSlots].map((array) =>
    Buffer.from(array.buffer, array.byteOffset, array.byteLength),
  );
  return Buffer.concat([head, ...body, Buffer.from(names.join(''), 'utf8')]);
}

/** The model in a file's bytes, or undefined when they are of another format or byte order, or cut short. */
export function decodeModel(buf: Buffer): Classifier | undefined {
  if (buf.length < HEADER_BYTES || buf.toString('latin1', 0, 4) !== MAGIC || buf.readUInt32LE(4) !== FORMAT) return undefined;
  if (buf.toString('latin1', 16, 18) !== endianness()) return undefined;
  const n = buf.readUInt32LE(8);
  const m = buf.readUInt32LE(12);
  const k = buf.readUInt32LE(20);
  const r = buf.readUInt32LE(24);
  // At least one empty slot in each table, or a lookup of an unknown key would never end.
  if (m <= n || (m & (m - 1)) !== 0 || r <= k || (r & (r - 1)) !== 0) return undefined;
  const rememberedAt = HEADER_BYTES + 8 * ROW * (n + 1);
  const offsetsAt = rememberedAt + 8 * LABELS.length * k;
  const slotsAt = offsetsAt + 4 * (n + 1);
  const textHashesAt = slotsAt + 4 * m;
  const textSlotsAt = textHashesAt + 8 * k;
  const namesAt = textSlotsAt + 4 * r;
  if (namesAt > buf.length) return undefined;
  // Copies (a few hundred KB): a typed array's start must be aligned, and the file's bytes may not be.
  const copy = (from: number, to: number) => buf.buffer.slice(buf.byteOffset + from, buf.byteOffset + to);
  const offsets = new Uint32Array(copy(offsetsAt, slotsAt));
  const names = buf.toString('utf8', namesAt);
  if (names.length !== offsets[n]) return undefined;
  const memo = new SavedMemo(
    new Float64Array(copy(rememberedAt, offsetsAt)),
    new Uint32Array(copy(textHashesAt, textSlotsAt)),
    new Uint32Array(copy(textSlotsAt, namesAt)),
  );
  return new SavedModel(new Float64Array(copy(HEADER_BYTES, rememberedAt)), offsets, new Uint32Array(copy(slotsAt, textHashesAt)), names, memo);
}

/** The remembered predictions: a text is found by its two hashes (a false match needs a 64-bit collision). */
class SavedMemo {
  constructor(
    private readonly probabilities: Float64Array,
    private readonly hashes: Uint32Array,
    private readonly slots: Uint32Array,
  ) {}

  get(text: string): Prediction | undefined {
    const h = hash(text);
    const mask = this.slots.length - 1;
    for (let slot = h & mask; this.slots[slot] !== 0; slot = (slot + 1) & mask) {
      const i = this.slots[slot]! - 1;
      if (this.hashes[2 * i] === h && this.hashes[2 * i + 1] === hash2(text)) return this.prediction(i);
    }
    return undefined;
  }

  private prediction(i: number): Prediction {
    const p = LABELS.map((_, c) => this.probabilities[LABELS.length * i + c]!);
    const best = p.indexOf(Math.max(...p));
    return { label: LABELS[best]!, probabilities: { negative: p[0]!, neutral: p[1]!, positive: p[2]! } };
  }
}

class SavedModel implements Classifier {
  constructor(
    private readonly numbers: Float64Array,
    private readonly offsets: Uint32Array,
    private readonly slots: Uint32Array,
    private readonly names: string,
    private readonly memo: SavedMemo,
  ) {}

  predict(text: string): Prediction {
    return this.memo.get(text) ?? predictWith(this.numbers, (f) => this.find(f), text);
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
