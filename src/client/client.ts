// A typed client of the signals server: connect with a token, subscribe, analyze, typed events, reconnect and recover what it missed.
import { backoffDelay } from '../backoff.js';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { CloseCode, type ErrorCode } from '../protocol/errors.js';
import { ServerMessage, type ClientMessage, type SinceCursor } from '../protocol/messages.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import { ConnectError } from './connect-error.js';
import { Cursors, type NotRecovered } from './cursors.js';

export { ConnectError } from './connect-error.js';
export { describeNotRecovered, type NotRecovered, type NotRecoveredReason } from './cursors.js';

export type ConnectedMessage = Extract<ServerMessage, { type: 'connected' }>;

export type ClientState =
  | { status: 'connecting' }
  | { status: 'open'; clientId: string }
  | { status: 'reconnecting'; inMs: number; attempt: number; reason: string }
  | { status: 'closed'; reason: string };

/**
 * One event per message type, named after it, except `error` messages: an EventEmitter treats an
 * unhandled 'error' event as fatal, so the server's error messages arrive as `server_error`.
 */
type EventName<T extends string> = T extends 'error' ? 'server_error' : T;
type ByType = { [M in ServerMessage as EventName<M['type']>]: [M] };
export type ClientEvents = ByType & {
  message: [ServerMessage];
  state: [ClientState];
  /** A frame the client could not read (not JSON, or not a known message). */
  invalid: [string];
  /**
   * After a reconnect, the server could not replay what a symbol missed (`subscribed` with `recovered: false`):
   * the publications in between are lost to this client; its latest follows as a snapshot.
   */
  not_recovered: [NotRecovered];
};

/**
 * Why the server turned a connection away, from the close code, whether its welcome had arrived, and the HTTP
 * status of a refused upgrade; undefined for an ordinary loss of connection.
 * The server closes with 1008 before any message only when it refuses the token (docs/protocol.md), so that,
 * not the reason text, marks an authentication failure; a later 1008 ("rate limit exceeded") is not one.
 */
function refusal(close: { code: number; welcomed: boolean; httpStatus?: number | undefined }): ErrorCode | undefined {
  if (close.code === CloseCode.POLICY_VIOLATION && !close.welcomed) return 'AUTH_FAILED';
  if (close.code === CloseCode.TRY_AGAIN_LATER || close.httpStatus === 503) return 'SERVER_BUSY';
  if (close.httpStatus === 429) return 'RATE_LIMITED';
  return undefined;
}

export interface ClientOptions {
  /** e.g. ws://127.0.0.1:8000/ws/signals */
  url: string;
  token?: string | undefined;
  /** Reconnect after a lost connection (not after a refused token or close()). Default true. */
  reconnect?: boolean;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Give up connecting after this long. */
  connectTimeoutMs?: number;
}

export { backoffDelay } from '../backoff.js';

/**
 * Remembers, per symbol, the seq and epoch of the newest publication it has, and after a reconnect subscribes
 * with those as `since`: the server replays what was missed, so `signal_update` and `decision_update` go on
 * without a gap or a repeat; `not_recovered` says when that could not be done.
 * @example
 * const client = new SignalsClient({ url: 'ws://127.0.0.1:8000/ws/signals' });
 * client.on('signal_update', (m) => console.log(m.data.symbol, m.data.action));
 * client.on('not_recovered', (n) => console.warn(`${n.symbol}: missed publications are lost (${n.reason})`));
 * await client.connect();
 * client.subscribe(['AAPL', 'MSFT']);
 */
export class SignalsClient {
  // Held, not inherited: the declarations of an `extends EventEmitter` need Node.js's types, which a default
  // \`tsc --init\` project does not load (\`"types": []\`); there the class had no \`on\` at all.
  private readonly events = new EventEmitter();
  private ws: WebSocket | undefined;
  private readonly symbols = new Set<string>();
  private readonly cursors = new Cursors();
  private attempt = 0;
  private closedByUser = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  state: ClientState = { status: 'connecting' };

  constructor(private readonly options: ClientOptions) {}

