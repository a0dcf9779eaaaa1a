// The application, apart from any transport: feed -> monitor -> scheduler -> orchestrator -> publish, with per-symbol seq and failures.
import { backoffDelay } from '../backoff.js';
import type { MarketState } from '../market/calendar.js';
import type { UniverseName } from '../market/universe.js';
import type { FeedState, FeedStatus, MarketFeed, Tick } from '../market/feed.js';
import { MarketMonitor } from '../market/monitor.js';
import { closedCount } from '../market/snapshot.js';
import type { Bar, Rows } from '../market/types.js';
import { AnalysisScheduler } from '../orchestrator/scheduler.js';
import { ErrorCode, SignalsError } from '../protocol/errors.js';
import type { RankResult } from '../protocol/rank.js';
import { MemoryLog } from '../log/memory-log.js';
import { missingSeqs } from '../log/missing.js';
import type { LogRecord, Publication, ReadOptions, SignalLog } from '../log/signal-log.js';
import { type AgentUpdate, type PriceUpdate, type SeqRange, type Trigger } from '../protocol/messages.js';
import { normaliseSymbol } from '../protocol/symbol.js';
import type { Analyst } from './analyst.js';
import type { Cluster } from './cluster.js';
import type { Logger } from './log.js';
import type { Ranker } from './ranker.js';

/** What a subscriber of a symbol is sent: progress and votes, the outcome of an analysis (logged), prices. */
export type CoreEvent = AgentUpdate | Publication | PriceUpdate;

/** Receives every event the core publishes, in order; the WebSocket server is one, the CLI another. */
export type Publisher = (symbol: string, event: CoreEvent) => void;

/** Receives the events other nodes of a cluster published, for this node's subscribers; `lagMs` since they were published. */
export type Relay = (symbol: string, event: CoreEvent, lagMs: number) => void;

export interface CoreOptions {
  analyst: Analyst;
  feed: MarketFeed;
  /**
   * Every publication is appended here before it is published: its seq, its epoch, recovery and
   * history. Default: a log in memory (nothing survives the process).
   */
  log?: SignalLog | undefined;
  /** Symbols watched whether or not anyone is interested. */
  symbols: string[];
  /** Percent move from the price at a symbol's last analysis that starts a new one. */
  thresholdPct: number;
  /** Price updates per second per symbol, at most. */
  priceRate: number;
  logger: Logger;
  /**
   * Absent with one process. In a cluster, only the owner of a symbol analyses it and quotes its prices;
   * the other nodes hand it their requests and relay what it publishes.
   */
  cluster?: Cluster | undefined;
  /** Answers `rank` requests: the universe's rankings as of the market clock. Without one, a rank is refused. */
  ranker?: Ranker | undefined;
  /** First delay before a publication the log refused (a full disk) is tried again; it doubles up to 30 s. Default 1 s. */
  logRetryMs?: number;
}

/**
 * Whether the log takes publications. `failing` from the first one it refused until each symbol's
 * refused publication is logged (retried with backoff) or replaced by a newer one that is.
 */
export type LogHealth = { status: 'ok' } | { status: 'failing'; failing_since: string; error: string; unlogged: string[] };

/** The state of the application, for status requests. */
export interface CoreStatus {
  active_analyses: number;
  active_agents: number;
  agents: { id: string; name: string }[];
  /** The universe in force: whose evidence the consensus reads and what a `rank` request ranks. */
  universe: UniverseName;
  watched_symbols: string[];
  market_time: string;
  feed: string;
  /** What a replay plays, in words. */
  feed_source?: string;
  /** See FEED_STATES in market/feed.ts. */
  feed_state: FeedState;
  /** The US equities market at the market clock: `open`, `closed`, `pre` or `post`. */
  market_state: MarketState;
  threshold_pct: number;
}

/** A change of the feed's state or of the market's, for everyone connected (not one symbol's subscribers). */
export interface FeedEvent {
  feed: string;
  /** What a replay plays, in words. */
  source?: string;
  feed_state: FeedState;
  market_state: MarketState;
  market_time: string;
  reason: string;
  cycle?: number;
}

