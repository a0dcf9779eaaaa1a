// Prometheus metrics of the server, with prom-client.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterStatus } from '../core/cluster.js';
import { VERSION } from '../version.js';

/**
 * Node's default metrics keep their conventional names (process_*, nodejs_*), so standard dashboards work.
 * The cluster's (signals_redis_*, signals_relay_*, signals_leases_*) carry the node's id and appear only in a cluster.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'signals_build_info',
    help: 'Always 1; the labels say which build is running',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  }).set({ version: VERSION, node: process.version }, 1);
  const redisUp = new Gauge({
    name: 'signals_redis_up',
    help: "1 while this node's connections to Redis are up, 0 while it retries",
    labelNames: ['node'] as const,
    registers: [registry],
  });
  const redisRoundtrip = new Gauge({
    name: 'signals_redis_roundtrip_seconds',
    help: "Round trip of this node's last PING to Redis (one every tenth of the lease time)",
    labelNames: ['node'] as const,
    registers: [registry],
  });
  const leasesHeld = new Gauge({
    name: 'signals_leases_held',
    help: 'Symbols this node analyses (holds the lease of)',
    labelNames: ['node'] as const,
    registers: [registry],
  });
  return {
    registry,
    relayLag: new Histogram({
      name: 'signals_relay_lag_seconds',
      help: 'From another node publishing an event to this node handing it to its subscribers (across hosts, includes clock skew)',
      labelNames: ['node'] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    observeCluster(status: ClusterStatus): void {
      const node = { node: status.node_id };
      redisUp.set(node, status.redis.status === 'up' ? 1 : 0);
      if (status.redis.roundtrip_ms !== undefined) redisRoundtrip.set(node, status.redis.roundtrip_ms / 1000);
      leasesHeld.set(node, Object.values(status.owners).filter((owner) => owner === status.node_id).length);
    },
    queuedBytes: new Gauge({
      name: 'signals_queued_bytes',
      help: 'Bytes waiting to be sent to clients that each hold over 16 KiB (the sum --max-queued-mib bounds)',
      registers: [registry],
    }),
    feedState: new Gauge({
      name: 'signals_feed_state',
      help: 'The market feed: 1 for its current state (running, reconnecting, stalled, ended, stopped), 0 for the others',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    marketState: new Gauge({
      name: 'signals_market_state',
      help: 'The US equities market at the market clock: 1 for its state (open, closed, pre, post), 0 for the others',
      labelNames: ['state'] as const,
      registers: [registry],
    }),
    connections: new Gauge({ name: 'signals_connections', help: 'Open WebSocket connections', registers: [registry] }),
    connectionsTotal: new Counter({ name: 'signals_connections_total', help: 'WebSocket connections accepted', registers: [registry] }),
    messagesIn: new Counter({ name: 'signals_messages_in_total', help: 'Messages received from clients', registers: [registry] }),
    messagesOut: new Counter({
      name: 'signals_messages_out_total',
      help: 'Messages sent to clients',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    analyses: new Counter({
      name: 'signals_analyses_total',
      help: 'Analyses completed',
      labelNames: ['trigger', 'outcome'] as const,
      registers: [registry],
    }),
    agentLatency: new Histogram({
      name: 'signals_agent_duration_seconds',
      help: 'Time for an agent to vote, abstain or fail',
      labelNames: ['agent'] as const,
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [registry],
    }),
    slowConsumers: new Counter({ name: 'signals_slow_consumers_closed_total', help: 'Clients closed for not reading', registers: [registry] }),
    conflated: new Counter({
      name: 'signals_price_updates_conflated_total',
      help: 'Price updates replaced by a later one for a client under pressure',
      registers: [registry],
    }),
    rateLimited: new Counter({ name: 'signals_rate_limited_total', help: 'Requests refused with RATE_LIMITED', registers: [registry] }),
    authFailures: new Counter({ name: 'signals_auth_failures_total', help: 'Connections refused for authentication', registers: [registry] }),
    upgradesRefused: new Counter({
      name: 'signals_upgrades_refused_total',
      help: 'WebSocket upgrade requests answered with an HTTP error, by status',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    logWriteFailures: new Counter({
      name: 'signals_log_write_failures_total',
      help: 'Publications the signal log refused (a full disk, a write error), retries included; each is also an internal error',
      registers: [registry],
    }),
    logReads: new Counter({
      name: 'signals_log_reads_total',
      help: 'Reads of the signal log clients asked for: history pages (WebSocket and HTTP) and since replays that began',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    connectionsRefused: new Counter({
      name: 'signals_connections_refused_total',
      help: 'TCP connections closed at once: their address already had --max-connections-per-address open',
      registers: [registry],
    }),
    internalErrors: new Counter({
      name: 'signals_internal_errors_total',
      help: 'Requests that failed inside the server (answered with INTERNAL), and publications the signal log refused',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
