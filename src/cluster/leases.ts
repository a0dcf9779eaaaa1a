// Per-symbol analysis leases in Redis: taken with SET NX PX, renewed by their holder, released by compare-and-delete.
import type { Redis } from 'ioredis';
import { redisKeys } from '../log/redis-keys.js';

/** KEYS: lease. ARGV: node, ttl ms. Takes a free lease or renews this node's; returns the holder either way. */
const CLAIM = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return ARGV[1] end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return holder
`;

/** KEYS: lease. ARGV: node. Deletes the lease only if this node holds it: a lapsed one may be another's by now. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

type LeaseCommands = {
  signalsClaim(lease: string, node: string, ttlMs: number): Promise<string | null>;
  signalsRelease(lease: string, node: string): Promise<number>;
};

/** The same commands queued in a pipeline: they return the pipeline, and `exec` sends them all. */
type LeasePipeline = {
  signalsClaim(lease: string, node: string, ttlMs: number): unknown;
  signalsRelease(lease: string, node: string): unknown;
  exec(): Promise<[Error | null, unknown][] | null>;
};

export interface Changes {
  gained: string[];
  lost: string[];
}

/**
 * A lease lives `ttlMs` in Redis from its last renewal. This node counts it as held only until `ttlMs`
 * after it *sent* the renewal, so it stops analysing a symbol no later than Redis lets another node take it,
 * whether or not Redis can be reached.
 *
 * @example
 * const leases = new Leases(redis, 'node-a', 900);
 * const { gained } = await leases.renew(['AAPL', 'MSFT']);
 * if (leases.holds('AAPL')) analyse('AAPL');
 */
export class Leases {
  private readonly redis: Redis & LeaseCommands;
  /** Symbol -> until when (performance.now()) this node holds its lease. */
  private readonly held = new Map<string, number>();
  /** Symbol -> the node that held its lease when last asked. */
  private readonly lastHolders = new Map<string, string>();

  constructor(
    redis: Redis,
    private readonly nodeId: string,
    private readonly ttlMs: number,
  ) {
    redis.defineCommand('signalsClaim', { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand('signalsRelease', { numberOfKeys: 1, lua: RELEASE });
    this.redis = redis as Redis & LeaseCommands;
  }

  holds(symbol: string): boolean {
    return (this.held.get(symbol) ?? 0) > performance.now();
  }

  /** The node holding `symbol`'s lease when last asked (this one's id when it is this node). */
  holder(symbol: string): string | undefined {
    return this.holds(symbol) ? this.nodeId : this.lastHolders.get(symbol);
  }

  /** Symbol -> its holder, for each symbol this node asked about at its last renewal (fresher than any node's report). */
  holders(): Map<string, string> {
    const now = new Map(this.lastHolders);
    for (const symbol of this.owned()) now.set(symbol, this.nodeId);
    return now;
  }

  owned(): string[] {
    return [...this.held.keys()].filter((s) => this.holds(s)).sort();
  }

  /** Takes or renews the lease of each of `symbols`, in one round trip, and releases the held ones not among them. */
  async renew(symbols: string[]): Promise<Changes> {
    const before = new Set(this.owned());
    const wanted = new Set(symbols);
    const pipeline = this.redis.pipeline() as unknown as LeasePipeline;
    const sent = performance.now();
    for (const symbol of wanted) pipeline.signalsClaim(redisKeys.lease(symbol), this.nodeId, this.ttlMs);
    const dropped = [...this.held.keys()].filter((s) => !wanted.has(s));
    for (const symbol of dropped) pipeline.signalsRelease(redisKeys.lease(symbol), this.nodeId);
    const replies = (await pipeline.exec()) ?? [];
    [...wanted].forEach((symbol, i) => {
      const [error, holder] = replies[i] ?? [];
      if (error || typeof holder !== 'string') return;
      this.lastHolders.set(symbol, holder);
      if (holder === this.nodeId) this.held.set(symbol, sent + this.ttlMs);
      else this.held.delete(symbol);
    });
    for (const symbol of dropped) this.held.delete(symbol);
    for (const symbol of this.lastHolders.keys()) if (!wanted.has(symbol)) this.lastHolders.delete(symbol);
    const after = new Set(this.owned());
    return { gained: [...after].filter((s) => !before.has(s)), lost: [...before].filter((s) => !after.has(s)) };
  }

  /** Takes or renews one lease now; whether this node holds it. */
  async claim(symbol: string): Promise<boolean> {
    const sent = performance.now();
    const holder = await this.redis.signalsClaim(redisKeys.lease(symbol), this.nodeId, this.ttlMs);
    if (holder !== null) this.lastHolders.set(symbol, holder);
    if (holder !== this.nodeId) return false;
    this.held.set(symbol, sent + this.ttlMs);
    return true;
  }

  /** Gives every held lease back, so that other nodes take the symbols at once rather than when the leases lapse. */
  async releaseAll(): Promise<void> {
    const symbols = [...this.held.keys()];
    this.held.clear();
    if (symbols.length === 0) return;
    const pipeline = this.redis.pipeline() as unknown as LeasePipeline;
    for (const symbol of symbols) pipeline.signalsRelease(redisKeys.lease(symbol), this.nodeId);
    await pipeline.exec();
  }
}
