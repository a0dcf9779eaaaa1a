// The on-disk record of the segment log: length, CRC-32, seq, time, JSON; and a scan that tells a torn tail from corruption.
import { crc32 } from 'node:zlib';

/** length (u32, of the body) | crc32 (u32, of the body) | body: seq (u32) | time ms (f64) | JSON (UTF-8). */
const HEADER = 8;
const BODY_FIXED = 12;
/** No record is this large (a publication is a few KB); a length above it is corruption, not data. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export function encodeRecord(seq: number, time: number, json: string): Buffer {
  const jsonBytes = Buffer.byteLength(json);
  const record = Buffer.allocUnsafe(HEADER + BODY_FIXED + jsonBytes);
  record.writeUInt32LE(BODY_FIXED + jsonBytes, 0);
  record.writeUInt32LE(seq, HEADER);
  record.writeDoubleLE(time, HEADER + 4);
  record.write(json, HEADER + BODY_FIXED, 'utf8');
  record.writeUInt32LE(crc32(record.subarray(HEADER)), 4);
  return record;
}

export interface ScannedRecord {
  seq: number;
  time: number;
  /** Byte offset of the record in its segment, and its whole length. */
  offset: number;
  length: number;
}

export interface Scan {
  records: ScannedRecord[];
  /** Where the valid records end: the segment's length unless something follows them. */
  end: number;
  /**
   * `torn`: the last record is incomplete or fails its checksum and ends the file, as a write cut short
   * by a crash leaves it; dropping it loses nothing that was acknowledged. `corrupt`: a bad record with
   * data after it, which no crash explains.
   */
  damage: 'torn' | 'corrupt' | undefined;
}

export function scanRecords(bytes: Buffer): Scan {
  const records: ScannedRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER) return { records, end: at, damage: 'torn' };
    const bodyLength = bytes.readUInt32LE(at);
    if (bodyLength < BODY_FIXED || bodyLength > MAX_RECORD_BYTES) return { records, end: at, damage: 'corrupt' };
    const next = at + HEADER + bodyLength;
    if (next > bytes.length) return { records, end: at, damage: 'torn' };
    const body = bytes.subarray(at + HEADER, next);
    if (crc32(body) !== bytes.readUInt32LE(at + 4)) return { records, end: at, damage: next === bytes.length ? 'torn' : 'corrupt' };
    records.push({ seq: body.readUInt32LE(0), time: body.readDoubleLE(4), offset: at, length: next - at });
    at = next;
  }
  return { records, end: at, damage: undefined };
}

/** The JSON of a record read whole from its segment. */
export function recordJson(record: Buffer): string {
  return record.toString('utf8', HEADER + BODY_FIXED);
}

/** The record at `at` when it is whole, its checksum holds and its seq is above `after`; undefined otherwise. */
function intactAt(bytes: Buffer, at: number, after: number): ScannedRecord | undefined {
  if (bytes.length - at < HEADER + BODY_FIXED) return undefined;
  const bodyLength = bytes.readUInt32LE(at);
  const next = at + HEADER + bodyLength;
  if (bodyLength < BODY_FIXED || bodyLength > MAX_RECORD_BYTES || next > bytes.length) return undefined;
  // Cheap tests first: a candidate offset inside garbage rarely has a plausible seq, time and JSON start.
  const seq = bytes.readUInt32LE(at + HEADER);
  const time = bytes.readDoubleLE(at + HEADER + 4);
  if (seq <= after || !(time > 0) || (bodyLength > BODY_FIXED && bytes[at + HEADER + BODY_FIXED] !== 0x7b)) return undefined;
  if (crc32(bytes.subarray(at + HEADER, next)) !== bytes.readUInt32LE(at + 4)) return undefined;
  return { seq, time, offset: at, length: next - at };
}

export interface Salvage {
  /** Every intact record, in order, with seqs increasing from above `after`. */
  records: ScannedRecord[];
  /** Byte ranges that held no intact record: damage, or records repeating an earlier seq. */
  dropped: { offset: number; length: number }[];
}

/**
 * The intact records of a damaged segment: past a bad record, the next offset where a whole record with a
 * valid checksum begins. `after` is the last seq kept before this segment: a record at or below it is dropped.
 */
export function salvageRecords(bytes: Buffer, after = 0): Salvage {
  const records: ScannedRecord[] = [];
  const dropped: Salvage['dropped'] = [];
  let last = after;
  let at = 0;
  while (at < bytes.length) {
    const record = intactAt(bytes, at, last);
    if (record) {
      records.push(record);
      last = record.seq;
      at += record.length;
      continue;
    }
    let next = at + 1;
    while (next < bytes.length && !intactAt(bytes, next, last)) next += 1;
    dropped.push({ offset: at, length: next - at });
    at = next;
  }
  return { records, dropped };
}
