// Per-connection and server-wide limits, each configurable; the defaults are documented in docs/protocol.md.

export interface Limits {
  /** Largest inbound frame; larger closes the connection with 1009. */
  maxFrameBytes: number;
  maxSubscriptions: number;
  maxConnections: number;
  /** Token bucket for all inbound messages: burst and refill per second. */
  messageBurst: number;
  messagesPerSecond: number;
  /** Token bucket for `analyze`. */
  analyzeBurst: number;
  analyzePerSecond: number;
  /** Rate-limited messages within 10 s after which the connection is closed with 1008. */
  abuseThreshold: number;
  /** Bytes waiting to be sent above which price updates are conflated. */
  conflateAtBytes: number;
  /** Bytes waiting to be sent above which the client is closed with 4008 "slow consumer". */
  maxBufferedBytes: number;
  /** Heartbeat and ping interval; a peer silent for two intervals is terminated. */
  heartbeatMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: 64 * 1024,
  maxSubscriptions: 100,
  maxConnections: 20_000,
  messageBurst: 40,
  messagesPerSecond: 20,
  analyzeBurst: 5,
  analyzePerSecond: 1,
  abuseThreshold: 50,
  conflateAtBytes: 128 * 1024,
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 30_000,
};

/** A token bucket: `take()` is false once the burst is spent faster than the refill. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
