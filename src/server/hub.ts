// Rooms of connections per symbol, and fan-out: each message serialised once, a turn's messages to a room joined once, the same buffer to every subscriber.
import type { ServerMessage } from '../protocol/messages.js';
import { flushBytes, SHARE_FLOOR_BYTES, type Connection } from './connection.js';
import type { Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import type { Outbound, OutboundPath } from './outbound.js';

/** One message of a room's batch: its frame, its conflation key if it is a price, and who is not to get it. */
interface BatchItem {
  readonly type: ServerMessage['type'];
  readonly data: Outbound;
  readonly key: string | undefined;
  /** Subscribers that skip this publication (recovering the symbol, or already sent its seq). */
  readonly skip: Set<Connection> | undefined;
}

/** Messages to one room in this turn, not yet written: their frames go out joined, one write per subscriber. */
interface Batch {
  readonly symbol: string;
  readonly items: BatchItem[];
  bytes: number;
  conflates: boolean;
  /** Every subscriber some item skips: these are sent the items one by one. */
  readonly skipping: Set<Connection>;
}

export class Hub {
  readonly connections = new Set<Connection>();
  private readonly rooms = new Map<string, Set<Connection>>();
  messagesSent = 0;
  /** Messages sent this turn by type, not yet added to the metric. */
  private readonly counted = new Map<string, number>();
  private corked: Connection[] = [];
  /** The room messages of this turn not yet written (on the fast path only: they need pre-built frames). */
  private batch: Batch | undefined;
  /** Counts the turns that wrote anything: a connection written to directly in this one corks for the rest of it. */
  private turn = 0;
  private turnEnding = false;
  private readonly maxQueuedBytes: number;
  private readonly batchBytes: number;
  /** Connections holding back conflated price updates: the only ones the periodic flush visits. */
  private readonly behind = new Set<Connection>();
  /** Connections that held more than SHARE_FLOOR_BYTES at their last send: the ones the server-wide budget counts. */
  private readonly backlogged = new Set<Connection>();
  /** Their sum, computed at most once per turn of the event loop (undefined: not yet this turn). */
  private queuedThisTurn: number | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly path: OutboundPath,
    /** `maxQueuedBytes`: bytes queued for all clients together before the ones holding more than their share are closed. */
    limits: Pick<Limits, 'maxQueuedBytes' | 'maxBufferedBytes'>,
  ) {
    this.maxQueuedBytes = limits.maxQueuedBytes;
    this.batchBytes = flushBytes(limits);
  }

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

  /** Called when a connection corks: it is uncorked at the end of the turn. */
  corkedThisTurn(connection: Connection): void {
    this.endTurnSoon();
    this.corked.push(connection);
  }

  /**
   * The end of the current task, after its promise jobs (a `process.nextTick` queued from within them
   * runs once they are all done): what one analysis or one price flush sent leaves then, a room's
   * batch in one write per subscriber and what was corked in one write per connection.
   */
  private endTurnSoon(): void {
    if (this.turnEnding) return;
    this.turnEnding = true;
    process.nextTick(() => this.endTurn());
  }

  private endTurn(): void {
    this.flush();
    this.flushCounts();
    const corked = this.corked;
    this.corked = [];
    for (const c of corked) c.uncork();
    this.turn += 1;
    this.turnEnding = false;
  }

  /**
   * Writes out the batch of room messages held for this turn: the frames joined once, and the same
   * buffer written to every subscriber that can take it whole (`Connection.takesWhole`); any other is
   * sent the messages one by one, as if there were no batch. Called before anything else is written to
   * a connection, so that each client receives everything in the order it was sent.
   */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    const room = this.rooms.get(batch.symbol);
    if (!room) return;
    const { items } = batch;
    const frames =
      items.length === 1
        ? items[0]!.data.frame!
        : Buffer.concat(
            items.map((item) => item.data.frame!),
            batch.bytes,
          );
    const skipping = batch.skipping.size > 0 ? batch.skipping : undefined;
    let whole = 0;
    for (const connection of room) {
      if (!skipping?.has(connection) && connection.takesWhole(batch.bytes, batch.conflates)) {
        connection.writeWhole(frames, this.turn);
        whole += 1;
        continue;
      }
      for (const item of items) {
        if (!item.skip?.has(connection) && connection.send(item.data, item.key)) this.count(item.type, 1);
      }
    }
    for (const item of items) this.count(item.type, whole);
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
    this.flush();
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
   * publication skips a client that is recovering the symbol or already has that seq. On the fast
   * path the message joins the room's batch for this turn (see `flush`); returns the subscribers it is for.
   */
  broadcast(symbol: string, message: ServerMessage): number {
    const room = this.rooms.get(symbol);
    if (!room || room.size === 0) return 0;
    const data = this.path.prepare(message);
    const key = message.type === 'price_update' ? symbol : undefined;
    const seq = message.type === 'signal_update' || message.type === 'decision_update' ? message.data.seq : undefined;
    if (this.batch && this.batch.symbol !== symbol) this.flush();
    let skip: Set<Connection> | undefined;
    if (seq !== undefined) {
      for (const connection of room) {
        if (!connection.takesPublication(symbol, seq)) (skip ??= new Set()).add(connection);
      }
    }
    if (!data.frame) {
      let sent = 0;
      for (const connection of room) if (!skip?.has(connection) && connection.send(data, key)) sent += 1;
      this.count(message.type, sent);
      return sent;
    }
    const batch = (this.batch ??= { symbol, items: [], bytes: 0, conflates: false, skipping: new Set() });
    batch.items.push({ type: message.type, data, key, skip });
    batch.bytes += data.bytes;
    batch.conflates ||= key !== undefined;
    if (skip) for (const connection of skip) batch.skipping.add(connection);
    this.endTurnSoon();
    if (batch.bytes >= this.batchBytes) this.flush();
    return room.size - (skip?.size ?? 0);
  }

  /** Sends to every connection (heartbeats). */
  broadcastAll(message: ServerMessage): void {
    this.flush();
    const data = this.path.prepare(message);
    let sent = 0;
    for (const connection of this.connections) if (connection.send(data)) sent += 1;
    this.count(message.type, sent);
  }

  sendTo(connection: Connection, message: ServerMessage): void {
    this.flush();
    if (connection.send(this.path.prepare(message))) this.count(message.type, 1);
  }

  /** Sends a message already serialised; returns whether it went out. */
  sendJson(connection: Connection, type: ServerMessage['type'], json: string): boolean {
    return this.sendPrepared(connection, type, this.path.prepareJson(json));
  }

  /** A message already serialised, framed once to be sent to many clients (see `sendPrepared`). */
  prepareJson(json: string): Outbound {
    return this.path.prepareJson(json);
  }

  /** Sends a prepared message: its frame is shared, not copied, by every client it is sent to. Returns whether it went out. */
  sendPrepared(connection: Connection, type: ServerMessage['type'], data: Outbound): boolean {
    this.flush();
    const sent = connection.send(data);
    if (sent) this.count(type, 1);
    return sent;
  }

  /** Counts messages sent: the metric is incremented once per type and turn, not once per message. */
  private count(type: string, n: number): void {
    if (n === 0) return;
    this.messagesSent += n;
    this.counted.set(type, (this.counted.get(type) ?? 0) + n);
    this.endTurnSoon();
  }

  /** Adds the counts of this turn to the metric (also before a scrape). */
  flushCounts(): void {
    for (const [type, n] of this.counted) this.metrics.messagesOut.inc({ type }, n);
    this.counted.clear();
  }
}
