// What a connection may ask and how each request is answered: validation, rate limits, subscriptions, analyses, errors.
import type { RawData } from 'ws';
import type { Logger } from '../core/log.js';
import type { SignalCore } from '../core/signal-core.js';
import { CloseCode, CloseReason, ErrorCode, SignalsError } from '../protocol/errors.js';
import { pickRows } from '../core/rank.js';
import { clientMessageTypes, clientSchemas, type RankRequest, type SinceCursor } from '../protocol/messages.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { Connection } from './connection.js';
import { historyPage, SLICE_RECORDS, type HistoryQuery } from './history.js';
import type { StatusData } from './http.js';
import type { Hub } from './hub.js';
import { TokenBucket, type Limits } from './limits.js';
import type { Metrics } from './metrics.js';
import type { Outbound } from './outbound.js';
import { paid, type ByteBudget, type Slots } from './read-budget.js';

export type RequestId = string | number | undefined;
/** A symbol's latest publication, framed once to be sent to every new subscriber. */
interface Snapshot {
  readonly type: 'signal_update' | 'decision_update';
  readonly seq: number;
  readonly epoch: string;
  readonly data: Outbound;
}
const now = () => new Date().toISOString();
/** No request nests deeper than 4 levels (since cursors); 32 leaves room without letting JSON.parse recurse far. */
const MAX_NESTING = 32;

export interface RequestContext {
  core: SignalCore;
  hub: Hub;
  limits: Limits;
  metrics: Metrics;
  logger: Logger;
  status(): StatusData;
  /** What reads of the log may send per second server-wide, and how many history pages are read at once. */
  reads: { total: ByteBudget; slots: Slots };
}

export class Requests {
  private readonly snapshots = new Map<string, Snapshot>();
  /** The analyses all clients together may cause (see `Limits.analyzeTotalBurst`). */
  private readonly analysesTotal: TokenBucket;
  /** Connections with a `rank` under way: one at a time each. */
  private readonly ranking = new WeakSet<Connection>();
  /** Per connection, the replays waiting for their turn, by symbol, in the order they were asked for. */
  private readonly replays = new WeakMap<Connection, Map<string, { after: number; token: object }>>();

  constructor(private readonly context: RequestContext) {
    this.analysesTotal = new TokenBucket(context.limits.analyzeTotalBurst, context.limits.analyzeTotalPerSecond);
  }

  /** Takes one analysis from the connection's analyze limit and the server's, if both have one. */
  takeAnalysis(connection: Connection): boolean {
    if (!connection.analyses.available() || !this.analysesTotal.available()) return false;
    connection.analyses.take();
    this.analysesTotal.take();
    return true;
  }

  /** Handles one frame from a client: never throws; an unexpected failure is answered with INTERNAL. */
  onMessage(connection: Connection, data: RawData, isBinary: boolean, pathSymbol: string | undefined): void {
    // Frames already read when the close began are dropped unprocessed: a flood costs nothing after its close.
    if (connection.closing) return;
    connection.lastSeen = Date.now();
    this.context.metrics.messagesIn.inc();
    try {
      this.dispatch(connection, data, isBinary, pathSymbol);
    } catch (error) {
      this.context.metrics.internalErrors.inc();
      this.context.logger.error('request failed', { client_id: connection.id, error: String(error) });
      this.error(connection, ErrorCode.INTERNAL, 'the server could not handle this request', undefined);
    }
  }

