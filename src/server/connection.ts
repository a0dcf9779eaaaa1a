// One client connection: its subscriptions, rate limits, liveness, and back-pressure on what it is sent.
import type { Socket } from 'node:net';
import * as ws from 'ws';
import { WebSocket } from 'ws';
import { CloseCode } from '../protocol/errors.js';
import { TokenBucket, type Limits } from './limits.js';

/**
 * A server-to-client WebSocket text frame (unmasked, so identical for every client) holding `json`.
 * The server never negotiates compression, so frames can be written to the socket as they are.
 */
/** ws's frame encoder: exported by ws but not declared in @types/ws. */
const Sender = (ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } }).Sender;

export function textFrame(json: string): Buffer {
  return Buffer.concat(Sender.frame(Buffer.from(json), { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false }));
}

export class Connection {
  readonly subscriptions = new Set<string>();
  readonly messages: TokenBucket;
  readonly analyses: TokenBucket;
  lastSeen = Date.now();
  closing = false;
  /** Price updates held back under pressure: only the latest per symbol. */
  private readonly pendingPrices = new Map<string, Buffer>();
  private violations: number[] = [];
  private corked = false;
  /** Bytes written while corked this turn: queued by us, not a sign that the client is behind. */
  private corkedBytes = 0;

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly endpoint: string,
    private readonly limits: Limits,
    private readonly events: {
      onSlow(connection: Connection): void;
      onConflate(): void;
      onCork(connection: Connection): void;
      /** The connection now holds back price updates; `flushPending` must be called later. */
      onPending(connection: Connection): void;
    },
  ) {
    this.messages = new TokenBucket(limits.messageBurst, limits.messagesPerSecond);
    this.analyses = new TokenBucket(limits.analyzeBurst, limits.analyzePerSecond);
  }

  /** ws keeps its socket private; we write pre-framed messages to it and cork it (see `cork`). */
  private get socket(): Socket | undefined {
    return (this.ws as unknown as { _socket?: Socket })._socket;
  }

  /**
   * Sends a message already framed as a WebSocket text frame (see `textFrame`): the same bytes go
   * to every subscriber. A price update (with its conflation key) waits in place of any older one
   * for the same symbol while the client is behind; anything that would push the client past the
   * buffer cap closes it as a slow consumer. Returns whether it went out now.
   */
  send(data: Buffer, conflateKey?: string): boolean {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return false;
    const buffered = this.ws.bufferedAmount - this.corkedBytes;
    if (buffered + data.length > this.limits.maxBufferedBytes) {
      this.closeSlow();
      return false;
    }
    if (conflateKey !== undefined && (buffered > this.limits.conflateAtBytes || this.pendingPrices.size > 0)) {
      if (this.pendingPrices.delete(conflateKey)) this.events.onConflate();
      else if (this.pendingPrices.size === 0) this.events.onPending(this);
      this.pendingPrices.set(conflateKey, data);
      if (buffered <= this.limits.conflateAtBytes) this.flushPending();
      return false;
    }
    this.cork();
    this.socket!.write(data);
    if (this.corked) this.corkedBytes += data.length;
    return true;
  }

  /**
   * Holds this client's writes until `uncork`: everything sent to it in one turn of the event loop
   * leaves in one write system call instead of one per message (the fan-out's main cost).
   */
  private cork(): void {
    if (this.corked) return;
    // ws has no public cork; its socket is a plain net.Socket whose cork nests with ws's own.
    const socket = this.socket;
    if (!socket) return;
    socket.cork();
    this.corked = true;
    this.events.onCork(this);
  }

  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.corkedBytes = 0;
    this.socket?.uncork();
  }

  /** Sends held-back price updates once the client has caught up; returns whether any are still held. */
  flushPending(): boolean {
    if (this.closing) return false;
    if (this.ws.bufferedAmount > this.limits.conflateAtBytes) return true;
    const pending = [...this.pendingPrices.values()];
    this.pendingPrices.clear();
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    for (const data of pending) this.socket!.write(data);
    return false;
  }

  /** Records a refused request; true when the client has been refused too often in 10 s. */
  abusive(now = Date.now()): boolean {
    this.violations = this.violations.filter((t) => now - t < 10_000);
    this.violations.push(now);
    return this.violations.length > this.limits.abuseThreshold;
  }

  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.pendingPrices.clear();
    this.ws.close(code, reason);
    // A peer that does not read will not read the close frame either: drop it soon regardless.
    setTimeout(() => this.ws.terminate(), 2_000).unref();
  }

  private closeSlow(): void {
    if (this.closing) return;
    this.events.onSlow(this);
    this.closing = true;
    this.pendingPrices.clear();
    // Its buffers are already over the cap: free them now rather than queue a close frame behind them.
    this.ws.close(CloseCode.SLOW_CONSUMER, 'slow consumer');
    this.ws.terminate();
  }
}