/** A symbol's daily bars as known at the market clock (`SignalCore.bars`). */
export interface MarketBars {
  /** The market clock, ISO UTC. */
  asOf: string;
  /** Every bar of the symbol, oldest first: only the first `closed` had closed by `asOf`. */
  rows: Rows<Bar>;
  closed: number;
  /** The session's bar so far, from the latest quote, while a session after the last closed bar trades. */
  live?: Bar;
}

/** How often the core looks whether the market opened or closed. */
const MARKET_CHECK_MS = 1_000;

/**
 * @example
 * const core = new SignalCore({ analyst, feed, symbols: ['AAPL'], thresholdPct: 1, priceRate: 4, logger });
 * core.onPublish((symbol, event) => console.log(symbol, event.type));
 * core.start();
 * core.request('AAPL', 'manual');
 */
export class SignalCore {
  private readonly analyst: Analyst;
  private readonly log: SignalLog;
  private readonly scheduler: AnalysisScheduler;
  private readonly monitor: MarketMonitor;
  private readonly publishers = new Set<Publisher>();
  private readonly relays = new Set<Relay>();
  private readonly configured: Set<string>;
  /** Why each symbol is watched beyond the configured ones: a count of interested parties. */
  private readonly interest = new Map<string, number>();
  private state: FeedState = 'stopped';
  private market: MarketState | undefined;
  private marketTimer: NodeJS.Timeout | undefined;
  private readonly feedListeners = new Set<(event: FeedEvent) => void>();
  /** Per symbol, its newest publication the log refused: nothing was sent of it yet. */
  private readonly unlogged = new Map<string, Publication>();
  private logFailure: { since: string; error: string } | undefined;
  private logRetry: NodeJS.Timeout | undefined;
  private logAttempts = 0;
  private stopped = false;
  private readonly logFailureListeners = new Set<(symbol: string, error: string) => void>();

  constructor(private readonly options: CoreOptions) {
    this.analyst = options.analyst;
    this.log = options.log ?? new MemoryLog();
    this.scheduler = new AnalysisScheduler({
      run: (symbol, trigger) => this.run(symbol, trigger),
      onStart: (symbol) => {
        const quote = options.feed.quote(symbol);
        if (quote) this.monitor.setReference(symbol, quote.price);
      },
      onError: (symbol, error, trigger) => this.failed(symbol, error, trigger),
    });
    this.monitor = new MarketMonitor(
      options.feed,
      {
        publishPrice: (tick) => {
          if (this.owns(tick.symbol)) this.emit(tick.symbol, priceUpdate(tick));
        },
        // Every node's monitor sees the moves; only the owner's acts on them, so a move triggers one analysis.
        trigger: (symbol, reason) => {
          if (this.owns(symbol) && this.scheduler.request(symbol, reason) === 'started') {
            options.logger.debug('analysis triggered', { symbol, trigger: reason });
          }
        },
      },
      { thresholdPct: options.thresholdPct, priceRate: options.priceRate },
    );
    this.configured = new Set(options.symbols.map(normaliseSymbol));
    options.feed.onStatus((status) => this.feedChanged(status));
  }

  /** Adds a listener of feed and market state changes; returns the function that removes it. */
  onFeedEvent(listener: (event: FeedEvent) => void): () => void {
    this.feedListeners.add(listener);
    return () => this.feedListeners.delete(listener);
  }

  /** The feed's and the market's state now, as a FeedEvent (what a client is told on connecting). */
  feedEvent(reason: string): FeedEvent {
    const source = this.options.feed.source;
    return {
      feed: this.options.feed.name,
      ...(source !== undefined ? { source } : {}),
      feed_state: this.state,
      market_state: this.options.feed.marketState(),
      market_time: this.options.feed.now(),
      reason,
    };
  }

  private feedChanged(status: FeedStatus): void {
    if (this.state === 'stopped') return;
    this.state = status.state;
    const fields = { feed: this.options.feed.name, feed_state: status.state, market_time: this.options.feed.now(), cycle: status.cycle };
    if (status.state === 'running') this.options.logger.info(status.reason, fields);
    else this.options.logger.warn(status.reason, fields);
    this.announce({ ...this.feedEvent(status.reason), ...(status.cycle !== undefined ? { cycle: status.cycle } : {}) });
  }

  /** Tells listeners when the market opens or closes (checked every second: the replay's clock runs fast). */
  private checkMarket(): void {
    const market = this.options.feed.marketState();
    if (market === this.market) return;
    const first = this.market === undefined;
    this.market = market;
    if (!first) this.announce(this.feedEvent(`the market is now ${market}`));
  }

