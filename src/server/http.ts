// The HTTP endpoints beside the WebSocket ones: /healthz, /metrics (Prometheus), the seed's /ws/status, the history and bars APIs, and the web view.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode } from '../protocol/errors.js';
import { isSymbol, normaliseSymbol } from '../protocol/symbol.js';
import { VERSION } from '../version.js';
import { MAX_HISTORY_LIMIT } from '../protocol/messages.js';
import { MAX_BARS_LIMIT } from '../protocol/bars.js';
import { barsAnswer, barsQuery, type BarsSource } from './bars.js';
import type { HistoryQuery, HistoryResult } from './history.js';
import type { Hub } from './hub.js';
import type { ClusterReport } from '../core/cluster.js';
import type { LogHealth } from '../core/signal-core.js';
import type { Logger } from '../core/log.js';
import type { Metrics } from './metrics.js';
import { sendAsset, type WebAssets } from './web.js';

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
  /**
   * Whether the client of `req` may read the log now (GET /api/v1/signals/{symbol}): 'limited' when its
   * address has spent its reads, 'penalised' when it has also spent its refusals (then it is refused for a while).
   */
  mayRead(req: IncomingMessage): 'ok' | 'limited' | 'penalised';
  /** Writes a page of a symbol's logged publications, chunk by chunk, paced by the read budgets of `req`'s connection. */
  history(req: IncomingMessage, symbol: string, query: HistoryQuery, write: (chunk: string) => Promise<void>): Promise<HistoryResult>;
  /** Each symbol's daily bars (GET /api/v1/bars/{symbol}). */
  market: BarsSource;
  /** In a cluster, /healthz reports Redis (503 while it is unreachable) and /ws/status the nodes. */
  cluster?: ClusterReport | undefined;
  /** /healthz answers 503 while the signal log refuses publications (a full disk). */
  logHealth(): LogHealth;
  /** The web view's page and assets (GET / and /assets/{name}); absent with `--no-web`. */
  web?: WebAssets | undefined;
  logger: Logger;
}

const ENDPOINTS = ['/ws/signals', '/ws/symbols/{symbol}', '/ws/status', '/api/v1/signals/{symbol}', '/api/v1/bars/{symbol}', '/healthz', '/metrics'];
const HISTORY_PATH = /^\/api\/v1\/signals\/([^/]+)$/;
const BARS_PATH = /^\/api\/v1\/bars\/([^/]+)$/;
const COUNT = /^\d{1,15}$/;

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
  send(
    res,
    401,
    { error: 'a valid token is required (?token= or Authorization: Bearer)', code: ErrorCode.AUTH_FAILED },
    { 'www-authenticate': 'Bearer' },
  );

async function serve(context: HttpContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { hub, metrics, status, started, authorizeStatus, authorizeMetrics, beforeScrape } = context;
  let path: string;
  let query: URLSearchParams;
  try {
    ({ pathname: path, searchParams: query } = new URL(req.url ?? '/', 'http://localhost'));
  } catch {
    return send(res, 400, { error: 'bad request target', code: ErrorCode.BAD_ARGUMENT });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
  if (path === '/healthz') {
    const redis = context.cluster?.health();
    const log = context.logHealth();
    const healthy = (redis === undefined || redis.status === 'up') && log.status === 'ok';
    return send(res, healthy ? 200 : 503, {
      status: healthy ? 'ok' : 'unhealthy',
      version: VERSION,
      uptime_s: Math.round((Date.now() - started) / 1000),
      ...(redis ? { redis } : {}),
      ...(log.status === 'ok' ? {} : { log }),
    });
  }
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
      ...(context.cluster ? { cluster: context.cluster.status() } : {}),
    });
  }
  const history = HISTORY_PATH.exec(path);
  if (history) {
    const verdict = await authorizeStatus(req);
    if (verdict === 'limited') return send(res, 429, { error: 'too many failed authentications; try later', code: ErrorCode.RATE_LIMITED });
    if (verdict === 'refused') return unauthorized(res);
    return historyResponse(context, req, res, history[1]!, query);
  }
  const bars = BARS_PATH.exec(path);
  if (bars) {
    const verdict = await authorizeStatus(req);
    if (verdict === 'limited') return send(res, 429, { error: 'too many failed authentications; try later', code: ErrorCode.RATE_LIMITED });
    if (verdict === 'refused') return unauthorized(res);
    return barsResponse(context, req, res, bars[1]!, query);
  }
  if (path === '/metrics') {
    if (!authorizeMetrics(req)) return unauthorized(res);
    beforeScrape();
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(text);
    return;
  }
  const asset = context.web?.get(path);
  if (asset) return sendAsset(req, res, asset);
  send(res, 404, { error: 'not found', endpoints: context.web ? ['/', ...ENDPOINTS] : ENDPOINTS });
}

