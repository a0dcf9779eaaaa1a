// Prometheus metrics of the server, with prom-client.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { VERSION } from '../version.js';

/** Node's default metrics keep their conventional names (process_*, nodejs_*), so standard dashboards work. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'signals_build_info',
    help: 'Always 1; the labels say which build is running',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  }).set({ version: VERSION, node: process.version }, 1);
  return {
    registry,
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
    internalErrors: new Counter({
      name: 'signals_internal_errors_total',
      help: 'Requests that failed inside the server (answered with INTERNAL)',
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
