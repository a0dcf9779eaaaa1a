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
import { type ConsensusConfig } from '../orchestrator/consensus.js';
import { Orchestrator } from '../orchestrator/orchestrator.js';
import { AnalysisScheduler } from '../orchestrator/scheduler.js';
import { CloseCode, CloseReason, ErrorCode } from '../protocol/errors.js';
import {
  clientMessageTypes,
  clientSchemas,
  PROTOCOL_VERSION,
  type DecisionUpdate,
  type ServerMessage,
  type SignalUpdate,
  type Trigger,
} from '../protocol/messages.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import { VERSION } from '../version.js';
import { AddressBook, type AddressState } from './addresses.js';
import { authEnabled, createAuthenticator, staticTokenCheck, type AuthOptions, type AuthResult, type Authenticator } from './auth.js';
import { Connection } from './connection.js';
import { httpHandler, type StatusData } from './http.js';
import { Hub } from './hub.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import type { Logger } from './log.js';
import { createMetrics, type Metrics } from './metrics.js';
import { OutboundPath } from './outbound.js';
import { refuseUpgrade, route, type Route } from './upgrade.js';

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
  /** When set, GET /metrics requires this token (?token= or Authorization: Bearer); otherwise /metrics is open. */
  metricsToken?: string | undefined;
  limits?: Partial<Limits>;
  /** Write pre-built frames through ws internals when they check out (default); false: always `ws.send`. */
  fastPath?: boolean;
  logger: Logger;
}

