// Phase c: raw WebSocket protocol violations on open connections (RFC 6455), each answered with its close code.
import type { RawClient } from './fuzz-client.js';
import { parallel, type Phase, type PhaseContext } from './fuzz-phase.js';
import { ending } from './fuzz-tally.js';
import { clientFrame, closeFrame, Opcode } from './fuzz-wire.js';

interface Violation {
  what: string;
  bytes: Buffer;
  expected: readonly string[];
  /** The connection must stay open but cannot show it: the server is waiting for bytes that never come. */
  waiting?: boolean;
}

const HEARTBEAT = '{"type":"heartbeat","id":"c"}';
const PROTOCOL = ['close 1002'];
const NOT_UTF8 = ['close 1007'];
const TOO_BIG = ['close 1009'];
const OPEN = ['open'];
/** A heartbeat whose id is the euro sign (E2 82 AC), cut inside that character. */
const EURO = Buffer.from('{"type":"heartbeat","id":"€"}');
const EURO_CUT = EURO.indexOf(0xe2) + 2;

/** Every case, built afresh for each round (masking keys differ). */
function violations(): Violation[] {
  const { BINARY, CONTINUATION, PING, PONG, CLOSE } = Opcode;
  return [
    { what: 'an unmasked text frame', bytes: clientFrame(HEARTBEAT, { masked: false }), expected: PROTOCOL },
    { what: 'an unmasked ping', bytes: clientFrame('p', { opcode: PING, masked: false }), expected: PROTOCOL },
    ...[3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((opcode) => ({
      what: `reserved opcode ${opcode}`,
      bytes: clientFrame('x', { opcode }),
      expected: PROTOCOL,
    })),
    ...[4, 2, 1].map((rsv) => ({
      what: `RSV bits ${rsv.toString(2).padStart(3, '0')} on a text frame`,
      bytes: clientFrame(HEARTBEAT, { rsv }),
      expected: PROTOCOL,
    })),
    { what: 'RSV1 on a ping', bytes: clientFrame('p', { opcode: PING, rsv: 4 }), expected: PROTOCOL },
    { what: 'a fragmented ping', bytes: clientFrame('p', { opcode: PING, fin: false }), expected: PROTOCOL },
    { what: 'a fragmented close', bytes: clientFrame(Buffer.from([3, 232]), { opcode: CLOSE, fin: false }), expected: PROTOCOL },
    { what: 'a ping of 126 bytes', bytes: clientFrame(Buffer.alloc(126, 1), { opcode: PING }), expected: PROTOCOL },
    { what: 'a ping whose header claims 2^40 bytes', bytes: clientFrame('', { opcode: PING, length: 2n ** 40n }), expected: PROTOCOL },
    { what: 'a continuation with nothing to continue', bytes: clientFrame('x', { opcode: CONTINUATION }), expected: PROTOCOL },
    {
      what: 'a new text frame inside a fragmented message',
      bytes: Buffer.concat([clientFrame('{"type":', { fin: false }), clientFrame('"heartbeat"}')]),
      expected: PROTOCOL,
    },
    {
      what: 'a binary continuation of a text message, then a new binary frame',
      bytes: Buffer.concat([clientFrame('{', { fin: false }), clientFrame('x', { opcode: BINARY })]),
      expected: PROTOCOL,
    },
    { what: 'text that is not UTF-8', bytes: clientFrame(Buffer.from([0x7b, 0xff, 0x7d])), expected: NOT_UTF8 },
    { what: 'an overlong UTF-8 form', bytes: clientFrame(Buffer.from([0x22, 0xc0, 0xaf, 0x22])), expected: NOT_UTF8 },
    { what: 'a UTF-16 surrogate in UTF-8', bytes: clientFrame(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])), expected: NOT_UTF8 },
    {
      what: 'invalid UTF-8 split across fragments',
      bytes: Buffer.concat([
        clientFrame(Buffer.from([0x22, 0xe2, 0x82]), { fin: false }),
        clientFrame(Buffer.from([0x28, 0x22]), { opcode: CONTINUATION }),
      ]),
      expected: NOT_UTF8,
    },
    ...[999, 1004, 1005, 1006, 1015, 2999, 5000].map((code) => ({
      what: `a close frame with code ${code}`,
      bytes: closeFrame(code),
      expected: PROTOCOL,
    })),
    { what: 'a close frame with a 1-byte payload', bytes: clientFrame(Buffer.from([3]), { opcode: CLOSE }), expected: PROTOCOL },
    { what: 'a close reason that is not UTF-8', bytes: closeFrame(1000, Buffer.from([0xff, 0xfe])), expected: NOT_UTF8 },
    { what: 'a header claiming 2^63 bytes', bytes: clientFrame('', { length: 2n ** 63n }), expected: TOO_BIG },
    { what: 'a header claiming 2^53 bytes', bytes: clientFrame('', { length: 2n ** 53n }), expected: TOO_BIG },
    { what: 'a header claiming 65,537 bytes', bytes: clientFrame('', { length: 65_537 }), expected: TOO_BIG },
    { what: 'a binary header claiming 1 GiB', bytes: clientFrame('', { opcode: BINARY, length: 2 ** 30 }), expected: TOO_BIG },
    {
      what: 'fragments adding up to over 16 KiB',
      bytes: Buffer.concat([clientFrame('x'.repeat(10_000), { fin: false }), clientFrame('x'.repeat(10_000), { opcode: CONTINUATION })]),
      expected: TOO_BIG,
    },
    // The length field lies: bytes past the claimed length are read as the next header (0x41: FIN clear, RSV1 set).
    { what: 'a length field shorter than the payload', bytes: Buffer.concat([clientFrame('[]'), Buffer.from('AAAAAAAA')]), expected: PROTOCOL },
    { what: 'a length field longer than the payload, then silence', bytes: clientFrame('[]', { length: 100 }), expected: OPEN, waiting: true },
    { what: 'a first fragment, then silence', bytes: clientFrame('{"type":', { fin: false }), expected: OPEN, waiting: true },
    { what: 'a 64-bit length field for a short frame', bytes: clientFrame(HEARTBEAT, { lengthBits: 64 }), expected: ['open', 'close 1002'] },
    // Well-formed, for contrast: these keep the connection open (or close it normally).
    {
      what: 'a UTF-8 character split across fragments',
      bytes: Buffer.concat([clientFrame(EURO.subarray(0, EURO_CUT), { fin: false }), clientFrame(EURO.subarray(EURO_CUT), { opcode: CONTINUATION })]),
      expected: OPEN,
    },
    {
      what: 'a ping inside a fragmented message',
      bytes: Buffer.concat([
        clientFrame('{"type":', { fin: false }),
        clientFrame('hi', { opcode: PING }),
        clientFrame('"heartbeat"}', { opcode: CONTINUATION }),
      ]),
      expected: OPEN,
    },
    { what: 'an unsolicited pong', bytes: clientFrame('x', { opcode: PONG }), expected: OPEN },
    { what: 'an empty text frame', bytes: clientFrame(''), expected: OPEN },
    { what: 'a close frame with code 1000', bytes: closeFrame(1000), expected: ['close 1000'] },
    { what: 'a close frame with code 4000', bytes: closeFrame(4000, 'bye'), expected: ['close 4000', 'close 1000'] },
  ];
}

