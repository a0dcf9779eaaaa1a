// The real-time signal server: WebSocket endpoints, the market monitor, analyses streamed to symbol rooms.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Agent } from '../agents/agent.js';
import type { MarketFeed, Tick } from '../market/feed.js';
import { MarketMonitor } from '../market/monitor.js';
import { snapshotAt } from '../market/snapshot.js';
import type { MarketStore } from '../market/store.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import { type ConsensusConfig } from '../orchestrator/consensus.js';
import { Orchestrator } from '../orchestrator/orchestrator.js';
import { AnalysisScheduler } from '../orchestrator/scheduler.js';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import {
  clientMessageTypes,
  clientSchemas,
  PROTOCOL_VERSION,
  type DecisionUpdate,
  type ServerMessage,
  type SignalUpdate,
  type Trigger,
} from '../protocol/messages.js';
import { VERSION } from '../version.js';
import { createAuthenticator, type AuthOptions } from './auth.js';
import { Connection } from './connection.js';
import { httpHandler, type StatusData } from './http.js';
import { Hub } from './hub.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';

export interface ServerOptions {
  host: string;
  port: number;
  store: MarketStore;
  feed: MarketFeed;
  agents: Agent[];
  /** Symbols the monitor watches with or without subscribers. */
  symbols: string[];
  thresholdPct: number;
  priceRate: number;
  consensus?: ConsensusConfig;
  agentTimeoutMs?: number;
  auth?: AuthOptions;
  limits?: Partial<Limits>;
  logger: Logger;
}

type RequestId = string | number | undefined;
const now = () => new Date().toISOString();
const SYMBOL_PATH = /^\/ws\/symbols\/([^/?]+)$/;

