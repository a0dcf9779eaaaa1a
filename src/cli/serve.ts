// `signals serve`, and the service it runs (`watch --local` runs it too): the market provider, the core and its signal log,
// webhooks, with --redis-url a cluster node, and the WebSocket server, from checked options, until SIGINT or SIGTERM.
import { defaultAgents } from '../agents/index.js';
import { MarketStore } from '../market/store.js';
import { SignalsError } from '../protocol/errors.js';
import { Analyst } from '../core/analyst.js';
import { createProvider } from '../providers/index.js';
import { DEFAULT_LEASE_MS } from '../core/cluster.js';
import { createLogger, type Logger } from '../core/log.js';
import { Ranker } from '../core/ranker.js';
import { SignalCore } from '../core/signal-core.js';
import { MemoryLog } from '../log/memory-log.js';
import { SegmentLog } from '../log/segment-log.js';
import { redactedUrl } from '../log/redis-url.js';
import type { SignalLog } from '../log/signal-log.js';
import { authEnabled, type AuthOptions } from '../server/auth.js';
import { SignalServer } from '../server/signal-server.js';
import { WebAssets } from '../server/web.js';
import { webhookLabels, Webhooks } from '../webhooks/webhooks.js';
import { providerConfig } from './provider.js';
import { consensusConfig, llmConfig, type ServeOptions } from './options.js';

function rateLimits(options: ServiceOptions) {
  return {
    maxConnections: options.maxConnections,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress,
    maxQueuedBytes: options.maxQueuedMib * 1024 * 1024,
    maxSubscriptions: options.maxSubscriptions,
    messagesPerSecond: options.messageRate,
    messageBurst: Math.max(1, options.messageRate * 2),
    analyzePerSecond: options.analyzeRate,
    analyzeBurst: Math.max(1, options.analyzeRate * 5),
    analyzeTotalPerSecond: options.analyzeRateTotal,
    analyzeTotalBurst: Math.max(1, options.analyzeRateTotal * 5),
  };
}

/** The authentication the server enforces; the start-up log reports this same value. */
function authOptions(options: ServiceOptions): AuthOptions {
  return {
    tokens: options.token ?? [],
    jwtSecret: options.jwtSecret,
    jwksUrl: options.jwksUrl,
    jwtAudience: options.jwtAudience,
    jwtIssuer: options.jwtIssuer,
    jwtAllowNoExp: options.jwtAllowNoExp,
  };
}

/** The application and its WebSocket server, built from checked options; start and stop them together. */
export interface Service {
  core: SignalCore;
  server: SignalServer;
  logger: Logger;
  /** The authentication the server enforces. */
  auth: AuthOptions;
  log: SignalLog;
  /** In a cluster, this node's id. */
  node?: string | undefined;
  /** Listens, then starts the market feed; resolves with the port. */
  start(): Promise<number>;
  stop(): Promise<void>;
}

/** The options of a service: those of `serve`, where without a state dir the signal log is kept in memory (`watch --local`). */
type LogOptions = 'stateDir' | 'retention' | 'fsync' | 'webhookTimeout' | 'redisUrl' | 'leaseMs';
export type ServiceOptions = Omit<ServeOptions, LogOptions> & Partial<Pick<ServeOptions, LogOptions>>;