type RequestId = string | number | undefined;
const now = () => new Date().toISOString();
/** TCP connections allowed beyond the WebSocket limit, so that HTTP probes and 1013 refusals still get through. */
const HANDSHAKE_HEADROOM = 64;
/** Node's timers fire at once past this delay (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

export class SignalServer {
  readonly hub: Hub;
  readonly metrics: Metrics;
  readonly monitor: MarketMonitor;
  readonly scheduler: AnalysisScheduler;
  readonly orchestrator: Orchestrator;
  private readonly limits: Limits;
  private readonly path: OutboundPath;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly authenticate: Authenticator;
  private readonly authOn: boolean;
  private readonly addresses: AddressBook;
  /** Upgrade requests past routing and not yet accepted (authenticating). */
  private upgrading = 0;
  private readonly latest = new Map<string, SignalUpdate | DecisionUpdate>();
  private readonly seq = new Map<string, number>();
  private readonly configured: Set<string>;
  private heartbeat: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: ServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.metrics = createMetrics();
    this.path = new OutboundPath(options.fastPath ?? true);
    this.hub = new Hub(this.metrics, this.path);
    this.addresses = new AddressBook(this.limits);
    this.authenticate = createAuthenticator(options.auth ?? {});
    this.authOn = authEnabled(options.auth ?? {});
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
      httpHandler({
        hub: this.hub,
        metrics: this.metrics,
        status: () => this.statusData(),
        started: Date.now(),
        authorizeStatus: (req) => this.authorizeHttp(req),
        authorizeMetrics: options.metricsToken ? staticTokenCheck(options.metricsToken) : () => true,
        logger: options.logger,
      }),
    );
    // A request (upgrade or not) must arrive whole within the handshake timeout: half-open ones cannot pile up.
    this.http.headersTimeout = this.limits.handshakeTimeoutMs;
    this.http.requestTimeout = this.limits.handshakeTimeoutMs;
    this.http.maxConnections = this.limits.maxConnections + HANDSHAKE_HEADROOM;
    // No permessage-deflate: every subscriber of a room is sent the same pre-built frame (outbound.ts).
    this.wss = new WebSocketServer({ noServer: true, maxPayload: this.limits.maxFrameBytes, clientTracking: false, perMessageDeflate: false });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // First of all: a peer may reset at any moment, and an unhandled socket error would end the process.
      socket.on('error', () => socket.destroy());
      this.upgrade(req, socket, head).catch((error: unknown) => {
        this.metrics.internalErrors.inc();
        options.logger.error('upgrade failed', { error: String(error) });
        socket.destroy();
      });
    });
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
    this.sweeper = setInterval(() => this.sweep(), Math.max(20, Math.min(5_000, this.limits.heartbeatMs / 6)));
    this.flusher = setInterval(() => this.hub.flushHeldBack(), 250);
    return (this.http.address() as AddressInfo).port;
  }

  /** Stops accepting, closes every client with 1001, and stops the feed; resolves when the listener is closed. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
    clearInterval(this.flusher);
    this.monitor.stop();
    this.options.feed.stop();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    for (const c of this.hub.connections) c.close(CloseCode.GOING_AWAY, CloseReason.SHUTTING_DOWN);
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

  /** GET /ws/status under auth: the same credentials as a connection, and the same per-address limit on failures. */
  private async authorizeHttp(req: IncomingMessage): Promise<'ok' | 'refused' | 'limited'> {
    if (!this.authOn) return 'ok';
    const address = req.socket.remoteAddress ?? 'unknown';
    if (this.addresses.refused(address)) return 'limited';
    if ((await this.authenticate(req)).ok) return 'ok';
    this.metrics.authFailures.inc();
    this.addresses.get(address).authFailures.take();
    return 'refused';
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const target = route(req.url);
    const refuse = (status: 400 | 404 | 429 | 503, retryAfterS?: number) => {
      this.metrics.upgradesRefused.inc({ status: String(status) });
      refuseUpgrade(socket, status, retryAfterS);
    };
    if (this.stopping) return refuse(503);
    if ('status' in target) return refuse(target.status);
    const ip = req.socket.remoteAddress ?? 'unknown';
    if (this.addresses.refused(ip)) return refuse(429, Math.ceil(this.limits.abusePenaltyMs / 1000));

    if (this.hub.connections.size + this.upgrading >= this.limits.maxConnections) {
      this.wss.handleUpgrade(req, socket, head, (ws) => ws.close(CloseCode.TRY_AGAIN_LATER, CloseReason.FULL));
      return;
    }
    // Upgrades still authenticating count against the connection limit, and must finish in time.
    this.upgrading += 1;
    const timeout = setTimeout(() => socket.destroy(), this.limits.handshakeTimeoutMs).unref();
    let auth: AuthResult;
    try {
      auth = await this.authenticate(req);
    } finally {
      this.upgrading -= 1;
      clearTimeout(timeout);
    }
    if (socket.destroyed || this.stopping) {
      socket.destroy();
      return;
    }
    const address = this.addresses.get(ip);
    if (!auth.ok) {
      this.metrics.authFailures.inc();
      address.authFailures.take();
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!auth.ok) return ws.close(CloseCode.POLICY_VIOLATION, CloseReason.AUTH_FAILED);
      this.accept(ws, address, target, auth.expiresAt);
    });
  }

  private accept(ws: WebSocket, address: AddressState, target: Exclude<Route, { status: number }>, expiresAt: number | undefined): void {
    const pathSymbol = 'symbol' in target ? normaliseSymbol(target.symbol) : undefined;
    const connection = new Connection(randomUUID(), ws, pathSymbol ? `/ws/symbols/${pathSymbol}` : '/ws/signals', address, this.limits, this.path, {
      onSlow: (c) => {
        this.metrics.slowConsumers.inc();
        this.options.logger.warn('slow consumer closed', { client_id: c.id });
      },
      onConflate: () => this.metrics.conflated.inc(),
      onCork: (c) => this.hub.corkedThisTurn(c),
      onPending: (c) => this.hub.heldBack(c),
    });
    address.connections += 1;
    this.hub.connections.add(connection);
    this.metrics.connectionsTotal.inc();
    this.metrics.connections.set(this.hub.connections.size);
    ws.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary, pathSymbol));
    ws.on('pong', () => (connection.lastSeen = Date.now()));
    ws.on('error', () => connection.closeAfterError());
    ws.on('close', () => {
      connection.closed();
      address.connections -= 1;
      for (const symbol of this.hub.remove(connection)) this.release(symbol);
      this.metrics.connections.set(this.hub.connections.size);
    });
    if (expiresAt !== undefined) this.expireAt(connection, expiresAt);
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
      if (!this.options.store.has(pathSymbol)) {
        this.error(connection, ErrorCode.UNKNOWN_SYMBOL, `unknown symbol ${pathSymbol}; the connected message lists the symbols`, undefined);
        connection.close(CloseCode.POLICY_VIOLATION, CloseReason.UNKNOWN_SYMBOL);
        return;
      }
      this.subscribe(connection, [pathSymbol], undefined);
      this.scheduler.request(pathSymbol, 'connect');
    }
  }

  /** Closes the connection with 4001 when its JWT expires (timers re-armed past Node's 24.8-day limit). */
  private expireAt(connection: Connection, at: number): void {
    const delay = at - Date.now();
    if (delay <= 0) return connection.close(CloseCode.TOKEN_EXPIRED, CloseReason.TOKEN_EXPIRED);
    connection.after(Math.min(delay, MAX_TIMER_MS), () => this.expireAt(connection, at));
  }

  private onMessage(connection: Connection, data: RawData, isBinary: boolean, pathSymbol: string | undefined): void {
    // Frames already read when the close began are dropped unprocessed: a flood costs nothing after its close.
    if (connection.closing) return;
    connection.lastSeen = Date.now();
    this.metrics.messagesIn.inc();
    try {
      this.dispatch(connection, data, isBinary, pathSymbol);
    } catch (error) {
      this.metrics.internalErrors.inc();
      this.options.logger.error('request failed', { client_id: connection.id, error: String(error) });
      this.error(connection, ErrorCode.INTERNAL, 'the server could not handle this request', undefined);
    }
  }

  private dispatch(connection: Connection, data: RawData, isBinary: boolean, pathSymbol: string | undefined): void {
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
      const shown = clip(typeof type === 'string' ? type : String(type));
      this.alert(connection, 'warning', `Unknown message type: ${shown}`, 'warning', ErrorCode.UNKNOWN_TYPE, id);
      return this.error(connection, ErrorCode.UNKNOWN_TYPE, `Unknown message type: ${shown}; expected one of ${clientMessageTypes.join(', ')}`, id);
    }
    const parsed = clientSchemas[type as keyof typeof clientSchemas].safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const where = issue.path.length > 0 ? `${clip(issue.path.join('.'))}: ` : '';
      return this.error(connection, ErrorCode.INVALID_MESSAGE, `invalid ${type}: ${where}${clip(issue.message)}`, id);
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

  /**
   * Joins the rooms of the distinct symbols asked for. Each is acknowledged once; only a symbol the
   * connection newly joins gets the latest-signal snapshot, so repeating a subscribe costs the server little.
   */
  private subscribe(connection: Connection, raw: string[], id: RequestId): void {
    const refused: string[] = [];
    for (const symbol of new Set(raw.map(normaliseSymbol))) {
      if (!this.options.store.has(symbol)) {
        this.error(connection, ErrorCode.UNKNOWN_SYMBOL, `unknown symbol ${symbol}; the connected message lists the symbols`, id);
        continue;
      }
      const already = connection.subscriptions.has(symbol);
      if (!already && connection.subscriptions.size >= this.limits.maxSubscriptions) {
        refused.push(symbol);
        continue;
      }
      this.hub.sendTo(connection, { type: 'subscribed', symbol, status: 'subscribed', timestamp: now(), ...(id !== undefined ? { id } : {}) });
      if (already) continue;
      this.hub.join(connection, symbol);
      this.options.feed.watch(symbol);
      const last = this.latest.get(symbol);
      if (last) {
        const snapshot = { ...last, data: { ...last.data, trigger: 'snapshot' as const } } as ServerMessage;
        this.hub.sendTo(connection, snapshot);
      }
    }
    if (refused.length > 0) {
      this.error(
        connection,
        ErrorCode.TOO_MANY_SUBSCRIPTIONS,
        `at most ${this.limits.maxSubscriptions} subscriptions per connection; not subscribed: ${refused.join(', ')}`,
        id,
      );
    }
  }

  private unsubscribe(connection: Connection, raw: string[], id: RequestId): void {
    for (const symbol of new Set(raw.map(normaliseSymbol))) {
      if (connection.subscriptions.has(symbol) && this.hub.leave(connection, symbol) === 0) this.release(symbol);
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

  /**
   * A refused request. Refusals are counted per address: once its budget is spent, the connection
   * is closed with 1008 and the address may not open new ones for the penalty period.
   */
  private rateLimited(connection: Connection, id: RequestId, what: string): void {
    this.metrics.rateLimited.inc();
    if (!connection.address.refusals.take()) {
      connection.address.penalisedUntil = Date.now() + this.limits.abusePenaltyMs;
      this.options.logger.warn('rate limit abuse: connection closed, address penalised', { client_id: connection.id, penalty_ms: this.limits.abusePenaltyMs });
      connection.close(CloseCode.POLICY_VIOLATION, CloseReason.RATE_LIMITED);
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
    for (const c of this.hub.connections) if (!c.closing) c.ws.ping();
    this.hub.broadcastAll({ type: 'heartbeat', timestamp: now() });
  }

  /** Terminates peers silent for two heartbeat intervals (checked often, so never much later), and forgets idle addresses. */
  private sweep(): void {
    const dead = Date.now() - 2 * this.limits.heartbeatMs;
    for (const c of this.hub.connections) {
      if (c.lastSeen < dead) {
        this.options.logger.info('terminating silent client', { client_id: c.id });
        c.ws.terminate();
      }
    }
    this.addresses.sweep();
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

/** The `id` of a request that may not have passed validation: echoed only when it is within the documented form. */
function requestId(raw: unknown): RequestId {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  if (typeof id === 'string') return id.length <= 128 ? id : undefined;
  return typeof id === 'number' && Number.isFinite(id) ? id : undefined;
}

/** Client text quoted back in an error, cut short so an error is never much larger than the request's valid form. */
function clip(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function symbolsOf(message: { symbol?: string | undefined; symbols?: string[] | undefined }): string[] {
  return [...(message.symbol !== undefined ? [message.symbol] : []), ...(message.symbols ?? [])];
}