export class SignalServer {
  readonly hub: Hub;
  readonly metrics: Metrics;
  readonly monitor: MarketMonitor;
  readonly scheduler: AnalysisScheduler;
  readonly orchestrator: Orchestrator;
  private readonly limits: Limits;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly authenticate;
  private readonly latest = new Map<string, SignalUpdate | DecisionUpdate>();
  private readonly seq = new Map<string, number>();
  private readonly configured: Set<string>;
  private heartbeat: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: ServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.metrics = createMetrics();
    this.hub = new Hub(this.metrics);
    this.authenticate = createAuthenticator(options.auth ?? {});
    this.orchestrator = new Orchestrator({
      agents: options.agents,
      ...(options.consensus ? { consensus: options.consensus } : {}),
      ...(options.agentTimeoutMs ? { timeoutMs: options.agentTimeoutMs } : {}),
    });
    this.scheduler = new AnalysisScheduler({
      run: (symbol, trigger) => this.runAnalysis(symbol, trigger),
      onStart: (symbol) => {
        const quote = options.feed.quote(symbol);
        if (quote) this.monitor.setReference(symbol, quote.price);
      },
      onError: (symbol, error) => options.logger.error('analysis failed', { symbol, error: String(error) }),
    });
    this.monitor = new MarketMonitor(
      options.feed,
      {
        publishPrice: (tick) => this.publishPrice(tick),
        trigger: (symbol, reason) => {
          if (this.scheduler.request(symbol, reason) === 'started') {
            options.logger.debug('analysis triggered', { symbol, trigger: reason });
          }
        },
      },
      { thresholdPct: options.thresholdPct, priceRate: options.priceRate },
    );
    this.configured = new Set(options.symbols.map(normaliseSymbol));
    options.feed.onEnd(() =>
      options.logger.warn('the market feed has run out of data: no more prices or triggered analyses; restart with an earlier --from to replay another stretch', {
        market_time: options.feed.now(),
      }),
    );
    this.http = createServer(
      httpHandler({ hub: this.hub, metrics: this.metrics, status: () => this.statusData(), started: Date.now() }),
    );
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxFrameBytes, clientTracking: false });
    this.http.on('upgrade', (req, socket, head) => void this.upgrade(req, socket, head));
  }

  async start(): Promise<number> {
    for (const symbol of this.configured) this.options.feed.watch(symbol);
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => resolve());
    });
    this.options.feed.start();
    this.monitor.start();
    this.heartbeat = setInterval(() => this.beat(), this.limits.heartbeatMs);
    this.flusher = setInterval(() => this.hub.flushHeldBack(), 250);
    return (this.http.address() as AddressInfo).port;
  }

  /** Stops accepting, closes every client with 1001, and stops the feed; resolves when the listener is closed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.heartbeat);
    clearInterval(this.flusher);
    this.monitor.stop();
    this.options.feed.stop();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const c of this.hub.connections) c.close(CloseCode.GOING_AWAY, 'server shutting down');
    this.http.closeIdleConnections();
    const deadline = setTimeout(() => {
      for (const c of this.hub.connections) c.ws.terminate();
      this.http.closeAllConnections();
    }, 3_000);
    await closed;
    clearTimeout(deadline);
  }

  private statusData(): StatusData {
    return {
      running: !this.stopping,
      active_analyses: this.orchestrator.activeAnalyses,
      active_agents: this.orchestrator.activeAgents,
      websocket_connections: this.hub.connections.size,
      agents: this.options.agents.map((a) => ({ id: a.id, name: a.name })),
      watched_symbols: this.options.feed.watched().sort(),
      market_time: this.options.feed.now(),
      feed: this.options.feed.name,
      threshold_pct: this.options.thresholdPct,
      version: VERSION,
    };
  }

  // ---- WebSocket connections ----

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const symbolMatch = SYMBOL_PATH.exec(path);
    if (this.stopping || (path !== '/ws/signals' && !symbolMatch)) {
      socket.end(`HTTP/1.1 ${this.stopping ? '503 Service Unavailable' : '404 Not Found'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    socket.on('error', () => socket.destroy());
    const ok = await this.authenticate(req);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!ok) {
        this.metrics.authFailures.inc();
        ws.close(CloseCode.POLICY_VIOLATION, 'Authentication failed');
        return;
      }
      if (this.hub.connections.size >= this.limits.maxConnections) {
        ws.close(CloseCode.TRY_AGAIN_LATER, 'too many connections');
        return;
      }
      this.accept(ws, symbolMatch ? decodeURIComponent(symbolMatch[1]!) : undefined);
    });
  }

  private accept(ws: WebSocket, pathSymbol: string | undefined): void {
    const connection = new Connection(randomUUID(), ws, pathSymbol ? `/ws/symbols/${pathSymbol}` : '/ws/signals', this.limits, {
      onSlow: (c) => {
        this.metrics.slowConsumers.inc();
        this.options.logger.warn('slow consumer closed', { client_id: c.id });
      },
      onConflate: () => this.metrics.conflated.inc(),
      onCork: (c) => this.hub.corkedThisTurn(c),
      onPending: (c) => this.hub.heldBack(c),
    });
    this.hub.connections.add(connection);
    this.metrics.connectionsTotal.inc();
    this.metrics.connections.set(this.hub.connections.size);
    ws.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary, pathSymbol));
    ws.on('pong', () => (connection.lastSeen = Date.now()));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      for (const symbol of this.hub.remove(connection)) this.release(symbol);
      this.metrics.connections.set(this.hub.connections.size);
    });
    const timestamp = now();
    // The old service's welcome was a heartbeat carrying the client id; keep it first for its clients.
    this.hub.sendTo(connection, { type: 'heartbeat', client_id: connection.id, timestamp, message: 'Connected to signals' });
    this.hub.sendTo(connection, {
      type: 'connected',
      client_id: connection.id,
      timestamp,
      message: 'Connected to signals',
      server_version: VERSION,
      protocol_version: PROTOCOL_VERSION,
      agents: this.options.agents.map((a) => ({ id: a.id, name: a.name })),
      symbols: this.options.store.symbols(),
    });
    if (pathSymbol !== undefined) {
      const symbol = normaliseSymbol(pathSymbol);
      if (!this.options.store.has(symbol)) {
        this.error(connection, ErrorCode.UNKNOWN_SYMBOL, `unknown symbol ${symbol}; the connected message lists the symbols`, undefined);
        connection.close(CloseCode.POLICY_VIOLATION, 'unknown symbol');
        return;
      }
      this.subscribe(connection, [symbol], undefined);
      this.scheduler.request(symbol, 'connect');
    }
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean, pathSymbol: string | undefined): void {
    connection.lastSeen = Date.now();
    this.metrics.messagesIn.inc();
    if (!connection.messages.take()) return this.rateLimited(connection, undefined, 'too many messages');
    if (isBinary) {
      return this.error(connection, ErrorCode.BINARY_NOT_SUPPORTED, 'binary frames are not supported; send JSON text', undefined);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      this.alert(connection, 'error', 'Invalid JSON format', 'error', ErrorCode.INVALID_JSON, undefined);
      return this.error(connection, ErrorCode.INVALID_JSON, 'Invalid JSON format', undefined);
    }
    const id = requestId(raw);
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !(clientMessageTypes as readonly string[]).includes(type)) {
      const shown = typeof type === 'string' ? type : String(type);
      this.alert(connection, 'warning', `Unknown message type: ${shown}`, 'warning', ErrorCode.UNKNOWN_TYPE, id);
      return this.error(connection, ErrorCode.UNKNOWN_TYPE, `Unknown message type: ${shown}; expected one of ${clientMessageTypes.join(', ')}`, id);
    }
    const parsed = clientSchemas[type as keyof typeof clientSchemas].safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return this.error(connection, ErrorCode.INVALID_MESSAGE, `invalid ${type}: ${where}${issue.message}`, id);
    }
    const message = parsed.data;
    switch (message.type) {
      case 'subscribe':
        return this.subscribe(connection, symbolsOf(message), message.id);
      case 'unsubscribe':
        return this.unsubscribe(connection, symbolsOf(message), message.id);
      case 'analyze': {
        const symbol = message.symbol ?? pathSymbol;
        if (symbol === undefined) return this.error(connection, ErrorCode.INVALID_MESSAGE, 'invalid analyze: symbol is required', message.id);
        return this.analyze(connection, normaliseSymbol(symbol), message.id);
      }
      case 'get_status':
        return this.hub.sendTo(connection, { type: 'status_update', data: this.statusData(), ...(message.id !== undefined ? { id: message.id } : {}) });
      case 'heartbeat':
        return this.hub.sendTo(connection, { type: 'heartbeat', timestamp: now(), ...(message.id !== undefined ? { id: message.id } : {}) });
    }
  }

  private subscribe(connection: Connection, raw: string[], id: RequestId): void {
    for (const symbol of raw.map(normaliseSymbol)) {
      if (!this.options.store.has(symbol)) {
        this.error(connection, ErrorCode.UNKNOWN_SYMBOL, `unknown symbol ${symbol}; the connected message lists the symbols`, id);
        continue;
      }
      if (!connection.subscriptions.has(symbol) && connection.subscriptions.size >= this.limits.maxSubscriptions) {
        this.error(connection, ErrorCode.TOO_MANY_SUBSCRIPTIONS, `at most ${this.limits.maxSubscriptions} subscriptions per connection`, id);
        continue;
      }
      this.hub.join(connection, symbol);
      this.hub.sendTo(connection, { type: 'subscribed', symbol, status: 'subscribed', timestamp: now(), ...(id !== undefined ? { id } : {}) });
      this.options.feed.watch(symbol);
      const last = this.latest.get(symbol);
      if (last) {
        const snapshot = { ...last, data: { ...last.data, trigger: 'snapshot' as const } } as ServerMessage;
        this.hub.sendTo(connection, snapshot);
      }
    }
  }

  private unsubscribe(connection: Connection, raw: string[], id: RequestId): void {
    for (const symbol of raw.map(normaliseSymbol)) {
      if (this.hub.leave(connection, symbol) === 0) this.release(symbol);
      this.hub.sendTo(connection, { type: 'unsubscribed', symbol, status: 'unsubscribed', timestamp: now(), ...(id !== undefined ? { id } : {}) });
    }
  }

  private analyze(connection: Connection, symbol: string, id: RequestId): void {
    if (!this.options.store.has(symbol)) {
      return this.error(connection, ErrorCode.UNKNOWN_SYMBOL, `unknown symbol ${symbol}; the connected message lists the symbols`, id);
    }
    if (!connection.analyses.take()) return this.rateLimited(connection, id, 'too many analyze requests');
    if (!connection.subscriptions.has(symbol)) this.subscribe(connection, [symbol], id);
    this.alert(connection, 'analysis_started', `Analysis started for ${symbol}`, 'info', undefined, id);
    this.scheduler.request(symbol, 'manual');
  }

  /** A symbol nobody is subscribed to any more stops being watched, unless configured. */
  private release(symbol: string): void {
    if (!this.configured.has(symbol) && this.hub.subscribers(symbol) === 0) this.monitor.forget(symbol);
  }

  private rateLimited(connection: Connection, id: RequestId, what: string): void {
    this.metrics.rateLimited.inc();
    if (connection.abusive()) {
      connection.close(CloseCode.POLICY_VIOLATION, 'rate limit exceeded');
      return;
    }
    this.error(connection, ErrorCode.RATE_LIMITED, `${what}; slow down`, id);
  }

  private error(connection: Connection, code: ErrorCode, message: string, id: RequestId): void {
    this.hub.sendTo(connection, { type: 'error', error: message, code, timestamp: now(), ...(id !== undefined ? { id } : {}) });
  }

  private alert(connection: Connection, alertType: string, message: string, severity: 'info' | 'warning' | 'error', code: string | undefined, id: RequestId): void {
    this.hub.sendTo(connection, {
      type: 'alert',
      alert_type: alertType,
      message,
      severity,
      timestamp: now(),
      ...(code ? { code } : {}),
      ...(id !== undefined ? { id } : {}),
    });
  }

  private beat(): void {
    const dead = Date.now() - 2 * this.limits.heartbeatMs;
    for (const c of this.hub.connections) {
      if (c.lastSeen < dead) {
        this.options.logger.info('terminating silent client', { client_id: c.id });
        c.ws.terminate();
      } else if (!c.closing) {
        c.ws.ping();
      }
    }
    this.hub.broadcastAll({ type: 'heartbeat', timestamp: now() });
  }

  // ---- market data and analyses ----

  private publishPrice(tick: Tick): void {
    this.hub.broadcast(tick.symbol, {
      type: 'price_update',
      data: {
        symbol: tick.symbol,
        price: round(tick.price),
        volume: tick.volume,
        timestamp: tick.time,
        previous_close: round(tick.previousClose),
        change: round(tick.price - tick.previousClose),
        change_percent: round((tick.price / tick.previousClose - 1) * 100),
      },
    });
  }

  private async runAnalysis(symbol: string, trigger: Trigger): Promise<void> {
    const quote = this.options.feed.quote(symbol);
    const snapshot = snapshotAt(this.options.store, symbol, this.options.feed.now(), quote ? { live: quote.bar } : {});
    for await (const event of this.orchestrator.analyze(snapshot, trigger)) {
      if (event.type === 'agent_update' && event.data.duration_ms !== undefined) {
        this.metrics.agentLatency.observe({ agent: event.data.agent_id ?? event.data.agent }, event.data.duration_ms / 1000);
      }
      if (event.type === 'signal_update' || event.type === 'decision_update') {
        const seq = (this.seq.get(symbol) ?? 0) + 1;
        this.seq.set(symbol, seq);
        event.data.seq = seq;
        this.latest.set(symbol, event);
        this.metrics.analyses.inc({ trigger, outcome: event.type === 'signal_update' ? event.data.action : 'NO_SIGNAL' });
        this.options.logger.info('analysis', {
          symbol,
          trigger,
          result: event.type === 'signal_update' ? event.data.action : 'NO_SIGNAL',
          market_time: snapshot.asOf,
        });
      }
      this.hub.broadcast(symbol, event);
    }
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function requestId(raw: unknown): RequestId {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

function symbolsOf(message: { symbol?: string | undefined; symbols?: string[] | undefined }): string[] {
  return [...(message.symbol !== undefined ? [message.symbol] : []), ...(message.symbols ?? [])];
}
