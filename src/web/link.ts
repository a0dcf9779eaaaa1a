// The page's WebSocket to the server it came from: the token as a subprotocol, every frame checked against the protocol's schemas, reconnects that recover what was missed with `since`.
import { backoffDelay } from '../backoff.js';
import { Cursors, describeNotRecovered } from '../client/cursors.js';
import { CloseCode } from '../protocol/errors.js';
import { MAX_SYMBOLS_PER_REQUEST, ServerMessage, type ClientMessage } from '../protocol/messages.js';
import { subprotocols } from '../protocol/subprotocol.js';
import { STALE_MS, type LinkState } from './model.js';

export interface LinkEvents {
  message(message: ServerMessage): void;
  state(state: LinkState): void;
  /** Something the person should know: publications that could not be recovered. */
  notice(text: string): void;
}

/** How often the link checks that the server is still talking. */
const WATCH_MS = 5_000;

/**
 * Connects to `url` and keeps connected: after a loss it reconnects with backoff and subscribes again from each
 * symbol's cursor, so publications go on without a gap or a repeat; a refused token ends it ('refused').
 * @example new Link('ws://127.0.0.1:8000/ws/signals', token, events).open()
 */
export class Link {
  private ws: WebSocket | undefined;
  private readonly symbols = new Set<string>();
  private readonly cursors = new Cursors();
  private attempt = 0;
  private watch: number | undefined;
  private lastMessageAt = 0;

  constructor(
    private readonly url: string,
    private token: string | undefined,
    private readonly events: LinkEvents,
  ) {}

  /**
   * Connects again with another token, after the server refused the last one (a JWT that expired): the symbols and
   * their cursors are kept, so what was published meanwhile is recovered like after any other reconnect.
   */
  retry(token: string): void {
    this.token = token;
    this.open();
  }

  open(): void {
    window.clearInterval(this.watch);
    this.watch = window.setInterval(() => {
      // A connection that says nothing (the server sends a heartbeat every 30 s) is dead, whatever the socket says.
      if (this.ws?.readyState === WebSocket.OPEN && Date.now() - this.lastMessageAt > STALE_MS) this.ws.close(CloseCode.NORMAL, 'stale');
    }, WATCH_MS);
    this.connect();
  }

  /** Subscribes to symbols (now, and again from their cursors after each reconnect). */
  subscribe(symbols: string[]): void {
    for (const s of symbols) this.symbols.add(s);
    for (let i = 0; i < symbols.length; i += MAX_SYMBOLS_PER_REQUEST)
      this.send({ type: 'subscribe', symbols: symbols.slice(i, i + MAX_SYMBOLS_PER_REQUEST) });
  }

  /** Sends a request; dropped while not connected (a reconnect subscribes again by itself). */
  send(message: ClientMessage): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private connect(): void {
    this.events.state({ status: 'connecting' });
    const ws = new WebSocket(this.url, subprotocols(this.token));
    this.ws = ws;
    let welcomed = false;
    ws.onmessage = (event: MessageEvent) => {
      if (ws !== this.ws) return;
      this.lastMessageAt = Date.now();
      const text = typeof event.data === 'string' ? event.data : '';
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        raw = undefined;
      }
      const parsed = ServerMessage.safeParse(raw);
      if (!parsed.success) {
        // A frame outside the documented protocol is a bug on one side or the other: say so where developers look.
        console.error('signals: a frame that is not in the protocol', text.slice(0, 200));
        return;
      }
      const message = parsed.data;
      if (message.type === 'connected') {
        welcomed = true;
        this.attempt = 0;
        this.cursors.reconnected();
        this.events.state({ status: 'open' });
        this.resubscribe();
      }
      this.deliver(message);
    };
    ws.onclose = (event: CloseEvent) => {
      if (ws !== this.ws) return;
      // The server refuses a token with 1008 before its welcome (docs/protocol.md); a later 1008 is a rate limit.
      if (event.code === CloseCode.POLICY_VIOLATION && !welcomed) {
        window.clearInterval(this.watch);
        this.events.state({ status: 'refused', reason: event.reason || 'Authentication failed' });
        return;
      }
      const delay = backoffDelay(this.attempt, 500, 15_000);
      this.attempt += 1;
      const reason = event.reason || (welcomed ? `connection lost (${event.code})` : 'no answer');
      this.events.state({ status: 'reconnecting', at: Date.now() + delay, reason });
      window.setTimeout(() => this.connect(), delay);
    };
  }

  /** Subscribes again to every symbol, each from its cursor when it has one. */
  private resubscribe(): void {
    for (const request of this.cursors.resubscriptions(this.symbols)) this.send(request);
  }

  /** Keeps the cursors (a publication already held is dropped) and hands the message on. */
  private deliver(message: ServerMessage): void {
    if ((message.type === 'signal_update' || message.type === 'decision_update') && !this.cursors.accept(message)) return;
    const lost = message.type === 'subscribed' || message.type === 'unsubscribed' ? this.cursors.acknowledged(message) : undefined;
    this.events.message(message);
    if (lost) this.events.notice(describeNotRecovered(lost));
  }
}
