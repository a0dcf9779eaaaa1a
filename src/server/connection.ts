// One client connection: its subscriptions, rate limits, liveness, and back-pressure on what it is sent.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { CloseCode, CloseReason } from '../protocol/errors.js';
import type { AddressState } from './addresses.js';
import { TokenBucket, type Limits } from './limits.js';
import type { Outbound, OutboundPath } from './outbound.js';
import { ByteBudget } from './read-budget.js';

/**
 * Bytes a corked socket may gather before they are handed to the kernel (or a quarter of the cap, if
 * less): a client that reads takes a large burst without it counting against its cap, and one that
 * does not cannot make us hold more than the cap, however much is sent to it in one turn.
 */
const CORK_FLUSH_BYTES = 64 * 1024;

/** Bytes of frames held for one client, or one room (see `Hub`), before they are written out within a turn. */
export function flushBytes(limits: Pick<Limits, 'maxBufferedBytes'>): number {
  return Math.min(CORK_FLUSH_BYTES, limits.maxBufferedBytes / 4);
}
/** A client holding less than this is never closed for the server-wide budget: its socket is only busy, not stalled. */
export const SHARE_FLOOR_BYTES = 16 * 1024;

export class Connection {
  readonly subscriptions = new Set<string>();
  readonly messages: TokenBucket;
  readonly analyses: TokenBucket;
  lastSeen = Date.now();
  closing = false;
  /** Per symbol, the seq of the newest publication this client has been sent: nothing older or equal goes twice. */
  readonly lastSeq = new Map<string, number>();
  /**
   * Symbols whose missed publications are being replayed from the log (live ones wait in the log
   * meanwhile), each with the token of the replay under way: a later replay of the symbol replaces it.
   */
  readonly recovering = new Map<string, object>();
  /** What this connection's reads of the log (history pages, replays) may send per second. */
  readonly readBudget: ByteBudget;
  /** History requests of this connection waiting or under way: they are answered one after another, in order. */
  queuedReads = 0;
  reads: Promise<void> = Promise.resolve();
  /** Price updates held back under pressure: only the latest per symbol. */
  private readonly pendingPrices = new Map<string, Outbound>();
  private corked = false;
  /**
   * Frames of this turn for a client whose socket still held unsent bytes when the turn began: they go
   * to the socket as one chunk at the end of the turn. A socket that cannot send keeps one buffer per
   * write, and destroying it makes an error object for each, which for a stalled client is thousands.
   */
  private holding = false;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private readonly flushAt: number;
  /** The hub's turn in which a room's batch was last written to the socket directly (see `writeWhole`). */
  private wroteInTurn = -1;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly endpoint: string,
    /** The accounting shared by every connection from this client's address. */
    readonly address: AddressState,
    private readonly limits: Limits,
    private readonly path: OutboundPath,
    private readonly events: {
      onSlow(connection: Connection): void;
      onConflate(): void;
      onCork(connection: Connection): void;
      /** Writes out what the hub still holds for this turn (rooms' batches), so that what follows goes after it. */
      flush(): void;
      /** The connection now holds back price updates; `flushPending` must be called later. */
      onPending(connection: Connection): void;
      /** Whether the bytes queued for all clients are past their budget and this one (holding `bytes`) is to go. */
      overBudget(connection: Connection, bytes: number): boolean;
    },
  ) {
    this.messages = new TokenBucket(limits.messageBurst, limits.messagesPerSecond);
    this.analyses = new TokenBucket(limits.analyzeBurst, limits.analyzePerSecond);
    this.readBudget = new ByteBudget(limits.readBytesPerSecond);
    this.flushAt = flushBytes(limits);
  }

  /** Bytes queued for this client and not yet taken by the kernel. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  /** Resolves once at most `bytes` wait to be sent to this client, or it is closing. */
  async hasRoom(bytes: number): Promise<void> {
    while (this.ws.bufferedAmount > bytes && !this.closing) {
      // The socket's 'drain' comes when the kernel has taken everything; the timeout covers the public path.
      const socket = this.path.socketOf(this.ws);
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          socket?.off('drain', done);
          resolve();
        };
        const timer = setTimeout(done, 20);
        socket?.once('drain', done);
      });
    }
  }

  /**
   * Sends a prepared message (see `OutboundPath.prepare`): the same bytes go to every subscriber. A
   * price update (with its conflation key) waits in place of any older one for the same symbol while
   * the client is behind; anything that would make the server hold more than the buffer cap for this
   * client closes it as a slow consumer. Returns whether it went out now.
   */
  send(message: Outbound, conflateKey?: string): boolean {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return false;
    const buffered = this.ws.bufferedAmount + this.heldBytes;
    const after = buffered + message.bytes;
    if (after > this.limits.maxBufferedBytes || (buffered > SHARE_FLOOR_BYTES && this.events.overBudget(this, after))) {
      this.closeSlow();
      return false;
    }
    if (conflateKey !== undefined && (buffered > this.limits.conflateAtBytes || this.pendingPrices.size > 0)) {
      if (this.pendingPrices.delete(conflateKey)) this.events.onConflate();
      else if (this.pendingPrices.size === 0) this.events.onPending(this);
      this.pendingPrices.set(conflateKey, message);
      if (buffered <= this.limits.conflateAtBytes) this.flushPending();
      return false;
    }
    this.write(message);
    return true;
  }

  /**
   * Whether `bytes` of frames for several messages (a room's batch, see `Hub`) can go to this client as they
   * are, in one write, with the result that sending them one by one would have: it is open, holds back no
   * prices, and stays within every cap (and below the conflation mark, if the batch holds price updates).
   * Otherwise the caller sends them one by one, which closes, conflates or waits as each message requires.
   */
  takesWhole(bytes: number, conflates: boolean): boolean {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN || this.pendingPrices.size > 0 || !this.path.socketOf(this.ws)) return false;
    const after = this.ws.bufferedAmount + this.heldBytes + bytes;
    if (after > this.limits.maxBufferedBytes || (conflates && after > this.limits.conflateAtBytes)) return false;
    return after <= SHARE_FLOOR_BYTES || !this.events.overBudget(this, after);
  }

  /**
   * Writes frames shared with the other clients of a room, once `takesWhole` said yes. The first write of
   * `turn` goes to the socket as it is (one system call for the whole batch); later ones in the same turn
   * are corked behind it, so that a client sent to from several rooms in one turn still gets few writes.
   */
  writeWhole(frames: Buffer, turn: number): void {
    const socket = this.path.socketOf(this.ws)!;
    if (this.corked || this.wroteInTurn === turn) {
      this.writeFrame(socket, frames);
      return;
    }
    this.wroteInTurn = turn;
    socket.write(frames);
  }

  private write(message: Outbound): void {
    const socket = message.frame ? this.path.socketOf(this.ws) : undefined;
    if (!socket || !message.frame) {
      this.ws.send(message.json);
      return;
    }
    this.writeFrame(socket, message.frame);
  }

  /** Writes a frame to the socket corked for this turn (or holds it, if the socket was backed up when the turn began). */
  private writeFrame(socket: Socket, frame: Buffer): void {
    this.cork(socket);
    if (this.holding) {
      this.held.push(frame);
      this.heldBytes += frame.length;
      return;
    }
    socket.write(frame);
    if (socket.writableLength >= this.flushAt) {
      socket.uncork();
      socket.cork();
    }
  }

  /**
   * Holds this client's writes until `uncork`: everything sent to it in one turn of the event loop
   * leaves in few write system calls instead of one per message (the fan-out's main cost).
   */
  private cork(socket: Socket): void {
    if (this.corked) return;
    this.corked = true;
    this.holding = socket.writableLength > 0;
    // ws has no public cork; its socket is a plain net.Socket whose cork nests with ws's own.
    if (!this.holding) socket.cork();
    this.events.onCork(this);
  }

  uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    const socket = this.path.socketOf(this.ws);
    if (!this.holding) {
      socket?.uncork();
      return;
    }
    this.holding = false;
    const held = this.held;
    this.held = [];
    const bytes = this.heldBytes;
    this.heldBytes = 0;
    if (held.length > 0 && socket && !socket.destroyed) socket.write(held.length === 1 ? held[0]! : Buffer.concat(held, bytes));
  }

  /**
   * Whether publication `seq` of `symbol` should go to this client (not during its recovery, never a
   * seq it already has), and if so, records that it has it.
   */
  takesPublication(symbol: string, seq: number): boolean {
    if (this.recovering.has(symbol) || (this.lastSeq.get(symbol) ?? 0) >= seq) return false;
    this.lastSeq.set(symbol, seq);
    return true;
  }

  /** Sends held-back price updates once the client has caught up; returns whether any are still held. */
  flushPending(): boolean {
    if (this.closing) return false;
    if (this.ws.bufferedAmount > this.limits.conflateAtBytes) return true;
    const pending = [...this.pendingPrices.values()];
    this.pendingPrices.clear();
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    for (const message of pending) this.write(message);
    return false;
  }

  /** Runs `action` after `ms` unless the connection has gone by then (timers are cleared on `closed`). */
  after(ms: number, action: () => void): void {
    this.timers.push(setTimeout(action, ms).unref());
  }

  /**
   * Sends a close frame and stops reading: nothing more from this peer is processed. A peer that does
   * not answer within the grace period (it may not be reading at all) has its socket destroyed.
   */
  close(code: number, reason: string): void {
    if (this.closing) return;
    // What this turn already sent goes first, so the close frame is the last thing the client reads.
    this.events.flush();
    this.uncork();
    this.closing = true;
    this.pendingPrices.clear();
    this.ws.pause();
    this.ws.close(code, reason);
    this.after(this.limits.closeGraceMs, () => this.ws.terminate());
  }

  /** ws found a broken frame and has already sent its close (1002, 1007 or 1009): give that frame time to leave. */
  closeAfterError(): void {
    if (this.closing) return;
    this.closing = true;
    this.pendingPrices.clear();
    this.after(this.limits.closeGraceMs, () => this.ws.terminate());
  }

  /** The socket is gone: drop timers and held data. */
  closed(): void {
    this.closing = true;
    this.pendingPrices.clear();
    this.held = [];
    this.heldBytes = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
  }

  private closeSlow(): void {
    if (this.closing) return;
    this.events.onSlow(this);
    // The close frame queues behind what the peer has not read; it gets the grace period to catch up.
    this.close(CloseCode.SLOW_CONSUMER, CloseReason.SLOW_CONSUMER);
  }
}
