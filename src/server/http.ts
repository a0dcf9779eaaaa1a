// The HTTP endpoints beside the WebSocket ones: /healthz, /metrics (Prometheus) and the seed's /ws/status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VERSION } from '../version.js';
import type { Hub } from './hub.js';
import type { Metrics } from './metrics.js';

/** What get_status and /ws/status report about the orchestrator and the market. */
export interface StatusData {
  running: boolean;
  active_analyses: number;
  active_agents: number;
  websocket_connections: number;
  [key: string]: unknown;
}

export interface HttpContext {
  hub: Hub;
  metrics: Metrics;
  status(): StatusData;
  started: number;
}

export function httpHandler({ hub, metrics, status, started }: HttpContext) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { error: 'method not allowed' });
    if (path === '/healthz') return json(200, { status: 'ok', version: VERSION, uptime_s: Math.round((Date.now() - started) / 1000) });
    if (path === '/ws/status') {
      return json(200, {
        websocket_manager: {
          total_connections: hub.connections.size,
          active_connections: [...hub.connections].filter((c) => !c.closing).length,
          messages_sent: hub.messagesSent,
          rooms: hub.roomSizes(),
        },
        orchestrator: status(),
      });
    }
    if (path === '/metrics') {
      metrics.connections.set(hub.connections.size);
      void metrics.registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': metrics.registry.contentType });
        res.end(text);
      });
      return;
    }
    json(404, { error: 'not found', endpoints: ['/ws/signals', '/ws/symbols/{symbol}', '/ws/status', '/healthz', '/metrics'] });
  };
}
