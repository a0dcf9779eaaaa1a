// The HTTP endpoints beside the WebSocket ones: /healthz, /metrics (Prometheus) and the seed's /ws/status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../protocol/errors.js';
import { VERSION } from '../version.js';
import type { Hub } from './hub.js';
import type { Logger } from '../core/log.js';
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
  /** /ws/status names the symbols users watch: under auth it needs the same token as a connection. */
  authorizeStatus(req: IncomingMessage): Promise<'ok' | 'refused' | 'limited'>;
  /** /metrics is open unless `--metrics-token` is set. */
  authorizeMetrics(req: IncomingMessage): boolean;
  /** Brings the gauges up to date just before a scrape. */
  beforeScrape(): void;
  logger: Logger;
}

const ENDPOINTS = ['/ws/signals', '/ws/symbols/{symbol}', '/ws/status', '/healthz', '/metrics'];

export function httpHandler(context: HttpContext) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    res.on('error', () => res.destroy());
    serve(context, req, res).catch((error: unknown) => {
      context.metrics.internalErrors.inc();
      context.logger.error('http request failed', { error: String(error) });
      if (!res.headersSent) send(res, 500, { error: 'internal error', code: ErrorCode.INTERNAL });
      else res.destroy();
    });
  };
}

function send(res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const unauthorized = (res: ServerResponse) =>
  send(res, 401, { error: 'a valid token is required (?token= or Authorization: Bearer)', code: ErrorCode.AUTH_FAILED }, { 'www-authenticate': 'Bearer' });

async function serve({ hub, metrics, status, started, authorizeStatus, authorizeMetrics, beforeScrape }: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let path: string;
  try {
    path = new URL(req.url ?? '/', 'http://localhost').pathname;
  } catch {
    return send(res, 400, { error: 'bad request target', code: ErrorCode.BAD_ARGUMENT });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
  if (path === '/healthz') return send(res, 200, { status: 'ok', version: VERSION, uptime_s: Math.round((Date.now() - started) / 1000) });
  if (path === '/ws/status') {
    const verdict = await authorizeStatus(req);
    if (verdict === 'limited') return send(res, 429, { error: 'too many failed authentications; try later', code: ErrorCode.RATE_LIMITED });
    if (verdict === 'refused') return unauthorized(res);
    return send(res, 200, {
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
    if (!authorizeMetrics(req)) return unauthorized(res);
    beforeScrape();
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(text);
    return;
  }
  send(res, 404, { error: 'not found', endpoints: ENDPOINTS });
}