  private dispatch(connection: Connection, data: RawData, isBinary: boolean, pathSymbol: string | undefined): void {
    if (!connection.messages.take()) return this.rateLimited(connection, undefined, 'too many messages');
    if (isBinary) {
      return this.error(connection, ErrorCode.BINARY_NOT_SUPPORTED, 'binary frames are not supported; send JSON text', undefined);
    }
    // The server's binaryType is ws's default, nodebuffer: a text message arrives as one Buffer.
    const text = (data as Buffer).toString('utf8');
    let raw: unknown;
    try {
      // Deep nesting is never a request, and parsing it costs far more than its size suggests.
      if (nestedDeeperThan(text, MAX_NESTING)) throw new SyntaxError('too deep');
      raw = JSON.parse(text);
    } catch {
      this.alert(connection, 'error', 'Invalid JSON format', 'error', ErrorCode.INVALID_JSON, undefined);
      return this.error(connection, ErrorCode.INVALID_JSON, 'Invalid JSON format', undefined);
    }
    const id = requestId(raw);
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !(clientMessageTypes as readonly string[]).includes(type)) {
      const shown = clip(typeof type === 'string' ? type : String(type));
      this.alert(connection, 'warning', `Unknown message type: ${shown}`, 'warning', ErrorCode.UNKNOWN_TYPE, id);
      return this.error(connection, ErrorCode.UNKNOWN_TYPE, `Unknown message type: ${shown}; expected one of ${clientMessageTypes.join(', ')}`, id);
    }
    const parsed = clientSchemas[type as keyof typeof clientSchemas].safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length > 0 ? `${clip(issue.path.join('.'))}: ` : '';
      return this.error(connection, ErrorCode.INVALID_MESSAGE, `invalid ${type}: ${where}${clip(issue.message)}`, id);
    }
    const message = parsed.data;
    switch (message.type) {
      case 'subscribe':
        return this.subscribe(connection, symbolsOf(message), message.id, sinceOf(message));
      case 'unsubscribe':
        return this.unsubscribe(connection, symbolsOf(message), message.id);
      case 'analyze': {
        const symbol = message.symbol ?? pathSymbol;
        if (symbol === undefined) return this.error(connection, ErrorCode.INVALID_MESSAGE, 'invalid analyze: symbol is required', message.id);
        return this.analyze(connection, normaliseSymbol(symbol), message.id);
      }
      case 'get_status':
        return this.context.hub.sendTo(connection, {
          type: 'status_update',
          data: this.context.status(),
          ...(message.id !== undefined ? { id: message.id } : {}),
        });
      case 'heartbeat':
        return this.context.hub.sendTo(connection, { type: 'heartbeat', timestamp: now(), ...(message.id !== undefined ? { id: message.id } : {}) });
      case 'history':
        return this.history(connection, normaliseSymbol(message.symbol), message, message.id);
      case 'rank':
        return this.rank(connection, message);
    }
  }

  /**
   * Queues a history request behind the connection's earlier ones, within its address's read limit. Each
   * page waits until the client has read what it was sent, and is read in slices within the read budgets.
   */
  private history(connection: Connection, symbol: string, query: HistoryQuery, id: RequestId): void {
    const { limits, reads } = this.context;
    if (connection.queuedReads >= limits.maxQueuedReads) return this.rateLimited(connection, id, 'too many history requests under way');
    if (!connection.address.reads.take()) return this.rateLimited(connection, id, 'too many history requests from this address');
    connection.queuedReads += 1;
    this.context.metrics.logReads.inc({ kind: 'history' });
    const read = async () => {
      await connection.hasRoom(limits.conflateAtBytes);
      if (connection.closing) return;
      const chunks: string[] = [];
      const page = await reads.slots.run(() =>
        historyPage(this.context.core, symbol, query, {
          prefix: '"type":"history",',
          suffix: id !== undefined ? `,"id":${JSON.stringify(id)}` : '',
          write: (chunk) => void chunks.push(chunk),
          paid: (bytes) => paid(bytes, [connection.readBudget, reads.total]),
        }),
      );
      if (!page.ok) return this.error(connection, page.code, page.message, id);
      this.context.hub.sendJson(connection, 'history', chunks.join(''));
    };
    connection.reads = connection.reads
      .then(read)
      .catch((error: unknown) => {
        this.context.metrics.internalErrors.inc();
        this.context.logger.error('history failed', { symbol, error: String(error) });
        this.error(connection, ErrorCode.INTERNAL, 'the server could not read the history', id);
      })
      .finally(() => (connection.queuedReads -= 1));
  }

  /**
   * Joins the rooms of the distinct symbols asked for. Each is acknowledged once, with the symbol's
   * seq and the log's epoch; only a symbol the connection newly joins gets more: what it missed after
   * its `since` cursor (replayed from the log, then live), or else the latest signal as a snapshot.
   * Repeating a subscribe costs the server little. A symbol outside the configured ones that nobody watches
   * yet is analysed on its first quote only if the connection's analyze limit (and the server's) has an
   * analysis left (or `paid`: the caller took it): a subscribe and unsubscribe loop cannot flood the log.
   */
  subscribe(
    connection: Connection,
    raw: string[],
    id: RequestId,
    since: (symbol: string) => SinceCursor | undefined = () => undefined,
    paid = false,
  ): void {
    const core = this.context.core;
    const refused: string[] = [];
    const timestamp = now();
    for (const symbol of new Set(raw.map(normaliseSymbol))) {
      if (!this.context.core.has(symbol)) {
        this.error(connection, ErrorCode.UNKNOWN_SYMBOL, `unknown symbol ${symbol}; the connected message lists the symbols`, id);
        continue;
      }
      const already = connection.subscriptions.has(symbol);
      if (!already && connection.subscriptions.size >= this.context.limits.maxSubscriptions) {
        refused.push(symbol);
        continue;
      }
      // The first subscriber of a symbol makes the core watch it (the last to leave releases it); a provider's
      // symbol limit may refuse it, and then this subscription fails alone.
      if (!already && this.context.hub.join(connection, symbol) === 1) {
        try {
          core.watch(symbol, { analyse: paid || !core.watchAnalyses(symbol) || this.takeAnalysis(connection) });
        } catch (error) {
          this.context.hub.leave(connection, symbol);
          if (!(error instanceof SignalsError)) throw error;
          this.error(connection, error.code, error.message, id);
          continue;
        }
      }
      const cursor = already ? undefined : since(symbol);
      // What the log lost after the cursor (a removed or damaged segment): then it cannot be recovered either.
      const missing = cursor?.epoch === core.epoch ? core.missing(symbol, cursor.seq, core.head(symbol)) : [];
      const recovered = cursor !== undefined ? missing.length === 0 && this.recoverable(symbol, cursor) : undefined;
      this.context.hub.sendTo(connection, {
        type: 'subscribed',
        symbol,
        status: 'subscribed',
        timestamp,
        seq: core.head(symbol),
        epoch: core.epoch,
        ...(recovered !== undefined ? { recovered } : {}),
        ...(missing.length > 0 ? { missing } : {}),
        ...(id !== undefined ? { id } : {}),
      });
      if (already) continue;
      if (recovered && cursor) {
        // Nothing missed: no read of the log; whatever is logged from now on goes out live.
        if (cursor.seq >= core.head(symbol)) connection.lastSeq.set(symbol, cursor.seq);
        else this.replay(connection, symbol, cursor.seq);
        continue;
      }
      const snapshot = this.snapshot(symbol);
      if (snapshot) {
        connection.lastSeq.set(symbol, snapshot.seq);
        this.context.hub.sendPrepared(connection, snapshot.type, snapshot.data);
      }
    }
    if (refused.length > 0) {
      this.error(
        connection,
        ErrorCode.TOO_MANY_SUBSCRIPTIONS,
        `at most ${this.context.limits.maxSubscriptions} subscriptions per connection; not subscribed: ${refused.join(', ')}`,
        id,
      );
    }
  }

  /**
   * The symbol's latest publication as a snapshot (trigger `snapshot`), serialised and framed once per publication
   * however many clients subscribe: a burst of subscribes costs a map lookup each, and every one of them is sent
   * the same buffer.
   */
  private snapshot(symbol: string): Snapshot | undefined {
    const last = this.context.core.latest(symbol);
    if (!last) return undefined;
    const seq = last.data.seq ?? 0;
    const { epoch } = this.context.core;
    const cached = this.snapshots.get(symbol);
    if (cached?.seq === seq && cached.epoch === epoch) return cached;
    // Under the log's epoch now: after a lost tail the log took a new one, which its older records belong to as well.
    const json = JSON.stringify({ ...last, data: { ...last.data, trigger: 'snapshot', epoch } });
    const fresh = { type: last.type, seq, epoch, data: this.context.hub.prepareJson(json) };
    this.snapshots.set(symbol, fresh);
    return fresh;
  }

  /** Whether everything after `cursor` is still in the log: the same epoch, a seq not ahead of the log, none trimmed. */
  private recoverable(symbol: string, cursor: SinceCursor): boolean {
    const { core } = this.context;
    const head = core.head(symbol);
    if (cursor.epoch !== core.epoch || cursor.seq > head) return false;
    return cursor.seq === head || cursor.seq + 1 >= core.oldest(symbol);
  }

  /**
   * Replays the publications after `after` from the log (see `replayNow`). Live ones of the symbol skip the
   * connection from now on (they are in the log). A connection's replays run one after another, each once its
   * address has a read for it (`AddressState.replayTurns`): a loop of subscribes with `since` and unsubscribes,
   * from however many connections of one address, reads the log no more often than history requests may.
   */
  private replay(connection: Connection, symbol: string, after: number): void {
    const token = {};
    connection.recovering.set(symbol, token);
    connection.lastSeq.set(symbol, after);
    const waiting = this.replays.get(connection);
    if (waiting) {
      // A newer subscribe of the symbol replaces the one waiting.
      waiting.delete(symbol);
      waiting.set(symbol, { after, token });
      return;
    }
    const queue = new Map([[symbol, { after, token }]]);
    this.replays.set(connection, queue);
    void this.runReplays(connection, queue);
  }

  private async runReplays(connection: Connection, queue: Map<string, { after: number; token: object }>): Promise<void> {
    while (queue.size > 0 && !connection.closing) {
      const [symbol, { after, token }] = queue.entries().next().value!;
      queue.delete(symbol);
      /** Whether this replay is still the symbol's: an unsubscribe, or a newer subscribe with since, ends it. */
      const current = () => !connection.closing && connection.recovering.get(symbol) === token;
      if (!current() || !(await connection.address.replayTurns.take(current))) continue;
      this.context.metrics.logReads.inc({ kind: 'replay' });
      try {
        await this.replayNow(connection, symbol, after, current);
      } catch (error) {
        this.context.metrics.internalErrors.inc();
        this.context.logger.error('recovery failed', { client_id: connection.id, symbol, error: String(error) });
      } finally {
        if (connection.recovering.get(symbol) === token) connection.recovering.delete(symbol);
      }
    }
    this.replays.delete(connection);
  }

  /**
   * Sends the publications after `after` from the log, in order and paced by the client's reading and the
   * read budgets (each slice read once the budgets are out of debt, and paid for before the next), while live
   * ones of the symbol skip it (they are in the log); it stops recovering in the same turn in which it finds
   * itself at the log's head, so nothing falls between replay and live.
   */
  private async replayNow(connection: Connection, symbol: string, after: number, current: () => boolean): Promise<void> {
    const { core, hub, limits, reads } = this.context;
    const budgets = [connection.readBudget, reads.total];
    // A replay starts only once the budgets are out of debt: a new one is no way around them.
    await paid(0, budgets);
    let cursor = after;
    for (;;) {
      if (!current()) return;
      const records = await reads.slots.run(() => core.history(symbol, { afterSeq: cursor, limit: SLICE_RECORDS }));
      let bytes = 0;
      for (const r of records) {
        // Never more than the conflation mark queued: a replay can be far larger than a client's cap.
        if (connection.buffered > limits.conflateAtBytes) await connection.hasRoom(limits.conflateAtBytes);
        if (!current() || !hub.sendJson(connection, publicationType(r.json), r.json)) return;
        cursor = r.seq;
        bytes += r.json.length;
        connection.lastSeq.set(symbol, r.seq);
      }
      // At the head (or nothing left to read: trimmed meanwhile), synchronously with the check: a
      // publication logged from now on is emitted after this, and goes out live.
      if (cursor >= core.head(symbol) || records.length === 0) {
        if (current()) connection.recovering.delete(symbol);
        return;
      }
      await paid(bytes, budgets);
    }
  }

  private unsubscribe(connection: Connection, raw: string[], id: RequestId): void {
    for (const symbol of new Set(raw.map(normaliseSymbol))) {
      connection.recovering.delete(symbol);
      connection.lastSeq.delete(symbol);
      if (connection.subscriptions.has(symbol) && this.context.hub.leave(connection, symbol) === 0) this.context.core.release(symbol);
      this.context.hub.sendTo(connection, {
        type: 'unsubscribed',
        symbol,
        status: 'unsubscribed',
        timestamp: now(),
        ...(id !== undefined ? { id } : {}),
      });
    }
  }

  private analyze(connection: Connection, symbol: string, id: RequestId): void {
    if (!this.context.core.has(symbol)) {
      return this.error(connection, ErrorCode.UNKNOWN_SYMBOL, `unknown symbol ${symbol}; the connected message lists the symbols`, id);
    }
    if (!this.takeAnalysis(connection)) return this.rateLimited(connection, id, 'too many analyze requests');
    if (!connection.subscriptions.has(symbol)) this.subscribe(connection, [symbol], id, undefined, true);
    this.alert(connection, 'analysis_started', `Analysis started for ${symbol}`, 'info', undefined, id);
    this.context.core.request(symbol, 'manual');
  }

  /**
   * Answers with the day's ranking of the universe (the core's, computed once per day for every client), the rows
   * asked for. It costs one analysis of the analyze limits, and a connection has one under way at a time.
   */
  private rank(connection: Connection, message: RankRequest): void {
    const id = message.id;
    if (this.ranking.has(connection)) return this.rateLimited(connection, id, 'a rank request is under way on this connection');
    if (!this.takeAnalysis(connection)) return this.rateLimited(connection, id, 'too many analyze and rank requests');
    this.ranking.add(connection);
    const symbols = message.symbols?.map(normaliseSymbol);
    this.context.core
      .rank(message.as_of)
      .then(
        (result) => {
          if (connection.closing) return;
          this.context.hub.sendTo(connection, { type: 'rank', data: pickRows(result, message.top, symbols), ...(id !== undefined ? { id } : {}) });
        },
        (error: unknown) => {
          if (error instanceof SignalsError) return this.error(connection, error.code, error.message, id);
          this.context.metrics.internalErrors.inc();
          this.context.logger.error('rank failed', { client_id: connection.id, error: String(error) });
          this.error(connection, ErrorCode.INTERNAL, 'the server could not rank the universe', id);
        },
      )
      .finally(() => this.ranking.delete(connection));
  }

  /**
   * A refused request. Refusals are counted per address: once its budget is spent, the connection
   * is closed with 1008 and the address may not open new ones for the penalty period.
   */
  private rateLimited(connection: Connection, id: RequestId, what: string): void {
    this.context.metrics.rateLimited.inc();
    if (!connection.address.refusals.take()) {
      connection.address.penalisedUntil = Date.now() + this.context.limits.abusePenaltyMs;
      this.context.logger.warn('rate limit abuse: connection closed, address penalised', {
        client_id: connection.id,
        penalty_ms: this.context.limits.abusePenaltyMs,
      });
      connection.close(CloseCode.POLICY_VIOLATION, CloseReason.RATE_LIMITED);
      return;
    }
    this.error(connection, ErrorCode.RATE_LIMITED, `${what}; slow down`, id);
  }

  error(connection: Connection, code: ErrorCode, message: string, id: RequestId): void {
    this.context.hub.sendTo(connection, { type: 'error', error: message, code, timestamp: now(), ...(id !== undefined ? { id } : {}) });
  }

  private alert(
    connection: Connection,
    alertType: string,
    message: string,
    severity: 'info' | 'warning' | 'error',
    code: string | undefined,
    id: RequestId,
  ): void {
    this.context.hub.sendTo(connection, {
      type: 'alert',
      alert_type: alertType,
      message,
      severity,
      timestamp: now(),
      ...(code ? { code } : {}),
      ...(id !== undefined ? { id } : {}),
    });
  }
}

