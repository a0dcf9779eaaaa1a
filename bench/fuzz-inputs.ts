// Seeded generators of hostile client frames: random bytes and JSON, mutated requests, huge ids and types, deep nesting, wrong types.
import { clientMessageTypes } from '../src/protocol/messages.js';
import { Opcode } from './fuzz-wire.js';

/** mulberry32: small, fast and seedable, so a failing run can be replayed with --seed. */
export class Rng {
  constructor(private state: number) {}

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer from 0 to n - 1. */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** A size from 1 to `max`, log-uniform: small ones mostly, the largest now and then. */
  size(max: number): number {
    return Math.max(1, Math.floor(Math.exp(this.next() * Math.log(max))));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  bytes(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** A frame the fuzzer sends, with the kind of input it is (reported when its answer is wrong). */
export interface FuzzFrame {
  kind: string;
  opcode: number;
  payload: Buffer;
}

const TYPES = clientMessageTypes;
const DATES = ['2025-07-08', '2025-07-08T14:30:00Z', 'yesterday', '2025-13-45', ''];
/** Days a `rank` names: within the data and before the replay's clock, a weekend, before the data, after the clock, no day at all. */
const RANK_DAYS = ['2024-06-14', '2024-06-15', '1990-01-02', '2099-01-05', '2025-02-30', '2024-6-14'];
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  ':',
  ',',
  '\\',
  'null',
  'true',
  '1e999',
  '-0',
  '"type"',
  '"id"',
  '"symbol"',
  '"symbols"',
  '"subscribe"',
  '"heartbeat"',
  'ſ',
  '\u0000',
  '\ud800',
  '😀',
  ' ',
  '\n',
  '\\u0000',
  '\\ud800',
];
const CHARS = 'abcXYZ019 .,:;{}[]"\\/^=-_\tſß€😀\u0000\u007f\u00ff';
/** The largest frame the server accepts is 16 KiB: inputs that are not meant to be too big stay under it. */
const ROOM = 15_000;

const text = (kind: string, value: string): FuzzFrame => ({ kind, opcode: Opcode.TEXT, payload: Buffer.from(value) });

function randomString(rng: Rng, max: number): string {
  let s = '';
  for (let n = rng.int(max + 1); n > 0; n--) s += rng.pick([...CHARS]);
  return s;
}

function symbol(rng: Rng, symbols: readonly string[]): string {
  const s = rng.pick(symbols);
  return rng.pick([s, s, s.toLowerCase(), s.replace('-', '.'), ` ${s} `, 'ZZZZ', `${s}X`]);
}

/** A request the protocol allows, for the mutator to start from (and sometimes sent as it is). */
function validRequest(rng: Rng, symbols: readonly string[]): string {
  const id = rng.chance(0.5) ? { id: rng.chance(0.5) ? rng.int(1e6) : `r${rng.int(1e6)}` } : {};
  switch (rng.pick(TYPES)) {
    case 'subscribe': {
      // Some ask to recover from a cursor, which this server's log will not know (its epoch is made up).
      const since = rng.chance(0.3) ? { since: { seq: rng.int(5), epoch: randomString(rng, 8) || 'e' } } : {};
      return JSON.stringify(
        rng.chance(0.5)
          ? { type: 'subscribe', symbol: symbol(rng, symbols), ...since, ...id }
          : { type: 'subscribe', symbols: [symbol(rng, symbols), symbol(rng, symbols)], ...id },
      );
    }
    case 'unsubscribe':
      return JSON.stringify({ type: 'unsubscribe', symbol: symbol(rng, symbols), ...id });
    case 'analyze':
      return JSON.stringify({ type: 'analyze', symbol: symbol(rng, symbols), ...id });
    case 'get_status':
      return JSON.stringify({ type: 'get_status', ...id });
    case 'heartbeat':
      return JSON.stringify({ type: 'heartbeat', ...id });
    case 'history': {
      const optional = (key: string, value: unknown) => (rng.chance(0.4) ? { [key]: value } : {});
      const range = { ...optional('from', rng.pick(DATES)), ...optional('to', rng.pick(DATES)) };
      return JSON.stringify({
        type: 'history',
        symbol: symbol(rng, symbols),
        ...optional('since_seq', rng.int(3)),
        ...range,
        ...optional('limit', rng.size(1000)),
        ...id,
      });
    }
    case 'rank': {
      const optional = (key: string, value: unknown) => (rng.chance(0.4) ? { [key]: value } : {});
      return JSON.stringify({
        type: 'rank',
        ...optional('as_of', rng.pick(RANK_DAYS)),
        ...optional('top', rng.pick([1, 5, rng.size(1000), 0, 1001, 2.5])),
        ...optional('symbols', [symbol(rng, symbols), symbol(rng, symbols)]),
        ...id,
      });
    }
  }
}

function mutate(rng: Rng, source: string): string {
  let s = source;
  for (let edits = 1 + rng.int(4); edits > 0; edits--) {
    const at = rng.int(s.length + 1);
    const span = 1 + rng.int(8);
    switch (rng.int(5)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + span);
        break;
      case 1:
        s = s.slice(0, at) + rng.pick(TOKENS) + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at) + rng.pick([...CHARS]) + s.slice(at + 1);
        break;
      case 3:
        s = s.slice(0, at) + s.slice(at, at + span).repeat(2 + rng.int(3)) + s.slice(at);
        break;
      default:
        s = s.slice(0, at);
    }
  }
  return s;
}

