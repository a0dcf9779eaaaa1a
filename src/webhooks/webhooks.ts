// The webhooks of a server: one independent Webhook per URL, their metrics, started before the core and stopped after it.
import type { Registry } from 'prom-client';
import type { Logger } from '../core/log.js';
import { createWebhookMetrics } from './metrics.js';
import { Webhook, type WebhookSource } from './webhook.js';

export interface WebhooksOptions {
  urls: string[];
  secret?: string | undefined;
  every: boolean;
  timeoutMs: number;
  stateDir: string;
  source: WebhookSource;
  registry: Registry;
  logger: Logger;
}

/** Each webhook's name in logs and metrics: its origin, numbered when two share one (a URL's path may be a secret). */
export function webhookLabels(urls: string[]): string[] {
  const origins = urls.map((u) => new URL(u).origin);
  return origins.map((o, i) => (origins.filter((x) => x === o).length > 1 ? `${o}#${origins.slice(0, i + 1).filter((x) => x === o).length}` : o));
}

export class Webhooks {
  private readonly hooks: Webhook[];

  constructor(options: WebhooksOptions) {
    const labels = webhookLabels(options.urls);
    const metrics = createWebhookMetrics(options.registry, () => new Map(this.hooks.map((h, i) => [labels[i]!, h.lag()])));
    // Each webhook's series exist from the start, at 0, rather than appear at the first event.
    for (const webhook of labels) for (const counter of [metrics.delivered, metrics.retries, metrics.dropped]) counter.inc({ webhook }, 0);
    this.hooks = options.urls.map(
      (url, i) =>
        new Webhook({
          url,
          secret: options.secret,
          every: options.every,
          timeoutMs: options.timeoutMs,
          stateDir: options.stateDir,
          source: options.source,
          metrics,
          logger: options.logger,
          label: labels[i]!,
        }),
    );
  }

  start(): void {
    for (const hook of this.hooks) hook.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.hooks.map((h) => h.stop()));
  }
}
