// Per-webhook Prometheus metrics, registered beside the server's in the registry /metrics serves.
import { Counter, Gauge, type Registry } from 'prom-client';

export type Lag = { publications: number; seconds: number };

/** `lags()` is asked at each scrape: the lag is a state of the log and the cursor, not an event to count. */
export function createWebhookMetrics(registry: Registry, lags: () => Map<string, Lag>) {
  const registers = [registry];
  return {
    delivered: new Counter({
      name: 'signals_webhook_delivered_total',
      help: 'Publications a webhook accepted (a 2xx answer)',
      labelNames: ['webhook'] as const,
      registers,
    }),
    failed: new Counter({
      name: 'signals_webhook_failed_total',
      help: 'Delivery attempts that failed, by reason: an HTTP status, timeout or network',
      labelNames: ['webhook', 'reason'] as const,
      registers,
    }),
    retries: new Counter({
      name: 'signals_webhook_retries_total',
      help: 'Delivery attempts repeated after a failure',
      labelNames: ['webhook'] as const,
      registers,
    }),
    dropped: new Counter({
      name: 'signals_webhook_dropped_total',
      help: 'Publications a webhook skipped: they left the signal log (its retention) before delivery, or the log lost them',
      labelNames: ['webhook'] as const,
      registers,
    }),
    lagPublications: new Gauge({
      name: 'signals_webhook_lag_publications',
      help: 'Publications logged that a webhook has not yet delivered or passed over',
      labelNames: ['webhook'] as const,
      registers,
      collect() {
        for (const [webhook, lag] of lags()) this.set({ webhook }, lag.publications);
      },
    }),
    lagSeconds: new Gauge({
      name: 'signals_webhook_lag_seconds',
      help: 'Age of the publication a webhook is delivering (0 when it has delivered everything)',
      labelNames: ['webhook'] as const,
      registers,
      collect() {
        for (const [webhook, lag] of lags()) this.set({ webhook }, lag.seconds);
      },
    }),
  };
}

export type WebhookMetrics = ReturnType<typeof createWebhookMetrics>;
