// The real-time signal server: WebSocket endpoints, the market monitor, analyses streamed to symbol rooms.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClusterReport } from '../core/cluster.js';
import type { Logger } from '../core/log.js';
import type { CoreEvent, FeedEvent, SignalCore } from '../core/signal-core.js';
import { FEED_STATES, MARKET_STATES, PROTOCOL_VERSION } from '../protocol/messages.js';
import { CloseCode, CloseReason, ErrorCode } from '../protocol/errors.js';
import { BEARER_SUBPROTOCOL } from '../protocol/subprotocol.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import { VERSION } from '../version.js';
import { AddressBook, type AddressState } from './addresses.js';
import { authEnabled, createAuthenticator, staticTokenCheck, type AuthOptions, type AuthResult, type Authenticator } from './auth.js';
import { Connection } from './connection.js';
import { httpHandler, type StatusData } from './http.js';
import { historyPage } from './history.js';
import { Hub } from './hub.js';
import { DEFAULT_LIMITS, type Limits } from './limits.js';
import { createMetrics, type Metrics } from './metrics.js';
import { OutboundPath } from './outbound.js';
import { ByteBudget, paid, Slots } from './read-budget.js';
import { Requests } from './requests.js';
import { refuseUpgrade, route, type Route } from './upgrade.js';
import type { WebAssets } from './web.js';

export interface ServerOptions {
  host: string;
  port: number;
  /** The application whose publications this server relays; started and stopped by its owner. */
  core: SignalCore;
  auth?: AuthOptions;
  /** When set, GET /metrics requires this token (?token= or Authorization: Bearer); otherwise /metrics is open. */
  metricsToken?: string | undefined;
  limits?: Partial<Limits>;
  /** The cluster this node is part of, shown on /ws/status, /healthz and /metrics; absent with one process. */
  cluster?: ClusterReport | undefined;
  /** The web view served at GET / (dist/web); absent: no page. */
  web?: WebAssets | undefined;
  /** Write pre-built frames through ws internals when they check out (default); false: always `ws.send`. */
  fastPath?: boolean;
  logger: Logger;
}

const now = () => new Date().toISOString();
const feedStatus = (data: FeedEvent) => ({ type: 'feed_status' as const, data });
/** TCP connections allowed beyond the WebSocket limit, so that HTTP probes and 1013 refusals still get through. */
const HANDSHAKE_HEADROOM = 64;
/** Node's timers fire at once past this delay (2^31 - 1 ms). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The WebSocket transport of a SignalCore: upgrade and authentication, per-connection dispatch,
 * symbol rooms, framing and back-pressure, and the HTTP endpoints beside them.
 */
export class SignalServer {
  private readonly core: SignalCore;
  private readonly hub: Hub;
  private readonly metrics: Metrics;
  private readonly limits: Limits;
  private readonly path: OutboundPath;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly authenticate: Authenticator;
  private readonly authOn: boolean;
  private readonly addresses: AddressBook;
  /** Upgrade requests past routing and not yet accepted (authenticating). */
  private upgrading = 0;
  private readonly unsubscribeCore: () => void;
  private readonly unsubscribeFeed: () => void;
  private readonly unsubscribeRelay: () => void;
  private readonly unsubscribeLog: () => void;
  private readonly requests: Requests;
  /** What reads of the log may send per second server-wide, and the pages read at once. */
  private readonly reads: { total: ByteBudget; slots: Slots };
  /** Each HTTP connection's read budget, as a WebSocket connection has its own. */
  private readonly httpReadBudgets = new WeakMap<Socket, ByteBudget>();
  private heartbeat: NodeJS.Timeout | undefined;
  private flusher: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private stopping = false;

  /** The registry GET /metrics serves: other parts of the process (webhooks) register their metrics in it. */
  get registry(): Registry {
    return this.metrics.registry;
  }