/** The `id` of a request that may not have passed validation: echoed only when it is within the documented form. */
function requestId(raw: unknown): RequestId {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  if (typeof id === 'string') return id.length <= 128 ? id : undefined;
  return typeof id === 'number' && Number.isFinite(id) ? id : undefined;
}

/** Client text quoted back in an error, cut short so an error is never much larger than the request's valid form. */
function clip(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** The `since` cursor of each symbol of a subscribe: one cursor for `symbol` (or a lone entry of `symbols`), or one per symbol. */
function sinceOf(message: {
  symbol?: string | undefined;
  symbols?: string[] | undefined;
  since?: SinceCursor | Record<string, SinceCursor> | undefined;
}) {
  const { since } = message;
  if (since === undefined) return () => undefined;
  if ('seq' in since && typeof since.seq === 'number') {
    const only = message.symbol ?? (message.symbols?.length === 1 ? message.symbols[0] : undefined);
    const target = only === undefined ? undefined : normaliseSymbol(only);
    return (symbol: string) => (symbol === target ? (since as SinceCursor) : undefined);
  }
  const bySymbol = new Map(Object.entries(since as Record<string, SinceCursor>).map(([s, c]) => [normaliseSymbol(s), c]));
  return (symbol: string) => bySymbol.get(symbol);
}

/** Whether `text` (JSON or not) opens more than `max` arrays and objects inside each other, outside strings. */
function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

/** Logged publications are signal_update or decision_update; the JSON says which in its first field. */
function publicationType(json: string): 'signal_update' | 'decision_update' {
  return json.startsWith('{"type":"signal_update"') ? 'signal_update' : 'decision_update';
}

function symbolsOf(message: { symbol?: string | undefined; symbols?: string[] | undefined }): string[] {
  return [...(message.symbol !== undefined ? [message.symbol] : []), ...(message.symbols ?? [])];
}