  private announce(event: FeedEvent): void {
    for (const listener of this.feedListeners) {
      try {
        listener(event);
      } catch (error) {
        this.options.logger.error('feed listener failed', { error: String(error) });
      }
    }
  }

  /** Adds a listener of every append the log refused (retries included); returns its remover. */
  onLogFailure(listener: (symbol: string, error: string) => void): () => void {
    this.logFailureListeners.add(listener);
    return () => this.logFailureListeners.delete(listener);
  }

  /** Whether the log takes publications now (what /healthz reports). */
  logHealth(): LogHealth {
    if (!this.logFailure) return { status: 'ok' };
    return { status: 'failing', failing_since: this.logFailure.since, error: this.logFailure.error, unlogged: [...this.unlogged.keys()].sort() };
  }

  /** Adds a publisher of what this node publishes (in a cluster each event is published by one node); returns its remover. */
  onPublish(publisher: Publisher): () => void {
    this.publishers.add(publisher);
    return () => this.publishers.delete(publisher);
  }

  /** Adds a receiver of what the other nodes of the cluster publish (nothing without one); returns its remover. */
  onRelay(relay: Relay): () => void {
    this.relays.add(relay);
    return () => this.relays.delete(relay);
  }

  /** An event another node published, for this node's subscribers (the cluster calls this). */
  relay(symbol: string, event: CoreEvent, lagMs: number): void {
    for (const relay of this.relays) {
      try {
        relay(symbol, event, lagMs);
      } catch (error) {
        this.options.logger.error('relay failed', { symbol, type: event.type, error: String(error) });
      }
    }
  }

  /** The symbols this node wants analysed: the configured ones and those someone here is interested in. */
  wanted(): string[] {
    return [...new Set([...this.configured, ...this.interest.keys()])];
  }

  /**
   * This node now owns `symbol` (the cluster calls this): a symbol with publications continues from the
   * current price (the next move past the threshold triggers); one never analysed is analysed now.
   */
  acquired(symbol: string): void {
    if (this.monitor.referencePrice(symbol) !== undefined) return;
    const quote = this.options.feed.quote(symbol);
    if (quote === undefined) return;
    if (this.log.latest(symbol) !== undefined) this.monitor.setReference(symbol, quote.price);
    else this.scheduler.request(symbol, 'initial');
  }

  start(): void {
    for (const symbol of this.configured) this.options.feed.watch(symbol);
    this.state = 'running';
    this.options.feed.start();
    this.monitor.start();
    this.checkMarket();
    this.marketTimer = setInterval(() => this.checkMarket(), MARKET_CHECK_MS);
  }

  /** Stops the feed and the monitor; resolves once the analyses under way have finished. */
  async stop(): Promise<void> {
    this.monitor.stop();
    clearInterval(this.marketTimer);
    this.stopped = true;
    clearTimeout(this.logRetry);
    this.logRetry = undefined;
    this.options.feed.stop();
    this.state = 'stopped';
    await this.scheduler.idle();
  }

  /** Resolves once no analysis is running or queued. */
  idle(): Promise<void> {
    return this.scheduler.idle();
  }

  /** Every symbol that can be analysed, sorted. */
  symbols(): string[] {
    return this.analyst.symbols();
  }

  has(symbol: string): boolean {
    return this.analyst.has(symbol);
  }

  agents(): { id: string; name: string }[] {
    return this.analyst.agents();
  }

  /** The universe in force (see `CoreStatus.universe`). */
  get universe(): UniverseName {
    return this.analyst.universe;
  }

  /**
   * Whether a `watch` of `symbol` now would start an analysis (its first quote does): it is not configured and
   * nobody watches it yet. Such analyses are what a client pays for with its analyze rate limit.
   */
  watchAnalyses(symbol: string): boolean {
    return !this.configured.has(symbol) && !this.interest.has(symbol);
  }