  constructor(private readonly options: ServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.metrics = createMetrics();
    this.path = new OutboundPath(options.fastPath ?? true);
    this.hub = new Hub(this.metrics, this.path, this.limits);
    this.addresses = new AddressBook(this.limits);
    this.authenticate = createAuthenticator(options.auth ?? {});
    this.authOn = authEnabled(options.auth ?? {});
    this.core = options.core;
    this.unsubscribeCore = this.core.onPublish((symbol, event) => this.relay(symbol, event));
    // The feed's and the market's state concern every client: a stalled or ended feed must not look like a quiet market.
    this.unsubscribeFeed = this.core.onFeedEvent((event) => this.hub.broadcastAll(feedStatus(event)));
    this.unsubscribeRelay = this.core.onRelay((symbol, event, lagMs) => {
      if (options.cluster) this.metrics.relayLag.observe({ node: options.cluster.nodeId }, Math.max(0, lagMs) / 1000);
      this.hub.broadcast(symbol, event);
    });
    this.unsubscribeLog = this.core.onLogFailure(() => {
      this.metrics.logWriteFailures.inc();
      this.metrics.internalErrors.inc();
    });
    this.reads = { total: new ByteBudget(this.limits.readBytesTotalPerSecond), slots: new Slots(this.limits.maxReadsInFlight) };
    this.requests = new Requests({
      reads: this.reads,
      core: this.core,
      hub: this.hub,
      limits: this.limits,
      metrics: this.metrics,
      logger: options.logger,
      status: () => this.statusData(),
    });
    this.http = createServer(
      httpHandler({
        hub: this.hub,
        metrics: this.metrics,
        status: () => this.statusData(),
        started: Date.now(),
        authorizeStatus: (req) => this.authorizeHttp(req),
        authorizeMetrics: options.metricsToken ? staticTokenCheck(options.metricsToken) : () => true,
        beforeScrape: () => {
          this.hub.flushCounts();
          this.metrics.connections.set(this.hub.connections.size);
          this.metrics.queuedBytes.set(this.hub.queued());
          const state = this.core.feedState;
          for (const s of FEED_STATES) this.metrics.feedState.set({ state: s }, s === state ? 1 : 0);
          const market = this.core.status().market_state;
          for (const s of MARKET_STATES) this.metrics.marketState.set({ state: s }, s === market ? 1 : 0);
          if (options.cluster) this.metrics.observeCluster(options.cluster.status());
        },
        cluster: options.cluster,
        logHealth: () => this.core.logHealth(),
        web: options.web,
        market: this.core,
        mayRead: (req) => this.mayRead(req),
        history: (req, symbol, query, write) => {
          const socket = req.socket;
          let budget = this.httpReadBudgets.get(socket);
          if (!budget) this.httpReadBudgets.set(socket, (budget = new ByteBudget(this.limits.readBytesPerSecond)));
          const budgets = [budget, this.reads.total];
          this.metrics.logReads.inc({ kind: 'history' });
          return this.reads.slots.run(() => historyPage(this.core, symbol, query, { write, paid: (bytes) => paid(bytes, budgets) }));
        },
        logger: options.logger,
      }),
    );
    // A request (upgrade or not) must arrive whole within the handshake timeout: half-open ones cannot pile up.
    this.http.headersTimeout = this.limits.handshakeTimeoutMs;
    this.http.requestTimeout = this.limits.handshakeTimeoutMs;
    this.http.maxConnections = this.limits.maxConnections + HANDSHAKE_HEADROOM;
    this.http.on('connection', (socket: Socket) => this.admit(socket));
    // No permessage-deflate: every subscriber of a room is sent the same pre-built frame (outbound.ts).
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxFrameBytes,
      clientTracking: false,
      perMessageDeflate: false,
      // One message per turn of the event loop: a client that sends thousands of frames in one write
      // takes its turns with every other connection, instead of holding the loop until they are all read.
      allowSynchronousEvents: false,
      // The first subprotocol offered, as ws does by default, but never a token (auth.ts): it is not echoed back.
      handleProtocols: (offered) => [...offered].find((p) => !p.startsWith(BEARER_SUBPROTOCOL)) ?? false,
    });
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

  /** Listens; resolves with the port (useful with port 0). */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.options.port, this.options.host, () => resolve());
    });
    this.heartbeat = setInterval(() => this.beat(), this.limits.heartbeatMs);
    this.sweeper = setInterval(() => this.sweep(), Math.max(20, Math.min(5_000, this.limits.heartbeatMs / 6)));
    this.flusher = setInterval(() => this.hub.flushHeldBack(), 250);
    return (this.http.address() as AddressInfo).port;
  }

  /** Stops accepting, closes every client with 1001; resolves when the listener is closed. The core is its owner's to stop. */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.heartbeat);
    clearInterval(this.sweeper);
    clearInterval(this.flusher);
    this.unsubscribeCore();
    this.unsubscribeFeed();
    this.unsubscribeRelay();
    this.unsubscribeLog();
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

  /** Open WebSocket connections. */
  get connections(): number {
    return this.hub.connections.size;
  }

  private statusData(): StatusData {
    return { running: !this.stopping, websocket_connections: this.hub.connections.size, ...this.core.status(), version: VERSION };
  }

  /** Every event of the core goes to the symbol's room; publications also feed the metrics. */
  private relay(symbol: string, event: CoreEvent): void {
    if (event.type === 'agent_update' && event.data.duration_ms !== undefined) {
      this.metrics.agentLatency.observe({ agent: event.data.agent_id ?? event.data.agent }, event.data.duration_ms / 1000);
    }
    if (event.type === 'signal_update' || event.type === 'decision_update') {
      const outcome = event.type === 'signal_update' ? event.data.action : event.data.decision.action;
      this.metrics.analyses.inc({ trigger: event.data.trigger ?? 'unknown', outcome });
    }
    this.hub.broadcast(symbol, event);
  }

  /** Counts a TCP connection against its address's cap; one over the cap is closed at once. */
  private admit(socket: Socket): void {
    const address = this.addresses.get(socket.remoteAddress ?? 'unknown');
    if (address.sockets >= this.limits.maxConnectionsPerAddress) {
      this.metrics.connectionsRefused.inc();
      socket.destroy();
      return;
    }
    address.sockets += 1;
    socket.once('close', () => (address.sockets -= 1));
  }

  /** A history request over HTTP spends one of its address's reads; past them it is refused, and counts as abuse. */
  private mayRead(req: IncomingMessage): 'ok' | 'limited' | 'penalised' {
    const ip = req.socket.remoteAddress ?? 'unknown';
    const address = this.addresses.get(ip);
    if (!this.addresses.refused(ip) && address.reads.take()) return 'ok';
    this.metrics.rateLimited.inc();
    if (address.refusals.take()) return 'limited';
    address.penalisedUntil = Math.max(address.penalisedUntil, Date.now() + this.limits.abusePenaltyMs);
    return 'penalised';
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
      this.options.logger.info('authentication failed', { address: ip, path: target.endpoint });
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!auth.ok) return ws.close(CloseCode.POLICY_VIOLATION, CloseReason.AUTH_FAILED);
      this.accept(ws, ip, address, target, auth.expiresAt);
    });
  }

  private accept(ws: WebSocket, ip: string, address: AddressState, target: Exclude<Route, { status: number }>, expiresAt: number | undefined): void {
    const pathSymbol = 'symbol' in target ? normaliseSymbol(target.symbol) : undefined;
    const connection = new Connection(randomUUID(), ws, pathSymbol ? `/ws/symbols/${pathSymbol}` : '/ws/signals', address, this.limits, this.path, {
      onSlow: (c) => {
        this.metrics.slowConsumers.inc();
        this.options.logger.warn('slow consumer closed', { client_id: c.id });
      },
      onConflate: () => this.metrics.conflated.inc(),
      onCork: (c) => this.hub.corkedThisTurn(c),
      flush: () => this.hub.flush(),
      onPending: (c) => this.hub.heldBack(c),
      overBudget: (c, bytes) => this.hub.overBudget(c, bytes),
    });
    address.connections += 1;
    this.hub.connections.add(connection);
    this.metrics.connectionsTotal.inc();
    this.metrics.connections.set(this.hub.connections.size);
    ws.on('message', (data, isBinary) => this.requests.onMessage(connection, data, isBinary, pathSymbol));
    ws.on('pong', () => (connection.lastSeen = Date.now()));
    ws.on('error', () => connection.closeAfterError());
    const opened = Date.now();
    this.options.logger.debug('connection opened', { client_id: connection.id, address: ip, endpoint: connection.endpoint });
    ws.on('close', (code) => {
      this.options.logger.debug('connection closed', { client_id: connection.id, code, seconds: Math.round((Date.now() - opened) / 1000) });
      connection.closed();
      address.connections -= 1;
      for (const symbol of this.hub.remove(connection)) this.core.release(symbol);
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
      agents: this.core.agents(),
      symbols: this.core.symbols(),
      universe: this.core.universe,
    });
    this.hub.sendTo(connection, feedStatus(this.core.feedEvent('connected')));
    if (pathSymbol !== undefined) {
      if (!this.core.has(pathSymbol)) {
        this.requests.error(connection, ErrorCode.UNKNOWN_SYMBOL, `unknown symbol ${pathSymbol}; the connected message lists the symbols`, undefined);
        connection.close(CloseCode.POLICY_VIOLATION, CloseReason.UNKNOWN_SYMBOL);
        return;
      }
      // A connection to a symbol's path asks for its analysis, within the analyze limits like any other request.
      const analyse = this.requests.takeAnalysis(connection);
      this.requests.subscribe(connection, [pathSymbol], undefined, undefined, analyse);
      if (analyse) this.core.request(pathSymbol, 'connect');
    }
  }

  /** Closes the connection with 4001 when its JWT expires (timers re-armed past Node's 24.8-day limit). */
  private expireAt(connection: Connection, at: number): void {
    const delay = at - Date.now();
    if (delay <= 0) return connection.close(CloseCode.TOKEN_EXPIRED, CloseReason.TOKEN_EXPIRED);
    connection.after(Math.min(delay, MAX_TIMER_MS), () => this.expireAt(connection, at));
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
}