function randomJson(rng: Rng, depth: number): unknown {
  switch (depth > 3 ? rng.int(4) : rng.int(6)) {
    case 0:
      return rng.pick([null, true, false, 0, -0, 1e308, -1, 0.5, 2 ** 53 + 1]);
    case 1:
      return rng.chance(0.3) ? rng.pick(TYPES) : randomString(rng, 20);
    case 2:
      return rng.int(1e9) - 5e8;
    case 3:
      return rng.pick(['AAPL', 'spy', 'BRK.B', 'ſPY', '', 'x'.repeat(17)]);
    case 4:
      return Array.from({ length: rng.int(5) }, () => randomJson(rng, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let n = rng.int(5); n > 0; n--)
        o[rng.pick(['type', 'id', 'symbol', 'symbols', 'timestamp', '__proto__', 'constructor', randomString(rng, 6)])] = randomJson(rng, depth + 1);
      if (rng.chance(0.5)) o.type = rng.chance(0.7) ? rng.pick(TYPES) : randomJson(rng, depth + 1);
      return o;
    }
  }
}

const WRONG_VALUES: unknown[] = [42, null, true, [], {}, ['AAPL'], '', '<script>', 'A'.repeat(17), -1, 1e308, [1, 2], { type: 'heartbeat' }];

function wrongTypes(rng: Rng): string {
  const field = rng.pick(['type', 'id', 'symbol', 'symbols', 'timestamp']);
  const value = field === 'symbols' && rng.chance(0.3) ? Array.from({ length: 101 }, () => 'AAPL') : rng.pick(WRONG_VALUES);
  return JSON.stringify({ type: rng.pick(TYPES), symbol: 'AAPL', [field]: value });
}

function deepNesting(rng: Rng): string {
  const depth = rng.size(ROOM / 2 - 100);
  switch (rng.int(3)) {
    case 0:
      return '['.repeat(depth) + ']'.repeat(depth);
    case 1:
      return `{"type":"subscribe","symbols":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    default: {
      const d = Math.floor(depth / 3);
      return `{"type":"heartbeat","id":${'{"a":'.repeat(d)}0${'}'.repeat(d)}}`;
    }
  }
}

/**
 * One frame that must not close the connection: each is answered with an error code or served.
 * @example fuzzFrame(new Rng(1), ['AAPL']) // e.g. { kind: 'mutated', opcode: 1, payload: <'{"type":"subscr{be"}'> }
 */
export function fuzzFrame(rng: Rng, symbols: readonly string[]): FuzzFrame {
  switch (rng.int(10)) {
    case 0:
      return text('valid', validRequest(rng, symbols));
    case 1:
    case 2:
      return text('mutated', mutate(rng, validRequest(rng, symbols)));
    case 3:
      return text('random JSON', JSON.stringify(randomJson(rng, 0)) ?? 'null');
    case 4:
      return rng.chance(0.5)
        ? text('huge id', JSON.stringify({ type: rng.pick(TYPES), id: rng.chance(0.2) ? 'i'.repeat(128) : 'i'.repeat(128 + rng.size(ROOM - 200)) }))
        : text('huge id', `{"type":"heartbeat","id":${rng.chance(0.5) ? '9'.repeat(400) : `-0.${'1'.repeat(300)}`}}`);
    case 5:
      return text('huge type', JSON.stringify({ type: rng.pick(TYPES) + 'x'.repeat(rng.size(ROOM)), id: 'h' }));
    case 6:
      return text('deep nesting', deepNesting(rng));
    case 7:
      return text('wrong types', wrongTypes(rng));
    case 8:
      return text('random text', randomString(rng, 200));
    default:
      return { kind: 'binary', opcode: Opcode.BINARY, payload: rng.bytes(rng.size(4096) - 1) };
  }
}

/** One frame after which the server must close: text that is not UTF-8 (1007), or more than 16 KiB (1009). */
export function closingFrame(rng: Rng): FuzzFrame {
  if (rng.chance(0.5)) {
    const bytes = rng.bytes(rng.int(300));
    // Somewhere, a byte that never occurs in UTF-8, a stray continuation byte, an overlong form or a surrogate.
    const bad = rng.pick([[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]);
    const at = rng.int(bytes.length + 1);
    return {
      kind: 'random bytes (not UTF-8)',
      opcode: Opcode.TEXT,
      payload: Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]),
    };
  }
  return text('over 16 KiB', JSON.stringify({ type: 'heartbeat', pad: 'x'.repeat(16_385 + rng.int(30_000)) }));
}
