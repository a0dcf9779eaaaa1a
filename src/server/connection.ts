// One client connection: its subscriptions, rate limits, liveness, and back-pressure on what it is sent.
import type { WebSocket } from 'ws';
import { CloseCode } from '../protocol/errors.js';
import { TokenBucket, type Limits } from './limits.js';

export class Connection {
  readonly subscriptions = new Set<string>();
  readonly messages: TokenBucket;
  readonly analyses: TokenBucket;
  lastSeen = Date.now();
  closing = false;
  /** Price updates held back under pressure: only the latest per symbol. */
  private readonly pendingPrices = new Map<string, Buffer>();
  private violations: number[] = [];

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly endpoint: string,
    private readonly limits: Limits,
    private readonly events: { onSlow(connection: Connection): void; onConflate(): void },
  ) {
    this.messages = new TokenBucket(limits.messageBurst, limits.messagesPerSecond);
    this.analyses = new TokenBucket(limits.analyzeBurst, limits.analyzePerSecond);
  }

  /**
   * Sends a serialised message. A price update (with its conflation key) waits in place of any
   * older one for the same symbol while the client is behind; anything that would push the
   * client past the buffer cap closes it as a slow consumer. Returns whether it went out now.
   */
  send(data: Buffer, conflateKey?: string): boolean {
    if (this.closing) return false;
    const buffered = this.ws.bufferedAmount;
    if (buffered + data.length > this.limits.maxBufferedBytes) {
      this.closeSlow();
      return false;
    }
    if (conflateKey !== undefined && (buffered > this.limits.conflateAtBytes || this.pendingPrices.size > 0)) {
      if (this.pendingPrices.delete(conflateKey)) this.events.onConflate();
      this.pendingPrices.set(conflateKey, data);
      if (buffered <= this.limits.conflateAtBytes) this.flushPending();
      return false;
    }
    this.ws.send(data, { binary: false });
    return true;
  }

  get hasPending(): boolean {
    return this.pendingPrices.size > 0;
  }

  /** Sends held-back price updates once the client has caught up. */
  flushPending(): void {
    if (this.closing || this.ws.bufferedAmount > this.limits.conflateAtBytes) return;
    const pending = [...this.pendingPrices.values()];
    this.pendingPrices.clear();
    for (const data of pending) this.ws.send(data, { binary: false });
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
