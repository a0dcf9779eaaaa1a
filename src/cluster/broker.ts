// The Broker: makes the nodes on one Redis a single service: per-symbol analysis leases, relayed events, forwarded requests.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Cluster, ClusterHealth, ClusterNode, ClusterReport, ClusterStatus } from '../core/cluster.js';
import type { Logger } from '../core/log.js';
import type { CoreEvent, SignalCore } from '../core/signal-core.js';
import { redisChannels, redisKeys } from '../log/redis-keys.js';
import type { RedisLink } from '../log/redis-link.js';
import type { RedisLog } from '../log/redis-log.js';
import { Trigger } from '../protocol/messages.js';
import { Leases } from './leases.js';

export interface BrokerOptions {
  link: RedisLink;
  /** The cluster's signal log: what it relays of other nodes' publications reaches this node's subscribers. */
  log: RedisLog;
  nodeId: string;
  /** How long a lease outlives its holder: a dead node's symbols are analysed by another within this time. */
  leaseMs: number;
  /** This node's open WebSocket connections, for /ws/status. */
  connections: () => number;
  logger: Logger;
}

/** Each node's id: readable (host and pid) and unique even where every container's process is pid 1. */
export function nodeId(): string {
  return `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

interface Reported extends ClusterNode {
  /** When the node reported (ms since the epoch, the node's clock). */
  reported: number;
  /** Until when the report holds without a newer one. */
  expires: number;
}

/** A price or agent progress another node published: its node, when (ms since the epoch), the symbol and the event. */
interface Shared {
  n: string;
  t: number;
  s: string;
  e: CoreEvent;
}

/**
 * Leases are checked every tenth of the lease time: each held one is renewed, each wanted one that is
 * free is taken. A lease lives nine tenths of the lease time in Redis, so a dead owner's symbols are
 * taken within the lease time. A node wants the symbols it is configured with and those its clients
 * subscribe to; it gives back the leases it holds on shutdown and of the symbols it stops wanting.
 *
 * With one process there is no Broker: the core runs alone.
 *
 * @example
 * const broker = new Broker({ link, log, nodeId: nodeId(), leaseMs: 5000, connections: () => 0, logger });
 * const core = new SignalCore({ ...options, log, cluster: broker });
 * broker.attach(core);
 * await broker.start();
 */
export class Broker implements Cluster, ClusterReport {
  readonly nodeId: string;
  private readonly leases: Leases;
  private readonly pollMs: number;
  private readonly started = new Date().toISOString();
  private core: SignalCore | undefined;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopping = false;
  private nodes: Reported[] = [];
  private roundtripMs: number | undefined;
  private readonly detach: (() => void)[] = [];

  constructor(private readonly options: BrokerOptions) {
    this.nodeId = options.nodeId;
    this.pollMs = Math.max(10, Math.floor(options.leaseMs / 10));
    this.leases = new Leases(options.link.commands, options.nodeId, options.leaseMs - this.pollMs);
  }

  /** Connects a node's core: its prices and agent progress go to the other nodes, theirs (and their publications) come to it. */
  attach(core: SignalCore): void {
    this.core = core;
    this.detach.push(
      core.onPublish((symbol, event) => {
        // Publications travel with the log (its append script relays them); the rest goes here.
        if (event.type === 'price_update' || event.type === 'agent_update') this.share(symbol, event);
      }),
      this.options.log.onRemote((symbol, publication, at) => core.relay(symbol, publication, Date.now() - at)),
    );
  }

  /** Subscribes, takes the leases it can, reports itself; then keeps doing so every tenth of the lease time. */
  async start(): Promise<void> {
    await this.options.link.subscribe(redisChannels.events, (message) => this.received(message));
    await this.options.link.subscribe(redisChannels.analyze(this.nodeId), (message) => this.asked(message));
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.pollMs);
  }

  /** Gives back its leases (the other nodes take the symbols at their next check) and leaves the list of nodes. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    for (const undo of this.detach) undo();
    await this.ticking;
    try {
      await this.leases.releaseAll();
      await this.options.link.commands.hdel(redisKeys.nodes, this.nodeId);
    } catch (error) {
      this.options.logger.warn('could not give back the leases on shutdown; they lapse within the lease time', { error: String(error) });
    }
  }

  owns(symbol: string): boolean {
    return this.leases.holds(symbol);
  }

  forward(symbol: string, trigger: Trigger): void {
    this.handOver(symbol, trigger).catch((error: unknown) =>
      this.options.logger.warn('could not hand an analysis request to the owner of its symbol', { symbol, trigger, error: String(error) }),
    );
  }

  status(): ClusterStatus {
    const self: ClusterNode = { node_id: this.nodeId, started: this.started, connections: this.options.connections(), owns: this.leases.owned() };
    const others = this.nodes
      .filter((n) => n.node_id !== this.nodeId)
      .map(({ node_id, started, connections, owns }) => ({ node_id, started, connections, owns }));
    const nodes = [self, ...others].sort((a, b) => a.node_id.localeCompare(b.node_id));
    // From the freshest report that names a symbol; then, fresher still, from this node's own lease checks.
    const claims = new Map<string, Reported>();
    for (const node of this.nodes) {
      for (const symbol of node.owns) if ((claims.get(symbol)?.reported ?? -Infinity) < node.reported) claims.set(symbol, node);
    }
    const owners: Record<string, string> = Object.fromEntries([...claims].map(([symbol, node]) => [symbol, node.node_id]));
    for (const [symbol, holder] of this.leases.holders()) owners[symbol] = holder;
    return { node_id: this.nodeId, lease_ms: this.options.leaseMs, redis: this.health(), nodes, owners: sortedKeys(owners) };
  }

  health(): ClusterHealth {
    const link = this.options.link.health();
    return link.status === 'up' && this.roundtripMs !== undefined ? { ...link, roundtrip_ms: Math.round(this.roundtripMs * 1000) / 1000 } : link;
  }

  private tick(): Promise<void> {
    if (this.ticking || this.stopping || !this.core) return this.ticking ?? Promise.resolve();
    const core = this.core;
    this.ticking = (async () => {
      const sent = performance.now();
      await this.options.link.commands.ping();
      this.roundtripMs = performance.now() - sent;
      const { gained, lost } = await this.leases.renew(core.wanted());
      if (gained.length > 0) this.options.logger.info('analysing', { symbols: gained.join(','), node: this.nodeId });
      if (lost.length > 0) this.options.logger.info('no longer analysing', { symbols: lost.join(','), node: this.nodeId });
      for (const symbol of gained) core.acquired(symbol);
      await this.report();
    })()
      .catch((error: unknown) => {
        // The link logs the outage itself; leases lapse on their own clock meanwhile.
        this.options.logger.debug('lease check failed', { error: String(error) });
      })
      .finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  /** Writes this node's report and reads every node's, dropping those that stopped reporting. */
  private async report(): Promise<void> {
    const now = Date.now();
    const self: Reported = {
      node_id: this.nodeId,
      started: this.started,
      connections: this.options.connections(),
      owns: this.leases.owned(),
      reported: now,
      expires: now + 3 * this.options.leaseMs,
    };
    const redis = this.options.link.commands;
    const [, all] = await Promise.all([redis.hset(redisKeys.nodes, this.nodeId, JSON.stringify(self)), redis.hgetall(redisKeys.nodes)]);
    const live: Reported[] = [];
    const gone: string[] = [];
    for (const [id, json] of Object.entries(all)) {
      const node = parseReport(json);
      if (node && node.expires >= now) live.push(node);
      else gone.push(id);
    }
    if (gone.length > 0) await redis.hdel(redisKeys.nodes, ...gone);
    this.nodes = live;
  }

  private share(symbol: string, event: CoreEvent): void {
    const message: Shared = { n: this.nodeId, t: Date.now(), s: symbol, e: event };
    // Fire and forget: while Redis is down the other nodes' clients miss prices, as they would a dropped frame.
    this.options.link.commands.publish(redisChannels.events, JSON.stringify(message)).catch(() => undefined);
  }

  /** Another node's price or agent progress, for this node's subscribers. */
  private received(message: string): void {
    const shared = parseShared(message);
    if (!shared || shared.n === this.nodeId || this.stopping) return;
    this.core?.relay(shared.s, shared.e, Date.now() - shared.t);
  }

  /** An analysis request another node handed to this one, as the owner of its symbol. */
  private asked(message: string): void {
    const request = parseRequest(message);
    if (!request || this.stopping) return;
    if (!this.owns(request.symbol)) {
      this.options.logger.debug('a handed-over analysis request for a symbol this node no longer owns; dropped', request);
      return;
    }
    this.core?.request(request.symbol, request.trigger);
  }

  /** To the owner; with no owner alive, this node takes the symbol and runs the analysis itself. */
  private async handOver(symbol: string, trigger: Trigger): Promise<void> {
    const message = JSON.stringify({ symbol, trigger });
    const redis = this.options.link.commands;
    const holder = this.leases.holder(symbol);
    if (holder !== undefined && holder !== this.nodeId && (await redis.publish(redisChannels.analyze(holder), message)) > 0) return;
    if (await this.leases.claim(symbol)) {
      this.options.logger.info('analysing', { symbols: symbol, node: this.nodeId });
      this.core?.request(symbol, trigger);
      this.core?.acquired(symbol);
      return;
    }
    const owner = this.leases.holder(symbol);
    if (owner !== undefined && owner !== holder) await redis.publish(redisChannels.analyze(owner), message);
  }
}

function sortedKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

/** What comes from Redis is checked like any other input: a malformed message is dropped, never thrown. */
function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseReport(text: string): Reported | undefined {
  const r = parseJson(text);
  const numbers = r && [r.connections, r.reported, r.expires].every((n) => typeof n === 'number');
  if (!r || !numbers || typeof r.node_id !== 'string' || typeof r.started !== 'string') {
    return undefined;
  }
  return Array.isArray(r.owns) && r.owns.every((s) => typeof s === 'string') ? (r as unknown as Reported) : undefined;
}

function parseShared(text: string): Shared | undefined {
  const m = parseJson(text);
  const event = m?.e as { type?: unknown; data?: unknown } | undefined;
  if (!m || typeof m.n !== 'string' || typeof m.t !== 'number' || typeof m.s !== 'string' || typeof event !== 'object' || event === null)
    return undefined;
  if ((event.type !== 'price_update' && event.type !== 'agent_update') || typeof event.data !== 'object' || event.data === null) return undefined;
  return m as unknown as Shared;
}

function parseRequest(text: string): { symbol: string; trigger: Trigger } | undefined {
  const m = parseJson(text);
  const trigger = Trigger.safeParse(m?.trigger);
  return m && typeof m.symbol === 'string' && trigger.success ? { symbol: m.symbol, trigger: trigger.data } : undefined;
}
