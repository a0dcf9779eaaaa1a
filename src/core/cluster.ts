// The seam between a node's core and the cluster it is part of (the Broker implements it), and what a cluster reports.
import type { RedisHealth } from '../log/redis-link.js';
import type { Trigger } from '../protocol/messages.js';

/** How long a dead node's symbols wait for another node, unless --lease-ms says otherwise. */
export const DEFAULT_LEASE_MS = 5_000;

/** Several nodes, one service: which node analyses which symbol, and the way to the node that does. */
export interface Cluster {
  /** Whether this node analyses `symbol` now (it holds the symbol's lease): only the owner analyses a symbol and quotes its prices. */
  owns(symbol: string): boolean;
  /** Hands an analysis request to the node that owns `symbol`, or takes the symbol when no node does. */
  forward(symbol: string, trigger: Trigger): void;
}

/** A node as /ws/status lists it. */
export interface ClusterNode {
  node_id: string;
  started: string;
  /** Its open WebSocket connections. */
  connections: number;
  /** The symbols it analyses. */
  owns: string[];
}

/** Redis as this node sees it: up or down, and the round trip of its last probe. */
export type ClusterHealth = RedisHealth & { roundtrip_ms?: number };

export interface ClusterStatus {
  node_id: string;
  lease_ms: number;
  redis: ClusterHealth;
  /** The live nodes, as each last reported itself (at most a lease renewal ago). */
  nodes: ClusterNode[];
  /** Symbol -> the node that analyses it. */
  owners: Record<string, string>;
}

/** What the server shows of the cluster on /ws/status, /healthz and /metrics. */
export interface ClusterReport {
  readonly nodeId: string;
  status(): ClusterStatus;
  health(): ClusterHealth;
}
