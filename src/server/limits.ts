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
  /**
   * Token bucket across all connections for the analyses clients cause: `analyze` requests, and subscriptions
   * that start watching a symbol outside the configured ones (whose first quote starts an analysis).
   */
  analyzeTotalBurst: number;
  analyzeTotalPerSecond: number;
  /**
   * Refused requests per address within about 10 s after which the connection is closed with 1008
   * and the address penalised; counted per remote address, so reconnecting does not reset it.
   */
  abuseThreshold: number;
  /** How long new upgrades from a penalised address are refused with HTTP 429. */
  abusePenaltyMs: number;
  /** Failed authentications per address: burst, then refill per minute; beyond, upgrades get HTTP 429. */
  authFailureBurst: number;
  authFailuresPerMinute: number;
  /** TCP connections (HTTP and WebSocket) from one address at once; beyond, HTTP 429 and the socket is closed. */
  maxConnectionsPerAddress: number;
  /** Reads of the log (`history` requests, WebSocket and HTTP) per address: burst, then refill per second. */
  readBurst: number;
  readsPerSecond: number;
  /** Log reads queued on one connection; beyond, `RATE_LIMITED`. */
  maxQueuedReads: number;
  /** Pages of history being read at once, server-wide; more wait their turn. */
  maxReadsInFlight: number;
  /**
   * What reading the log (history pages, recovery replays) may send, in bytes per second: per connection and
   * server-wide, each with a burst of one second's worth. A read past its budget waits; live traffic does not.
   */
  readBytesPerSecond: number;
  readBytesTotalPerSecond: number;
  /** Bytes waiting to be sent above which price updates are conflated. */
  conflateAtBytes: number;
  /** Bytes waiting to be sent above which the client is closed with 4008 "slow consumer". */
  maxBufferedBytes: number;
  /**
   * Bytes waiting to be sent to all clients together. Past it, a client holding more than its share (this
   * divided among the connections, at least 16 KiB) is closed with 4008 "slow consumer" on its next send.
   */
  maxQueuedBytes: number;
  /** Heartbeat and ping interval; a peer silent for two intervals is terminated. */
  heartbeatMs: number;
  /** After a close frame is sent, how long the peer has to answer before its socket is destroyed. */
  closeGraceMs: number;
  /** A connection's handshake (HTTP request through authentication) must finish within this. */
  handshakeTimeoutMs: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxFrameBytes: 16 * 1024,
  maxSubscriptions: 100,
  maxConnections: 20_000,
  messageBurst: 40,
  messagesPerSecond: 20,
  analyzeBurst: 5,
  analyzePerSecond: 1,
  analyzeTotalBurst: 500,
  analyzeTotalPerSecond: 100,
  abuseThreshold: 50,
  abusePenaltyMs: 10_000,
  authFailureBurst: 10,
  authFailuresPerMinute: 10,
  maxConnectionsPerAddress: 1_024,
  readBurst: 20,
  readsPerSecond: 10,
  maxQueuedReads: 4,
  maxReadsInFlight: 32,
  readBytesPerSecond: 2 * 1024 * 1024,
  readBytesTotalPerSecond: 16 * 1024 * 1024,
  conflateAtBytes: 128 * 1024,
  maxBufferedBytes: 1024 * 1024,
  maxQueuedBytes: 256 * 1024 * 1024,
  heartbeatMs: 30_000,
  closeGraceMs: 1_000,
  handshakeTimeoutMs: 10_000,
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
    if (!this.available()) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whether a token is there to take, without taking it. */
  available(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.perSecond);
    this.last = t;
    return this.tokens >= 1;
  }

  /** Milliseconds until a token is there to take (0 when one is). */
  msUntilAvailable(): number {
    return this.available() ? 0 : Math.ceil(((1 - this.tokens) / this.perSecond) * 1000);
  }
}
