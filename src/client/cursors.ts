// Where the client's copy of each symbol's publications ends (seq and epoch): the `since` of a resubscribe, and repeats to drop.
import {
  MAX_SYMBOLS_PER_REQUEST,
  type ClientMessage,
  type DecisionUpdate,
  type SeqRange,
  type ServerMessage,
  type SignalUpdate,
  type SinceCursor,
} from '../protocol/messages.js';

type SubscribeRequest = Extract<ClientMessage, { type: 'subscribe' }>;

type Ack = Extract<ServerMessage, { type: 'subscribed' | 'unsubscribed' }>;

/**
 * Why the server could not replay what a symbol missed (docs/protocol.md, "Recovery"): the cursor was from
 * another signal log (the server's state was reset or is another one), ahead of the log, or older than what
 * the log still retains; or the log lost publications after it (`lost`: a removed or damaged segment).
 */
export type NotRecoveredReason = 'another_log' | 'ahead_of_log' | 'expired' | 'lost';

/** A symbol whose resubscribe came back `recovered: false`: what was published while away is lost to the client. */
export interface NotRecovered {
  symbol: string;
  reason: NotRecoveredReason;
  /** Where the client's copy ended. */
  had: SinceCursor;
  /** Where the server's log is; the client continues from here (its latest publication follows as a snapshot). */
  now: SinceCursor;
  /** With `lost`: the seq ranges the server's log no longer has. */
  missing?: SeqRange[];
}

/**
 * Per symbol, the seq and epoch of the newest publication the client has, from the publications themselves
 * and from the first `subscribed` of each connection (which says where the server's log is when the client
 * joins: its snapshot, or nothing yet at seq 0).
 */
export class Cursors {
  private readonly bySymbol = new Map<string, SinceCursor>();
  /** Symbols acknowledged on the current connection: a second `subscribed` is a repeat, not a new starting point. */
  private readonly joined = new Set<string>();

  get(symbol: string): SinceCursor | undefined {
    return this.bySymbol.get(symbol);
  }

  /** Every symbol's cursor, for a caller that keeps them (e.g. across runs of a script). */
  all(): Record<string, SinceCursor> {
    return Object.fromEntries([...this.bySymbol].map(([symbol, c]) => [symbol, { ...c }]));
  }

  /** The `since` of a subscribe to `symbols`: one cursor per symbol that has one; undefined when none has. */
  since(symbols: string[]): Record<string, SinceCursor> | undefined {
    const entries = symbols.flatMap((s) => {
      const c = this.bySymbol.get(s);
      return c ? [[s, { ...c }] as const] : [];
    });
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }

  /** The requests that subscribe to every one of `symbols` again after a reconnect, each from its cursor when it has one. */
  resubscriptions(symbols: Iterable<string>): SubscribeRequest[] {
    const all = [...symbols];
    const requests: SubscribeRequest[] = [];
    for (let i = 0; i < all.length; i += MAX_SYMBOLS_PER_REQUEST) {
      const batch = all.slice(i, i + MAX_SYMBOLS_PER_REQUEST);
      const since = this.since(batch);
      requests.push({ type: 'subscribe', symbols: batch, ...(since ? { since } : {}) });
    }
    return requests;
  }

  /** A new connection: every symbol will be acknowledged afresh. */
  reconnected(): void {
    this.joined.clear();
  }

  /** The client left the symbol: a later subscribe starts from the server's snapshot, not from an old cursor. */
  forget(symbol: string): void {
    this.bySymbol.delete(symbol);
    this.joined.delete(symbol);
  }

  /**
   * Takes an acknowledgement into account; returns what was lost when the server could not recover the symbol.
   * A `subscribed` that recovered leaves the cursor where it is (the replay moves it on). Otherwise the first
   * one of a connection moves the cursor to the server's head: a snapshot of that publication follows, and the
   * server sends only later ones live. A repeated one is ignored, since a publication of the head it reports may
   * still be on its way.
   */
  acknowledged(ack: Ack): NotRecovered | undefined {
    if (ack.type === 'unsubscribed') {
      // Publications sent before the acknowledgement may have moved the cursor again after forget().
      this.forget(ack.symbol);
      return undefined;
    }
    if (this.joined.has(ack.symbol)) return undefined;
    this.joined.add(ack.symbol);
    if (ack.seq === undefined || ack.epoch === undefined || ack.recovered === true) return undefined;
    const had = this.bySymbol.get(ack.symbol);
    const now = { seq: ack.seq, epoch: ack.epoch };
    this.bySymbol.set(ack.symbol, now);
    if (ack.recovered !== false || had === undefined) return undefined;
    if (ack.missing !== undefined && had.epoch === now.epoch) return { symbol: ack.symbol, reason: 'lost', had, now, missing: ack.missing };
    const reason: NotRecoveredReason = had.epoch !== now.epoch ? 'another_log' : had.seq > now.seq ? 'ahead_of_log' : 'expired';
    return { symbol: ack.symbol, reason, had, now };
  }

  /**
   * Whether a publication is new to the client; it then moves the symbol's cursor. A publication of the same log
   * at or before the cursor is a repeat (the server never sends one; this is defence in depth). A snapshot is
   * always new: it is the server restating its latest publication on purpose.
   */
  accept(publication: SignalUpdate | DecisionUpdate): boolean {
    const { symbol, seq, epoch, trigger } = publication.data;
    if (seq === undefined || epoch === undefined) return true;
    const had = this.bySymbol.get(symbol);
    const sameLog = had?.epoch === epoch;
    if (sameLog && seq <= had.seq) return trigger === 'snapshot';
    this.bySymbol.set(symbol, { seq, epoch });
    return true;
  }
}

const WHY: Record<NotRecoveredReason, string> = {
  another_log: "the server's signal log is another one: it was reset, or runs on another state dir",
  ahead_of_log: "the server's signal log ends before what this client had",
  expired: 'the server no longer keeps them (its --retention)',
  lost: "the server's signal log lost some of them (a removed or damaged segment)",
};

/**
 * One line for a person: which symbol, why, and where it goes on from.
 * @example describeNotRecovered(n) // "AAPL: publications missed while disconnected could not be recovered (…); continuing from #12"
 */
export function describeNotRecovered(n: NotRecovered): string {
  return `${n.symbol}: publications missed while disconnected could not be recovered (${WHY[n.reason]}); continuing from #${n.now.seq}`;
}
