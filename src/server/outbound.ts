// Outbound frames: each message serialised and framed once for every recipient, through ws internals when they are there.
import { Socket } from 'node:net';
import * as ws from 'ws';
import type { WebSocket } from 'ws';
import type { ServerMessage } from '../protocol/messages.js';

/** A message ready to send: its JSON, and its WebSocket frame when the fast path is on. */
export interface Outbound {
  readonly json: string;
  readonly frame: Buffer | undefined;
  readonly bytes: number;
}

type FrameEncoder = (data: Buffer, options: object) => Buffer[];

/**
 * The fast path writes one pre-built frame to each client's socket and corks it, instead of having
 * ws frame the same text again per client. It needs two ws internals, neither in ws's public API:
 * the static `Sender.frame` encoder and the WebSocket's `_socket`. Both are checked here, once at
 * start-up (the encoder, against a frame built by hand) and per connection (the socket); without
 * them everything goes through the public `ws.send`. Frames are unmasked and uncompressed, as
 * server frames are when permessage-deflate is off (the server turns it off explicitly).
 */
export class OutboundPath {
  readonly fast: boolean;
  private readonly encode: FrameEncoder | undefined;

  /** `enabled: false` forces the public path (env SIGNALS_WS_FAST_PATH=0: an escape hatch for an untested ws). */
  constructor(enabled = true) {
    this.encode = enabled ? frameEncoder() : undefined;
    this.fast = this.encode !== undefined;
  }

  prepare(message: ServerMessage): Outbound {
    return this.prepareJson(JSON.stringify(message));
  }

  /** A message already serialised (e.g. a logged publication, kept as it was sent). */
  prepareJson(json: string): Outbound {
    if (!this.encode) return { json, frame: undefined, bytes: Buffer.byteLength(json) };
    const frame = Buffer.concat(this.encode(Buffer.from(json), FRAME_OPTIONS));
    return { json, frame, bytes: frame.length };
  }

  /** The socket to write frames to directly, or undefined: then the caller uses `ws.send(json)`. */
  socketOf(client: WebSocket): Socket | undefined {
    if (!this.fast) return undefined;
    const socket = (client as unknown as { _socket?: unknown })._socket;
    return socket instanceof Socket ? socket : undefined;
  }
}

const FRAME_OPTIONS = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false };

/** ws's frame encoder, if it exists and builds the frame RFC 6455 says for a short text. */
function frameEncoder(): FrameEncoder | undefined {
  const encode = (ws as unknown as { Sender?: { frame?: unknown } }).Sender?.frame;
  if (typeof encode !== 'function') return undefined;
  const bound = encode.bind((ws as unknown as { Sender: object }).Sender) as FrameEncoder;
  try {
    const built = Buffer.concat(bound(Buffer.from('ok'), FRAME_OPTIONS));
    return built.equals(Buffer.from([0x81, 0x02, 0x6f, 0x6b])) ? bound : undefined;
  } catch {
    return undefined;
  }
}