  /** Calls `listener` with each `event` (`signal_update`, `state`, ...: see ClientEvents). */
  on<K extends keyof ClientEvents>(event: K, listener: (...args: ClientEvents[K]) => void): this {
    this.events.on(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Calls `listener` with the next `event` only. */
  once<K extends keyof ClientEvents>(event: K, listener: (...args: ClientEvents[K]) => void): this {
    this.events.once(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** Stops calling a listener given to `on` or `once`. */
  off<K extends keyof ClientEvents>(event: K, listener: (...args: ClientEvents[K]) => void): this {
    this.events.off(event, listener as (...args: unknown[]) => void);
    return this;
  }

  private emit<K extends keyof ClientEvents>(event: K, ...args: ClientEvents[K]): void {
    this.events.emit(event, ...args);
  }

  /** Connects; resolves with the server's welcome. Rejects with CONNECTION_FAILED, AUTH_FAILED, SERVER_BUSY or RATE_LIMITED. */
  connect(): Promise<ConnectedMessage> {
    this.closedByUser = false;
    return new Promise((resolve, reject) => this.open(resolve, reject));
  }

  /** Symbols are sent in the server's canonical form (`brk.b` is `BRK-B`), the form its messages carry. */
  subscribe(symbols: string[]): string {
    const canonical = symbols.map(normaliseSymbol);
    for (const s of canonical) this.symbols.add(s);
    return this.send({ type: 'subscribe', symbols: canonical });
  }

  unsubscribe(symbols: string[]): string {
    const canonical = symbols.map(normaliseSymbol);
    for (const s of canonical) {
      this.symbols.delete(s);
      this.cursors.forget(s);
    }
    return this.send({ type: 'unsubscribe', symbols: canonical });
  }

  /** Per symbol, the seq and epoch of the newest publication received (what a reconnect recovers from). */
  positions(): Record<string, SinceCursor> {
    return this.cursors.all();
  }

  analyze(symbol: string): string {
    const canonical = normaliseSymbol(symbol);
    this.symbols.add(canonical);
    return this.send({ type: 'analyze', symbol: canonical });
  }

  getStatus(): string {
    return this.send({ type: 'get_status' });
  }

  /**
   * Asks for a symbol's logged publications after `sinceSeq` (at most `limit`); they arrive as one `history`
   * message with this request's id.
   */
  history(symbol: string, query: { sinceSeq?: number; limit?: number } = {}): string {
    return this.send({
      type: 'history',
      symbol: normaliseSymbol(symbol),
      ...(query.sinceSeq !== undefined ? { since_seq: query.sinceSeq } : {}),
      ...(query.limit !== undefined ? { limit: query.limit } : {}),
    });
  }

  /**
   * Asks for the server's universe ranked as of a day's close (default: the latest session its market clock has
   * closed): every row, or the top and the bottom `top` and the rows of `symbols`. The answer is one `rank` message
   * with this request's id, or an `error` with it (DATE_OUT_OF_RANGE, RATE_LIMITED).
   * @example client.on('rank', (m) => console.log(m.data.rows[0]?.symbol)); client.rank({ top: 10, symbols: ['AAPL'] });
   */
  rank(query: { asOf?: string; top?: number; symbols?: string[] } = {}): string {
    return this.send({
      type: 'rank',
      ...(query.asOf !== undefined ? { as_of: query.asOf } : {}),
      ...(query.top !== undefined ? { top: query.top } : {}),
      ...(query.symbols !== undefined ? { symbols: query.symbols.map(normaliseSymbol) } : {}),
    });
  }

  close(): void {
    if (this.closedByUser) return;
    this.closedByUser = true;
    clearTimeout(this.retryTimer);
    this.ws?.close(CloseCode.NORMAL, 'client closing');
    this.setState({ status: 'closed', reason: 'closed by client' });
  }

  /** Sends a request with a fresh id (echoed on its reply); returns the id. Dropped when not connected. */
  private send(message: ClientMessage): string {
    const id = `c${this.nextId++}`;
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ ...message, id }));
    return id;
  }

  private setState(state: ClientState): void {
    this.state = state;
    this.emit('state', state);
  }

  private connectError(refused: ErrorCode | undefined, reason: string, httpStatus: number | undefined): ConnectError {
    const url = this.options.url;
    if (refused === 'SERVER_BUSY')
      return new ConnectError('SERVER_BUSY', `the server at ${url} is full or unavailable (${reason}); try again later`, httpStatus);
    if (refused === 'RATE_LIMITED') {
      return new ConnectError(
        'RATE_LIMITED',
        `the server at ${url} refuses connections from this address for now (${reason}); try again later`,
        httpStatus,
      );
    }
    if (httpStatus !== undefined)
      return new ConnectError('CONNECTION_FAILED', `the server at ${url} answered the upgrade with HTTP ${httpStatus}`, httpStatus);
    return new ConnectError('CONNECTION_FAILED', `nothing answered at ${url}`, undefined);
  }

  /** Subscribes again to every symbol after a reconnect, each from its cursor when it has one. */
  private resubscribe(): void {
    for (const request of this.cursors.resubscriptions(this.symbols)) this.send(request);
  }

  /** Emits a message under its type, keeping the cursors up to date; a publication the client already has is dropped. */
  private deliver(message: ServerMessage): void {
    if ((message.type === 'signal_update' || message.type === 'decision_update') && !this.cursors.accept(message)) return;
    const lost = message.type === 'subscribed' || message.type === 'unsubscribed' ? this.cursors.acknowledged(message) : undefined;
    this.emit('message', message);
    this.events.emit(message.type === 'error' ? 'server_error' : message.type, message);
    // After the acknowledgement, before the snapshot that follows it.
    if (lost) this.emit('not_recovered', lost);
  }

  private open(resolve?: (m: ConnectedMessage) => void, reject?: (e: Error) => void): void {
    this.setState({ status: 'connecting' });
    const headers = this.options.token ? { authorization: `Bearer ${this.options.token}` } : undefined;
    const ws = new WebSocket(this.options.url, { headers, handshakeTimeout: this.options.connectTimeoutMs ?? 5_000 });
    this.ws = ws;
    let welcomed = false;
    ws.on('message', (data, isBinary) => {
      const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString();
      let message: ServerMessage;
      try {
        const parsed = ServerMessage.safeParse(JSON.parse(text));
        if (!parsed.success) return void this.emit('invalid', text);
        message = parsed.data;
      } catch {
        return void this.emit('invalid', isBinary ? '<binary>' : text);
      }
      if (message.type === 'connected') {
        welcomed = true;
        this.attempt = 0;
        this.cursors.reconnected();
        this.setState({ status: 'open', clientId: message.client_id });
        this.resubscribe();
        resolve?.(message);
        resolve = undefined;
        reject = undefined;
      }
      this.deliver(message);
    });
    let httpStatus: number | undefined;
    ws.on('unexpected-response', (_request, response) => {
      httpStatus = response.statusCode;
      ws.terminate();
    });
    ws.on('error', () => {
      // 'close' follows with the details; errors here are connection failures.
    });
    ws.on('close', (code, reasonBuffer) => {
      const refused = refusal({ code, welcomed, httpStatus });
      const reason = reasonBuffer.toString() || (httpStatus ? `HTTP ${httpStatus}` : `code ${code}`);
      if (refused === 'AUTH_FAILED') {
        this.setState({ status: 'closed', reason: 'authentication failed' });
        reject?.(new ConnectError('AUTH_FAILED', `the server at ${this.options.url} refused the token (${reason})`, httpStatus));
        return;
      }
      if (!welcomed && reject) {
        this.setState({ status: 'closed', reason });
        reject(this.connectError(refused, reason, httpStatus));
        return;
      }
      if (this.closedByUser || this.options.reconnect === false) {
        this.setState({ status: 'closed', reason });
        return;
      }
      // A full or rate-limiting server is retried like a lost connection: with backoff, so the retries ease off.
      const delay = backoffDelay(this.attempt, this.options.initialDelayMs ?? 500, this.options.maxDelayMs ?? 15_000);
      this.attempt += 1;
      this.setState({ status: 'reconnecting', inMs: delay, attempt: this.attempt, reason });
      this.retryTimer = setTimeout(() => this.open(), delay);
    });
  }
}
