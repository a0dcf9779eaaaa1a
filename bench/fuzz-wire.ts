// WebSocket frames and HTTP heads at the byte level, for a client that breaks the rules on purpose and reads what comes back.
import { randomBytes } from 'node:crypto';

export const Opcode = { CONTINUATION: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 } as const;

export interface FrameShape {
  opcode?: number;
  fin?: boolean;
  /** RSV1..RSV3 as a number from 0 to 7 (RSV1 is 4). */
  rsv?: number;
  /** Clients must mask; false sends the payload in the clear. */
  masked?: boolean;
  /** The length the header claims, when it should lie about the payload. */
  length?: number | bigint;
  /** The header's length field: 7, 16 or 64 bits; by default the shortest that holds the length. */
  lengthBits?: 7 | 16 | 64;
}

/**
 * A client frame, well formed unless `shape` says otherwise.
 * @example clientFrame('{"type":"heartbeat"}') // a masked text frame
 * @example clientFrame('', { opcode: 3 })       // a reserved opcode
 */
export function clientFrame(payload: Buffer | string, shape: FrameShape = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const length = BigInt(shape.length ?? data.length);
  const bits = shape.lengthBits ?? (length < 126n ? 7 : length < 65536n ? 16 : 64);
  const masked = shape.masked ?? true;
  const header = Buffer.alloc(2 + (bits === 16 ? 2 : bits === 64 ? 8 : 0) + (masked ? 4 : 0));
  header[0] = (shape.fin === false ? 0 : 0x80) | ((shape.rsv ?? 0) << 4) | (shape.opcode ?? Opcode.TEXT);
  header[1] = (masked ? 0x80 : 0) | (bits === 7 ? Number(length) : bits === 16 ? 126 : 127);
  if (bits === 16) header.writeUInt16BE(Number(length), 2);
  if (bits === 64) header.writeBigUInt64BE(length, 2);
  if (!masked) return Buffer.concat([header, data]);
  const key = randomBytes(4);
  key.copy(header, header.length - 4);
  const body = Buffer.allocUnsafe(data.length);
  for (let i = 0; i < data.length; i++) body[i] = data[i]! ^ key[i & 3]!;
  return Buffer.concat([header, body]);
}

/** A close frame from the client with `code` (and a reason, which may be any bytes). */
export function closeFrame(code: number, reason: Buffer | string = ''): Buffer {
  const payload = Buffer.concat([Buffer.from([code >> 8, code & 255]), typeof reason === 'string' ? Buffer.from(reason) : reason]);
  return clientFrame(payload, { opcode: Opcode.CLOSE });
}

/**
 * An HTTP/1.1 upgrade request for `target` (sent as UTF-8, so it may hold raw non-ASCII); a header set
 * to `undefined` is left out.
 */
export function upgradeRequest(target: string, method = 'GET', headers: Record<string, string | undefined> = {}): Buffer {
  const all: Record<string, string | undefined> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
    ...headers,
  };
  const lines = Object.entries(all)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${v}\r\n`);
  return Buffer.from(`${method} ${target} HTTP/1.1\r\n${lines.join('')}\r\n`);
}

/** A plain HTTP request (no upgrade) that asks the server to close the connection after answering. */
export function httpRequest(method: string, target: string): Buffer {
  const body = method === 'GET' || method === 'HEAD' ? '' : '{}';
  return Buffer.from(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
}

/** A message the server sent: parsed JSON text, or a note of what else it was. */
export type ServerMessage = Record<string, unknown> & { type?: unknown; code?: unknown; id?: unknown };

/** With `skim`, payloads larger than this are skipped unread (a close frame is never larger). */
const SKIM_BYTES = 256;

/**
 * What a server sent on one connection: the HTTP status and body, then WebSocket messages and the close
 * frame. With `skim` it reads only small frames (heartbeats, errors, the close), for clients whose
 * backlog may be megabytes.
 */
export class ServerStream {
  status: number | undefined;
  /** The response head (status line and headers). */
  head = '';
  private rawBody: Buffer[] = [];
  private rawBytes = 0;
  readonly messages: ServerMessage[] = [];
  close: { code: number; reason: string } | undefined;
  /** Frames the server masked, which servers must never do. */
  serverFaults = 0;
  bytes = 0;
  private buffer: Buffer = Buffer.alloc(0);
  /** Payload bytes still to be skipped (when skimming). */
  private skip = 0;
  private fragments: Buffer[] = [];
  private fragmentOpcode = 0;

  constructor(private readonly skim = false) {}

  feed(chunk: Buffer): void {
    this.bytes += chunk.length;
    this.buffer = this.buffer.length > 0 ? Buffer.concat([this.buffer, chunk]) : chunk;
    if (this.status === undefined) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      this.head = this.buffer.toString('latin1', 0, end);
      this.status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(this.head)?.[1] ?? 0);
      this.buffer = this.buffer.subarray(end + 4);
    }
    if (this.status !== 101) {
      if (this.rawBytes < 1 << 20) {
        this.rawBody.push(this.buffer);
        this.rawBytes += this.buffer.length;
      }
      this.buffer = Buffer.alloc(0);
      return;
    }
    this.frames();
  }

  /** The HTTP body, with chunked transfer coding undone (its chunk sizes count bytes). */
  get body(): string {
    const raw = Buffer.concat(this.rawBody);
    if (!/^transfer-encoding:\s*chunked/im.test(this.head)) return raw.toString();
    const chunks: Buffer[] = [];
    for (let at = 0; ;) {
      const eol = raw.indexOf('\r\n', at);
      const size = parseInt(raw.toString('latin1', at, eol), 16);
      if (eol < 0 || !(size > 0)) return Buffer.concat(chunks).toString();
      chunks.push(raw.subarray(eol + 2, eol + 2 + size));
      at = eol + 2 + size + 2;
    }
  }

  private frames(): void {
    for (;;) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, this.buffer.length);
        this.skip -= n;
        this.buffer = this.buffer.subarray(n);
      }
      if (this.skip > 0 || this.buffer.length < 2 || this.close) return;
      const b0 = this.buffer[0]!;
      const b1 = this.buffer[1]!;
      let length = b1 & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (b1 & 0x80) {
        this.serverFaults += 1;
        offset += 4;
      }
      if (this.buffer.length < offset) return;
      if (this.skim && length > SKIM_BYTES) {
        this.buffer = this.buffer.subarray(offset);
        this.skip = length;
        continue;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      this.frame((b0 & 0x80) !== 0, b0 & 0x0f, payload);
    }
  }

  private frame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === Opcode.CLOSE) {
      const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
      this.close = { code, reason: payload.subarray(2).toString() };
      return;
    }
    if (opcode === Opcode.PING || opcode === Opcode.PONG) return;
    if (opcode !== Opcode.CONTINUATION) this.fragmentOpcode = opcode;
    this.fragments.push(Buffer.from(payload));
    if (!fin) return;
    const data = Buffer.concat(this.fragments);
    this.fragments = [];
    if (this.fragmentOpcode !== Opcode.TEXT) {
      this.messages.push({ binary: data.length });
      return;
    }
    try {
      this.messages.push(JSON.parse(data.toString()) as ServerMessage);
    } catch {
      this.messages.push({ unparsable: data.toString().slice(0, 200) });
    }
  }
}