  /**
   * Someone wants `symbol`'s prices and analyses: the feed quotes it until every interest is released. With
   * `analyse: false`, a symbol not yet watched starts no analysis of its own (its next price move does). Throws
   * what the feed's `watch` throws.
   */
  watch(symbol: string, { analyse = true }: { analyse?: boolean } = {}): void {
    // First the feed, which may refuse (a provider's symbol limit): a refused symbol is no interest.
    this.options.feed.watch(symbol);
    if (!analyse && this.watchAnalyses(symbol)) this.monitor.withoutInitial(symbol);
    this.interest.set(symbol, (this.interest.get(symbol) ?? 0) + 1);
  }

  /** Releases one `watch`; a symbol nobody wants any more stops being watched, unless configured. */
  release(symbol: string): void {
    const left = (this.interest.get(symbol) ?? 0) - 1;
    if (left > 0) {
      this.interest.set(symbol, left);
      return;
    }
    this.interest.delete(symbol);
    if (!this.configured.has(symbol)) this.monitor.forget(symbol);
  }

  /** Asks for an analysis; while one of the symbol runs, requests coalesce into one follow-up. In a cluster, the owner runs it. */
  request(symbol: string, trigger: Trigger): 'started' | 'coalesced' | 'forwarded' {
    if (this.options.cluster && !this.options.cluster.owns(symbol)) {
      this.options.cluster.forward(symbol, trigger);
      return 'forwarded';
    }
    return this.scheduler.request(symbol, trigger);
  }

  /**
   * The universe ranked as of the close of `asOf` (a day), or of the latest session the market clock has closed.
   * Rejects with DATE_OUT_OF_RANGE for a day after that or outside the data.
   */
  rank(asOf: string | undefined): Promise<RankResult> {
    const ranker = this.options.ranker;
    if (!ranker) return Promise.reject(new SignalsError('DATA_ERROR', 'this server has no universe to rank'));
    return ranker.rank(asOf, this.options.feed.now());
  }

  /** The symbol's latest publication (signal, no-signal decision or failure), as it was published, from the log. */
  latest(symbol: string): Publication | undefined {
    return this.log.latest(symbol);
  }

  /** The log's id: a seq means something only together with it. */
  get epoch(): string {
    return this.log.epoch;
  }

  /** The log's earlier epochs (see `SignalLog.earlierEpochs`). */
  get earlierEpochs(): readonly string[] {
    return this.log.earlierEpochs ?? [];
  }

  /** The newest seq of `symbol` (0 before its first publication). */
  head(symbol: string): number {
    return this.log.head(symbol);
  }

  /** The oldest seq of `symbol` still in the log (0 when there is none). */
  oldest(symbol: string): number {
    return this.log.oldest(symbol);
  }

  /** The seq ranges of `symbol` after `after` and up to `upTo` that the log lost (see `missingSeqs`). */
  missing(symbol: string, after: number, upTo: number): SeqRange[] {
    return missingSeqs(this.log, symbol, after, upTo);
  }

  /** Logged publications of `symbol`, in seq order. */
  history(symbol: string, options: ReadOptions = {}): Promise<LogRecord[]> {
    return this.log.read(symbol, options);
  }

  /**
   * The daily bars of `symbol` known at the market clock: those closed by then, and the session's bar so far. Throws
   * what reading them throws (UNKNOWN_SYMBOL; PROVIDER_UNAVAILABLE when a provider cannot be reached).
   */
  async bars(symbol: string): Promise<MarketBars> {
    const asOf = this.options.feed.now();
    const rows = await this.analyst.bars(symbol, asOf);
    const closed = closedCount(rows, asOf);
    const live = this.options.feed.quote(symbol)?.bar;
    const after = closed > 0 ? rows.at(closed - 1)!.date : '';
    return { asOf, rows, closed, ...(live && live.date > after ? { live } : {}) };
  }

  get feedState(): FeedState {
    return this.state;
  }

  status(): CoreStatus {
    const source = this.options.feed.source;
    return {
      active_analyses: this.analyst.activeAnalyses,
      active_agents: this.analyst.activeAgents,
      agents: this.agents(),
      universe: this.universe,
      watched_symbols: this.options.feed.watched().sort(),
      market_time: this.options.feed.now(),
      feed: this.options.feed.name,
      ...(source !== undefined ? { feed_source: source } : {}),
      feed_state: this.state,
      market_state: this.options.feed.marketState(),
      threshold_pct: this.options.thresholdPct,
    };
  }

  private owns(symbol: string): boolean {
    return this.options.cluster?.owns(symbol) ?? true;
  }

