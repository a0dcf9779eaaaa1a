// Rooms of connections per symbol, and fan-out: each message serialised once, the same buffer to every subscriber.
import type { ServerMessage } from '../protocol/messages.js';
import { SHARE_FLOOR_BYTES, type Connection } from './connection.js';
import type { Metrics } from './metrics.js';
import type { OutboundPath } from './outbound.js';

export class Hub {
  readonly connections = new Set<Connection>();
  private readonly rooms = new Map<string, Set<Connection>>();
  messagesSent = 0;
  private corked: Connection[] = [];
  /** Connections holding back conflated price updates: the only ones the periodic flush visits. */
  private readonly behind = new Set<Connection>();
  /** Connections that held more than SHARE_FLOOR_BYTES at their last send: the ones the server-wide budget counts. */
  private readonly backlogged = new Set<Connection>();
  /** Their sum, computed at most once per turn of the event loop (undefined: not yet this turn). */
  private queuedThisTurn: number | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly path: OutboundPath,
    /** Bytes queued for all clients together before the ones holding more than their share are closed. */
    private readonly maxQueuedBytes = Infinity,
  ) {}

  /**
   * Whether the bytes queued for all clients are past the budget and `connection`, which would hold `bytes`,
   * holds more than its share (the budget divided among the connections): then it is the one to close.
   */
  overBudget(connection: Connection, bytes: number): boolean {
    this.backlogged.add(connection);
    return this.queued() > this.maxQueuedBytes && bytes > Math.max(SHARE_FLOOR_BYTES, this.maxQueuedBytes / this.connections.size);
  }

  /**
   * Bytes queued for the clients that hold more than SHARE_FLOOR_BYTES (the others hold less than that each).
   * Summed once per turn: within a fan-out the figure is the one from its start.
   */
  queued(): number {
    if (this.queuedThisTurn !== undefined) return this.queuedThisTurn;
    let total = 0;
    for (const c of this.backlogged) {
      const bytes = c.closing ? 0 : c.buffered;
      if (bytes <= SHARE_FLOOR_BYTES) this.backlogged.delete(c);
      else total += bytes;
    }
    this.queuedThisTurn = total;
    process.nextTick(() => (this.queuedThisTurn = undefined));
    return total;
  }

  /**
   * Called when a connection corks. Every corked connection is uncorked at the end of the current
   * task (after its promise jobs), so what one analysis or one price flush sends to a client
   * leaves in one write.
   */
  corkedThisTurn(connection: Connection): void {
    if (this.corked.length === 0) process.nextTick(() => this.uncorkAll());
    this.corked.push(connection);
  }

  private uncorkAll(): void {
    const corked = this.corked;
    this.corked = [];
    for (const c of corked) c.uncork();
  }

  /** Joins a room; returns how many are in it now. */
  join(connection: Connection, symbol: string): number {
    let room = this.rooms.get(symbol);
    if (!room) this.rooms.set(symbol, (room = new Set()));
    room.add(connection);
    connection.subscriptions.add(symbol);
    return room.size;
  }

  /** Leaves a room; returns how many remain in it. */
  leave(connection: Connection, symbol: string): number {
    const room = this.rooms.get(symbol);
    connection.subscriptions.delete(symbol);
    if (!room) return 0;
    room.delete(connection);
    if (room.size === 0) this.rooms.delete(symbol);
    return room.size;
  }

  heldBack(connection: Connection): void {
    this.behind.add(connection);
  }

  /** Sends held-back prices to the clients that have caught up. */
  flushHeldBack(): void {
    for (const c of this.behind) if (!c.flushPending()) this.behind.delete(c);
  }

  /** Removes a connection from every room; returns the symbols whose rooms it emptied. */
  remove(connection: Connection): string[] {
    this.connections.delete(connection);
    this.behind.delete(connection);
    this.backlogged.delete(connection);
    const emptied: string[] = [];
    for (const symbol of [...connection.subscriptions]) {
      if (this.leave(connection, symbol) === 0) emptied.push(symbol);
    }
    return emptied;
  }

  roomSizes(): Record<string, number> {
    return Object.fromEntries([...this.rooms].map(([s, room]) => [s, room.size]));
  }

  /**
   * Sends to every subscriber of `symbol`; price updates may be conflated per client. A numbered
   * publication skips a client that is recovering the symbol or already has that seq.
   */
  broadcast(symbol: string, message: ServerMessage): number {
    const room = this.rooms.get(symbol);
    if (!room || room.size === 0) return 0;
    const data = this.path.prepare(message);
    const key = message.type === 'price_update' ? symbol : undefined;
    const seq = message.type === 'signal_update' || message.type === 'decision_update' ? message.data.seq : undefined;
    let sent = 0;
    for (const connection of room) {
      if (seq !== undefined && !connection.takesPublication(symbol, seq)) continue;
      if (connection.send(data, key)) sent += 1;
    }
    this.count(message.type, sent);
    return sent;
  }

  /** Sends to every connection (heartbeats). */
  broadcastAll(message: ServerMessage): void {
    const data = this.path.prepare(message);
    let sent = 0;
    for (const connection of this.connections) if (connection.send(data)) sent += 1;
    this.count(message.type, sent);
  }

  sendTo(connection: Connection, message: ServerMessage): void {
    if (connection.send(this.path.prepare(message))) this.count(message.type, 1);
  }

  /** Sends a message already serialised; returns whether it went out. */
  sendJson(connection: Connection, type: ServerMessage['type'], json: string): boolean {
    const sent = connection.send(this.path.prepareJson(json));
    if (sent) this.count(type, 1);
    return sent;
  }

  private count(type: string, n: number): void {
    if (n === 0) return;
    this.messagesSent += n;
    this.metrics.messagesOut.inc({ type }, n);
  }
}
