// Starts a real SignalServer on port 0 for integration tests, with a feed the test controls, and raw WebSocket helpers.
import WebSocket from 'ws';
import { defaultAgents } from '../../src/agents/index.js';
import type { Agent } from '../../src/agents/agent.js';
import type { FeedStatus, MarketFeed, Tick } from '../../src/market/feed.js';
import { MarketStore } from '../../src/market/store.js';
import { Analyst } from '../../src/core/analyst.js';
import { createLogger } from '../../src/core/log.js';
import { Ranker } from '../../src/core/ranker.js';
import { SignalCore } from '../../src/core/signal-core.js';
import type { SignalLog } from '../../src/log/signal-log.js';
import type { Limits } from '../../src/server/limits.js';
import { SignalServer } from '../../src/server/signal-server.js';
import type { AuthOptions } from '../../src/server/auth.js';
import type { WebAssets } from '../../src/server/web.js';

export const store = new MarketStore();

/** A feed the test drives by hand: `push` quotes a price now. */
export class ManualFeed implements MarketFeed {
  readonly name = 'manual';
  private readonly listeners: ((t: Tick) => void)[] = [];
  private readonly quotes = new Map<string, Tick>();
  private readonly symbols = new Set<string>();
  clock = '2024-11-01T15:00:00.000Z';

  now() {
    return this.clock;
  }
  watch(symbol: string) {
    this.symbols.add(symbol);
  }
  unwatch(symbol: string) {
    this.symbols.delete(symbol);
  }
  watched() {
    return [...this.symbols];
  }
  quote(symbol: string) {
    return this.quotes.get(symbol);
  }
  onTick(listener: (t: Tick) => void) {
    this.listeners.push(listener);
  }
  marketState() {
    return 'open' as const;
  }
  private status: ((status: FeedStatus) => void) | undefined;
  onStatus(listener: (status: FeedStatus) => void) {
    this.status = listener;
  }
  /** Runs out of data, as a replay does at the end of its history. */
  end() {
    this.status?.({ state: 'ended', reason: 'the manual feed has no more prices' });
  }
  start() {}
  stop() {}

  push(symbol: string, price: number): void {
    const tick: Tick = {
      symbol,
      price,
      volume: 1000,
      time: this.clock,
      previousClose: 100,
      bar: { date: this.clock.slice(0, 10), open: 100, high: Math.max(100, price), low: Math.min(100, price), close: price, volume: 1000 },
    };
    this.quotes.set(symbol, tick);
    for (const l of this.listeners) l(tick);
  }
}

export interface TestServerOptions {
  agents?: Agent[];
  limits?: Partial<Limits>;
  auth?: AuthOptions;
  metricsToken?: string;
  /** The signal log (default: one in memory). */
  log?: SignalLog;
  symbols?: string[];
  thresholdPct?: number;
  priceRate?: number;
  /** Listen on this port (default: a free one). */
  port?: number;
  /** The feed (default: a new ManualFeed). */
  feed?: ManualFeed;
  /** First delay before a publication the log refused is tried again (default the core's). */
  logRetryMs?: number;
  /** The web view's files, served at GET / (default: none). */
  web?: WebAssets;
}

/** A real core and server on a free port; `stop` stops both. */
export async function startServer(options: TestServerOptions = {}) {
  const feed = options.feed ?? new ManualFeed();
  const logger = createLogger('silent');
  const analyst = new Analyst({ store, agents: options.agents ?? defaultAgents({ bundledDir: store.bundledDir }) });
  const core = new SignalCore({
    analyst,
    ranker: new Ranker({ store, universe: 'bundled', agents: defaultAgents({ bundledDir: store.bundledDir }) }),
    feed,
    log: options.log,
    symbols: options.symbols ?? [],
    thresholdPct: options.thresholdPct ?? 1,
    priceRate: options.priceRate ?? 20,
    logger,
    ...(options.logRetryMs !== undefined ? { logRetryMs: options.logRetryMs } : {}),
  });
  const server = new SignalServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    core,
    ...(options.auth ? { auth: options.auth } : {}),
    ...(options.metricsToken ? { metricsToken: options.metricsToken } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.web ? { web: options.web } : {}),
    logger,
  });
  core.start();
  const port = await server.start();
  // As the service stops: the feed first, so analyses under way reach their clients, then the clients, then the log.
  const stop = async () => {
    await core.stop();
    await server.stop();
    await options.log?.close();
  };
  const http = `http://127.0.0.1:${port}`;
  /** How many connections are subscribed to `symbol`, from the public GET /ws/status. */
  const subscribers = async (symbol: string): Promise<number> => {
    const status = (await (await fetch(`${http}/ws/status`)).json()) as { websocket_manager: { rooms: Record<string, number> } };
    return status.websocket_manager.rooms[symbol] ?? 0;
  };
  return { server, core, feed, port, stop, subscribers, url: `ws://127.0.0.1:${port}`, http };
}

/** A raw WebSocket that records every message; `next` waits for one matching a predicate. */
export class TestClient {
  readonly messages: any[] = [];
  readonly ws: WebSocket;
  closed: { code: number; reason: string } | undefined;
  private readonly opened: Promise<void>;

  constructor(url: string, options?: WebSocket.ClientOptions) {
    this.ws = new WebSocket(url, options);
    this.ws.on('message', (data, isBinary) => this.messages.push(isBinary ? { binary: true } : JSON.parse((data as Buffer).toString())));
    this.ws.on('close', (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.ws.on('error', () => {});
    this.opened = new Promise((resolve) => this.ws.once('open', () => resolve()));
  }

  static async connect(url: string, options?: WebSocket.ClientOptions): Promise<TestClient> {
    const c = new TestClient(url, options);
    await c.opened;
    await c.next((m) => m.type === 'connected');
    return c;
  }

  /** Connects and subscribes to `symbol`, waiting for the acknowledgement. */
  static async subscribedTo(url: string, symbol: string): Promise<TestClient> {
    const c = await TestClient.connect(url);
    c.send({ type: 'subscribe', symbol });
    await c.next((m) => m.type === 'subscribed' && m.symbol === symbol);
    return c;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (from index `from`) matching `match`, polling for up to `timeoutMs`. */
  async next(match: (m: any) => boolean, timeoutMs = 5_000, from = 0): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(this.messages.map((m) => m.type))}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async waitClosed(timeoutMs = 5_000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('not closed');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed;
  }

  close(): void {
    this.ws.terminate();
  }
}