  private async run(symbol: string, trigger: Trigger): Promise<void> {
    const started = performance.now();
    const quote = this.options.feed.quote(symbol);
    // As of the market clock, with today's bar so far: what a live analysis may see.
    for await (const event of this.analyst.analyze(symbol, this.options.feed.now(), trigger, quote?.bar)) {
      if (event.type === 'agent_update') {
        this.emit(symbol, event);
        continue;
      }
      await this.publish(symbol, event);
      this.options.logger.info('analysis', {
        symbol,
        trigger,
        result: event.type === 'signal_update' ? event.data.action : event.data.decision.action,
        analysis_id: event.data.analysis_id,
        market_time: event.data.as_of,
        duration_ms: Math.round(performance.now() - started),
      });
    }
  }

  /** An analysis that could not run still answers whoever waits for it: a decision_update ERROR with a code. */
  private failed(symbol: string, error: unknown, trigger: Trigger): void {
    const message = error instanceof Error ? error.message : String(error);
    this.options.logger.error('analysis failed', { symbol, trigger, error: message });
    void this.publish(symbol, {
      type: 'decision_update',
      data: {
        symbol,
        decision: { action: 'ERROR', error: message, code: ErrorCode.ANALYSIS_FAILED },
        timestamp: new Date().toISOString(),
        as_of: this.options.feed.now(),
        trigger,
      },
    });
  }

  /**
   * Appends the publication to the log (which numbers it) and only then emits it: nothing is sent that
   * is not logged. One the log refuses is kept (the symbol's newest only) and tried again later.
   */
  private async publish(symbol: string, publication: Publication): Promise<void> {
    try {
      await this.log.append(symbol, publication);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const replaced = this.unlogged.has(symbol);
      this.unlogged.set(symbol, publication);
      this.refused(symbol, message);
      this.options.logger.error('could not log a publication; it is not sent until the log takes it', {
        symbol,
        error: message,
        ...(replaced ? { dropped: 'the older unlogged publication of the symbol, never sent' } : {}),
      });
      return;
    }
    if (this.unlogged.delete(symbol)) {
      this.options.logger.warn('a publication the log refused was replaced by a newer one; it was never sent', { symbol });
    }
    this.emit(symbol, publication);
    this.logRecovered();
  }

  private refused(symbol: string, error: string): void {
    this.logFailure = { since: this.logFailure?.since ?? new Date().toISOString(), error };
    for (const listener of this.logFailureListeners) listener(symbol, error);
    if (this.logRetry !== undefined || this.stopped) return;
    const delay = backoffDelay(this.logAttempts++, this.options.logRetryMs ?? 1_000, 30_000);
    this.logRetry = setTimeout(() => {
      this.logRetry = undefined;
      void this.retryUnlogged();
    }, delay);
  }

  /** Tries each symbol's refused publication again, in turn; the first refusal waits for the next retry. */
  private async retryUnlogged(): Promise<void> {
    for (const [symbol, publication] of [...this.unlogged]) {
      if (this.unlogged.get(symbol) !== publication) continue;
      try {
        await this.log.append(symbol, publication);
      } catch (error) {
        this.refused(symbol, error instanceof Error ? error.message : String(error));
        return;
      }
      if (this.unlogged.get(symbol) === publication) this.unlogged.delete(symbol);
      this.options.logger.info('logged and sent a publication the log had refused', { symbol, seq: publication.data.seq });
      this.emit(symbol, publication);
    }
    this.logRecovered();
  }

  private logRecovered(): void {
    if (!this.logFailure || this.unlogged.size > 0) return;
    this.options.logger.info('the signal log takes publications again', { failing_since: this.logFailure.since });
    this.logFailure = undefined;
    this.logAttempts = 0;
    clearTimeout(this.logRetry);
    this.logRetry = undefined;
  }

  private emit(symbol: string, event: CoreEvent): void {
    for (const publisher of this.publishers) {
      try {
        publisher(symbol, event);
      } catch (error) {
        // One publisher's failure must not stop the others, nor the analysis that published.
        this.options.logger.error('publisher failed', { symbol, type: event.type, error: String(error) });
      }
    }
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;

function priceUpdate(tick: Tick): PriceUpdate {
  return {
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
  };
}