/** Builds the service from checked options (also used by `watch --local`); opens the signal log, so state dir errors come first. */
export async function buildService(options: ServiceOptions): Promise<Service> {
  const logger = createLogger(options.logLevel);
  const auth = authOptions(options);
  const store = new MarketStore({ dataDir: options.dataDir });
  const symbols = options.symbols;
  const provider = await createProvider(
    providerConfig(options, store, logger, {
      from: options.from,
      speed: options.speed,
      seed: options.seed,
      loop: options.loop ?? true,
      onError: (symbol, error) =>
        logger.error('no prices for a symbol: its data could not be read', { symbol, error: error instanceof Error ? error.message : String(error) }),
    }),
  );
  // The replay of the S&P 500 knows every member's bars; otherwise the monitored symbols are among the bundled ones.
  const known = options.universe === 'sp500' && options.provider === 'replay' ? provider.history : store;
  for (const s of symbols) {
    if (!known.has(s)) {
      const list = options.universe === 'sp500' ? 'signals symbols --universe sp500' : 'signals symbols';
      throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s} in --symbols; \`${list}\` lists them`);
    }
  }
  const feed = provider.feed;
  const analyst = new Analyst({
    store: provider.history,
    agents: defaultAgents({ bundledDir: store.bundledDir, llm: llmConfig(options) }),
    consensus: consensusConfig(options),
    agentTimeoutMs: options.agentTimeout,
    // Whose evidence the consensus reads, as `analyze --universe` does.
    universe: options.universe,
  });
  // With --redis-url this process is one node of a cluster: the log is in Redis, and a Broker shares the work. Only then
  // does the Redis client load.
  const cluster =
    options.redisUrl === undefined
      ? undefined
      : (await import('./cluster.js')).clusterNode({
          redisUrl: options.redisUrl,
          leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
          retention: options.retention,
          connections: (): number => server.connections,
          logger,
        });
  const log =
    cluster?.log ??
    (options.stateDir === undefined
      ? new MemoryLog(options.retention)
      : SegmentLog.open({
          dir: options.stateDir,
          ...(options.retention ? { retention: options.retention } : {}),
          ...(options.fsync ? { fsync: options.fsync } : {}),
          warn: (message, fields) => logger.warn(message, fields),
        }));
  // `rank` requests rank the universe's files as `signals rank` does, whatever the provider: its own agents, the same options.
  const ranker = new Ranker({
    store,
    universe: options.universe,
    agents: defaultAgents({ bundledDir: store.bundledDir, llm: llmConfig(options) }),
    consensus: consensusConfig(options),
    agentTimeoutMs: options.agentTimeout,
    signedByAction: options.referenceConsensus,
  });
  const core = new SignalCore({
    analyst,
    ranker,
    feed,
    log,
    symbols,
    thresholdPct: options.threshold,
    priceRate: options.priceRate,
    logger,
    cluster: cluster?.broker,
  });
  cluster?.broker.attach(core);
  const server = new SignalServer({
    host: options.host,
    port: options.port,
    core,
    auth,
    cluster: cluster?.broker,
    metricsToken: options.metricsToken,
    web: options.web === false ? undefined : WebAssets.load(),
    limits: rateLimits(options),
    fastPath: process.env.SIGNALS_WS_FAST_PATH !== '0',
    logger,
  });
  // Webhook cursors live in the state dir beside the log: without one (watch --local) there are no webhooks.
  const webhooks =
    options.webhook && options.stateDir !== undefined
      ? new Webhooks({
          urls: options.webhook,
          secret: options.webhookSecret,
          every: options.webhookAll ?? false,
          timeoutMs: options.webhookTimeout ?? 10_000,
          stateDir: options.stateDir,
          source: core,
          registry: server.registry,
          logger,
        })
      : undefined;
  return {
    core,
    server,
    logger,
    auth,
    log,
    node: cluster?.broker.nodeId,
    async start() {
      await analyst.prepare();
      await cluster?.open();
      let port: number;
      try {
        // The provider first: a refused key or an unreachable provider ends the start before anything listens.
        await provider.open();
        port = await server.start();
      } catch (error) {
        feed.stop();
        await log.close();
        await cluster?.close();
        throw error;
      }
      // Before the core: a webhook first catches up with what the log holds past its cursor.
      webhooks?.start();
      core.start();
      return port;
    },
    /**
     * The feed stops first and analyses under way finish and reach the clients (webhooks resume from their cursors
     * at the next start); then the clients are closed.
     */
    async stop() {
      await core.stop();
      await webhooks?.stop();
      await cluster?.broker.stop();
      await server.stop();
      await log.close();
      await cluster?.link.close();
    },
  };
}

export async function runServe(options: ServeOptions): Promise<void> {
  const service = await buildService(options);
  const { logger } = service;
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn('shutdown already under way', { signal });
      return;
    }
    stopping = true;
    logger.info('shutting down', { signal });
    // Whatever happens, exit within 5 s.
    setTimeout(() => process.exit(0), 4_500).unref();
    void service.stop().then(stop);
  };
  // `on`, not `once`: with no listener left, a second signal would kill the process mid-shutdown (exit 143).
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  let port: number;
  try {
    port = await service.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new SignalsError('BAD_ARGUMENT', `port ${options.port} on ${options.host} is in use; pick another with --port`);
    if (code === 'EADDRNOTAVAIL')
      throw new SignalsError('BAD_ARGUMENT', `cannot listen on ${options.host}: not an address of this machine; check --host`);
    if (code === 'EACCES') throw new SignalsError('BAD_ARGUMENT', `not allowed to listen on port ${options.port}; pick one above 1023 with --port`);
    throw error;
  }
  // Only now that the port is bound: a warning about a server that then failed to start would mislead.
  const secured = authEnabled(service.auth);
  if (!['127.0.0.1', '::1', 'localhost'].includes(options.host) && !secured) {
    logger.warn(`listening on ${options.host} without authentication: anyone who can reach this port can connect; set --token or --jwt-secret`);
  }
  if (options.webhook && options.webhookSecret === undefined) {
    logger.warn('webhooks are sent unsigned: a receiver cannot tell them from forgeries; set --webhook-secret');
  }
  const address = options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info('signals serve listening', {
    url: `ws://${address}:${port}/ws/signals`,
    ...(options.web === false ? {} : { web: `http://${address}:${port}/` }),
    provider: options.provider,
    ...(options.provider === 'replay' ? { from: options.from, speed: options.speed, loop: options.loop ?? true } : {}),
    symbols: options.symbols.join(','),
    universe: options.universe,
    auth: secured,
    ...(options.redisUrl === undefined ? { state_dir: options.stateDir } : { redis: redactedUrl(options.redisUrl), node: service.node }),
    epoch: service.log.epoch,
    ...(options.webhook ? { webhooks: webhookLabels(options.webhook).join(',') } : {}),
  });
  await stopped;
}
