// `signals serve`: the WebSocket server on the replayed bundled market, until SIGINT or SIGTERM.
import { defaultAgents } from '../agents/index.js';
import { ReplayFeed } from '../market/replay.js';
import { isCalendarDate } from '../market/snapshot.js';
import { MarketStore } from '../market/store.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import { SignalsError } from '../protocol/errors.js';
import { authEnabled } from '../server/auth.js';
import { createLogger, LEVELS, type Level } from '../server/log.js';
import { SignalServer } from '../server/signal-server.js';
import { agentTimeout, consensusConfig, llmConfig, type SharedOptions } from './options.js';

export interface ServeOptions extends SharedOptions {
  host: string;
  port: string;
  symbols: string;
  threshold: string;
  speed: string;
  from: string;
  seed: string;
  token?: string[];
  jwtSecret?: string;
  jwksUrl?: string;
  logLevel: string;
  priceRate: string;
  maxConnections: string;
  maxSubscriptions: string;
  messageRate: string;
  analyzeRate: string;
}

function positive(name: string, raw: string, integer = false): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new SignalsError('BAD_ARGUMENT', `${name} must be a ${integer ? 'whole ' : ''}number >= 0, got "${raw}"`);
  }
  return value;
}

function rateLimits(options: ServeOptions) {
  const messages = positive('--message-rate', options.messageRate);
  const analyses = positive('--analyze-rate', options.analyzeRate);
  return {
    maxConnections: positive('--max-connections', options.maxConnections, true),
    maxSubscriptions: positive('--max-subscriptions', options.maxSubscriptions, true),
    messagesPerSecond: messages,
    messageBurst: Math.max(1, messages * 2),
    analyzePerSecond: analyses,
    analyzeBurst: Math.max(1, analyses * 5),
  };
}

/** Builds the server from CLI options (also used by `watch --local`). */
export function createServerFromOptions(options: ServeOptions, logLevel?: Level): SignalServer {
  const level = (logLevel ?? options.logLevel) as Level;
  if (!LEVELS.includes(level)) throw new SignalsError('BAD_ARGUMENT', `--log-level must be one of ${LEVELS.join(', ')}`);
  const store = new MarketStore({ dataDir: options.dataDir });
  const symbols = options.symbols.split(',').map((s) => s.trim()).filter((s) => s !== '').map(normaliseSymbol);
  for (const s of symbols) {
    if (!store.has(s)) throw new SignalsError('UNKNOWN_SYMBOL', `unknown symbol ${s} in --symbols; \`signals symbols\` lists them`);
  }
  const speed = positive('--speed', options.speed);
  if (speed === 0) throw new SignalsError('BAD_ARGUMENT', '--speed must be above 0');
  const threshold = positive('--threshold', options.threshold);
  if (threshold === 0) throw new SignalsError('BAD_ARGUMENT', '--threshold must be above 0');
  const priceRate = positive('--price-rate', options.priceRate);
  if (priceRate === 0) throw new SignalsError('BAD_ARGUMENT', '--price-rate must be above 0');
  if (!isCalendarDate(options.from)) throw new SignalsError('BAD_ARGUMENT', `--from "${options.from}" is not a date; use YYYY-MM-DD`);
  const port = positive('--port', options.port, true);
  if (port > 65535) throw new SignalsError('BAD_ARGUMENT', `--port must be from 0 to 65535, got ${port}`);
  const feed = new ReplayFeed(store, { from: options.from, speed, seed: positive('--seed', options.seed, true) });
  const auth = {
    tokens: (options.token ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== ''),
    jwtSecret: options.jwtSecret,
    jwksUrl: options.jwksUrl,
  };
  if (options.jwtSecret && options.jwksUrl) throw new SignalsError('BAD_ARGUMENT', 'use --jwt-secret or --jwks-url, not both');
  return new SignalServer({
    host: options.host,
    port,
    store,
    feed,
    agents: defaultAgents({ bundledDir: store.bundledDir, llm: llmConfig(options) }),
    symbols,
    thresholdPct: threshold,
    priceRate,
    consensus: consensusConfig(options),
    agentTimeoutMs: agentTimeout(options),
    auth,
    limits: rateLimits(options),
    logger: createLogger(level),
  });
}

export async function runServe(options: ServeOptions): Promise<void> {
  const server = createServerFromOptions(options);
  const logger = createLogger(options.logLevel as Level);
  const loopback = ['127.0.0.1', '::1', 'localhost'].includes(options.host);
  const secured = authEnabled({ tokens: options.token ?? [], jwtSecret: options.jwtSecret, jwksUrl: options.jwksUrl });
  if (!loopback && !secured) {
    logger.warn(`listening on ${options.host} without authentication: anyone who can reach this port can connect; set --token or --jwt-secret`);
  }
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const shutdown = (signal: string) => {
    logger.info('shutting down', { signal });
    // Whatever happens, exit within 5 s.
    setTimeout(() => process.exit(0), 4_500).unref();
    void server.stop().then(stop);
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  let port: number;
  try {
    port = await server.start();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new SignalsError('BAD_ARGUMENT', `port ${options.port} on ${options.host} is in use; pick another with --port`);
    if (code === 'EADDRNOTAVAIL') throw new SignalsError('BAD_ARGUMENT', `--host ${options.host} is not an address of this machine`);
    if (code === 'EACCES') throw new SignalsError('BAD_ARGUMENT', `not allowed to listen on port ${options.port}; pick one above 1023 with --port`);
    throw error;
  }
  logger.info('signals serve listening', {
    url: `ws://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/ws/signals`,
    from: options.from,
    speed: Number(options.speed),
    symbols: options.symbols,
    auth: secured,
  });
  await stopped;
}
