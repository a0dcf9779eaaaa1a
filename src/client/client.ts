// A typed client of the signals server: connect with a token, subscribe, analyze, typed events, reconnect and resubscribe.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { CloseCode, SignalsError, type ErrorCode } from '../protocol/errors.js';
import { ServerMessage, type ClientMessage } from '../protocol/messages.js';
import { normaliseSymbol } from '../protocol/symbol.js';

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

/**
 * Delay before reconnect attempt `attempt` (0-based): exponential from `initial`, capped at `max`,
 * with "equal jitter" (half fixed, half random) so that many clients do not reconnect in step.
 */
export function backoffDelay(attempt: number, initial: number, max: number, random: () => number = Math.random): number {
  const base = Math.min(max, initial * 2 ** attempt);
  return Math.round(base / 2 + (base / 2) * random());
}

/**
 * @example
 * const client = new SignalsClient({ url: 'ws://127.0.0.1:8000/ws/signals' });
 * client.on('signal_update', (m) => console.log(m.data.symbol, m.data.action));
 * await client.connect();
 * client.subscribe(['AAPL', 'MSFT']);
 */
export class SignalsClient extends EventEmitter<ClientEvents> {
  private ws: WebSocket | undefined;
  private readonly symbols = new Set<string>();
  private attempt = 0;
  private closedByUser = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private nextId = 1;
  state: ClientState = { status: 'connecting' };

  constructor(private readonly options: ClientOptions) {
    super();
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
    for (const s of canonical) this.symbols.delete(s);
    return this.send({ type: 'unsubscribe', symbols: canonical });
  }

  analyze(symbol: string): string {
    const canonical = normaliseSymbol(symbol);
    this.symbols.add(canonical);
    return this.send({ type: 'analyze', symbol: canonical });
  }

  getStatus(): string {
    return this.send({ type: 'get_status' });
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

  private connectError(refused: ErrorCode | undefined, reason: string): SignalsError {
    const url = this.options.url;
    if (refused === 'SERVER_BUSY') return new SignalsError('SERVER_BUSY', `the server at ${url} is full or unavailable (${reason}); try again later`);
    if (refused === 'RATE_LIMITED')
      return new SignalsError('RATE_LIMITED', `the server at ${url} refuses connections from this address for now (${reason}); try again later`);
    return new SignalsError('CONNECTION_FAILED', `nothing answered at ${url}`);
  }

  private open(resolve?: (m: ConnectedMessage) => void, reject?: (e: Error) => void): void {
    this.setState({ status: 'connecting' });
    const headers = this.options.token ? { authorization: `Bearer ${this.options.token}` } : undefined;
    const ws = new WebSocket(this.options.url, { headers, handshakeTimeout: this.options.connectTimeoutMs ?? 5_000 });
    this.ws = ws;
    let welcomed = false;
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
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
        this.setState({ status: 'open', clientId: message.client_id });
        if (this.symbols.size > 0) this.send({ type: 'subscribe', symbols: [...this.symbols] });
        resolve?.(message);
        resolve = undefined;
        reject = undefined;
      }
      this.emit('message', message);
      (this.emit as (t: string, m: ServerMessage) => boolean)(message.type === 'error' ? 'server_error' : message.type, message);
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
        reject?.(new SignalsError('AUTH_FAILED', `the server at ${this.options.url} refused the token (${reason})`));
        return;
      }
      if (!welcomed && reject) {
        this.setState({ status: 'closed', reason });
        reject(this.connectError(refused, reason));
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
