// Per-address accounting: refusals and failed authentications are counted by remote address, so a new connection does not reset them.
import { TokenBucket, type Limits } from './limits.js';
import { Turns } from './read-budget.js';

/** What one remote address has spent; shared by all its connections. */
export interface AddressState {
  /** Requests refused (rate limits): running out closes the connection and penalises the address. */
  readonly refusals: TokenBucket;
  /** Failed authentications: running out refuses further upgrades from the address (HTTP 429). */
  readonly authFailures: TokenBucket;
  /**
   * Reads of the log: a history request (WebSocket or HTTP) takes one or is refused with `RATE_LIMITED`; a
   * `since` replay waits in `replayTurns` for one, so that a client's recovery is slowed, never refused.
   */
  readonly reads: TokenBucket;
  readonly replayTurns: Turns;
  /** Until this time (ms) new upgrades from the address are refused with HTTP 429. */
  penalisedUntil: number;
  /** WebSocket connections open from the address. */
  connections: number;
  /** TCP connections open from the address (HTTP and WebSocket): at most `Limits.maxConnectionsPerAddress`. */
  sockets: number;
  lastActive: number;
}

/** Entries kept at most: an attacker with many addresses cannot grow the table without bound. */
const MAX_ADDRESSES = 65_536;

export class AddressBook {
  private readonly entries = new Map<string, AddressState>();

  constructor(
    private readonly limits: Limits,
    private readonly now: () => number = Date.now,
  ) {}

  get(address: string): AddressState {
    let state = this.entries.get(address);
    if (state) {
      // Map order is insertion order: move it to the end, so eviction takes the least recently active.
      this.entries.delete(address);
    } else {
      // The least recently active goes; its open connections keep their own state object.
      if (this.entries.size >= MAX_ADDRESSES) this.entries.delete(this.entries.keys().next().value!);
      const reads = new TokenBucket(this.limits.readBurst, this.limits.readsPerSecond, this.now);
      state = {
        refusals: new TokenBucket(this.limits.abuseThreshold, this.limits.abuseThreshold / 10, this.now),
        authFailures: new TokenBucket(this.limits.authFailureBurst, this.limits.authFailuresPerMinute / 60, this.now),
        reads,
        replayTurns: new Turns(reads),
        penalisedUntil: 0,
        connections: 0,
        sockets: 0,
        lastActive: this.now(),
      };
    }
    state.lastActive = this.now();
    this.entries.set(address, state);
    return state;
  }

  /** Whether new upgrades from `address` are refused now (abuse penalty or too many failed authentications). */
  refused(address: string): boolean {
    const state = this.entries.get(address);
    if (!state) return false;
    return state.penalisedUntil > this.now() || !state.authFailures.available();
  }

  /** Drops addresses with no connections that have been quiet long enough for their budgets to refill. */
  sweep(quietMs = 60_000): void {
    const cutoff = this.now() - quietMs;
    for (const [address, state] of this.entries) {
      if (state.connections === 0 && state.sockets === 0 && state.lastActive < cutoff && state.penalisedUntil < this.now())
        this.entries.delete(address);
    }
  }
}