/** The symbol of an API path, percent-decoded and checked: undefined after a 400 was sent. */
function pathSymbol(res: ServerResponse, raw: string): string | undefined {
  let symbol: string;
  try {
    symbol = decodeURIComponent(raw);
  } catch {
    send(res, 400, { error: 'the symbol in the path is not valid percent-encoding', code: ErrorCode.INVALID_MESSAGE });
    return undefined;
  }
  if (isSymbol(symbol)) return normaliseSymbol(symbol);
  send(res, 400, { error: 'not a symbol', code: ErrorCode.INVALID_MESSAGE });
  return undefined;
}

/** A 429 for an address past its reads of the log and the market history. */
function readsRefused(res: ServerResponse, allowed: 'limited' | 'penalised'): void {
  // An address that keeps asking past its limit is told to go: its keep-alive connection is closed.
  const close: Record<string, string> = allowed === 'penalised' ? { connection: 'close' } : {};
  send(res, 429, { error: 'too many history requests from this address; slow down', code: ErrorCode.RATE_LIMITED }, { 'retry-after': '1', ...close });
}

/** GET /api/v1/bars/{symbol}?from=&to=&limit=: the symbol's daily bars, paid for as a read of the history. */
async function barsResponse(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  rawSymbol: string,
  params: URLSearchParams,
): Promise<void> {
  const symbol = pathSymbol(res, rawSymbol);
  if (symbol === undefined) return;
  const query = barsQuery(params);
  if (!query.success) {
    return send(res, 400, {
      error: `from and to are days (YYYY-MM-DD) and limit a whole number from 1 to ${MAX_BARS_LIMIT}`,
      code: ErrorCode.INVALID_MESSAGE,
    });
  }
  const allowed = context.mayRead(req);
  if (allowed !== 'ok') return readsRefused(res, allowed);
  const answer = await barsAnswer(context.market, symbol, query.data);
  send(res, answer.status, answer.body);
}

/** GET /api/v1/signals/{symbol}?since_seq=&from=&to=&limit=: one page, `next_seq` for the next. */
async function historyResponse(
  context: HttpContext,
  req: IncomingMessage,
  res: ServerResponse,
  rawSymbol: string,
  query: URLSearchParams,
): Promise<void> {
  const symbol = pathSymbol(res, rawSymbol);
  if (symbol === undefined) return;
  const count = (name: string, max: number): number | undefined | null => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const n = Number(raw);
    return COUNT.test(raw) && n <= max ? n : null;
  };
  const sinceSeq = count('since_seq', Number.MAX_SAFE_INTEGER);
  const limit = count('limit', MAX_HISTORY_LIMIT);
  if (sinceSeq === null || limit === null || limit === 0) {
    return send(res, 400, { error: `since_seq is a whole number and limit one from 1 to ${MAX_HISTORY_LIMIT}`, code: ErrorCode.INVALID_MESSAGE });
  }
  const allowed = context.mayRead(req);
  if (allowed !== 'ok') return readsRefused(res, allowed);
  const page = await context.history(
    req,
    symbol,
    { since_seq: sinceSeq, limit, from: query.get('from') ?? undefined, to: query.get('to') ?? undefined },
    async (chunk) => {
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' });
      if (!res.write(chunk)) await drained(res);
    },
  );
  if (!page.ok) return send(res, page.code === ErrorCode.UNKNOWN_SYMBOL ? 404 : 400, { error: page.message, code: page.code });
  res.end();
}

/** Resolves once `res` can take more, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