/** `open` when the connection still answers a heartbeat (or, while the server waits for more bytes, is still up after a second). */
async function observe(client: RawClient, v: Violation): Promise<string> {
  if (v.waiting) {
    await client.until(() => client.dropped(), 1_000);
    return client.dropped() ? ending(client) : 'open';
  }
  if (v.expected.includes('open')) client.write(clientFrame('{"type":"heartbeat","id":"alive"}'));
  const alive = () => client.stream.messages.some((m) => m.type === 'heartbeat' && m.id === 'alive');
  await client.until(() => client.dropped() || alive(), 3_000);
  return alive() && !client.dropped() ? 'open' : ending(client);
}

async function run(ctx: PhaseContext, v: Violation): Promise<void> {
  const client = await ctx.open();
  if (!client) return;
  const status = await client.upgrade();
  if (status !== 101) {
    ctx.tally.client(client);
    client.destroy();
    return ctx.tally.wrong('upgrade to /ws/signals', 'HTTP 101', `HTTP ${status}`);
  }
  client.write(v.bytes);
  ctx.frames += 1;
  const answer = await observe(client, v);
  client.destroy();
  ctx.tally.client(client);
  ctx.tally.expect(v.what, v.expected, answer);
}

export const protocolViolations: Phase = {
  id: 'c',
  title: 'raw protocol violations',
  async run(ctx) {
    const cases = Array.from({ length: ctx.sizes.protocolRounds }, violations).flat();
    await parallel(cases.length, ctx.sizes.concurrency, ctx.over, (i) => run(ctx, cases[i]!));
  },
};
