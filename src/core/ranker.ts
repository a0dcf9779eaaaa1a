// A server's rankings of its universe: by day, as of the market clock (never a day it has not closed), computed one at a time and kept.
import type { Agent } from '../agents/agent.js';
import { dataSourceOf, lastClosedSession } from '../market/data-age.js';
import { lastDay, type MarketStore } from '../market/store.js';
import type { UniverseName } from '../market/universe.js';
import type { ConsensusConfig } from '../orchestrator/consensus.js';
import { SignalsError } from '../protocol/errors.js';
import type { RankResult } from '../protocol/rank.js';
import { rankDay, tradingDay } from './rank.js';

export interface RankerOptions {
  /** The files ranked (a live provider's prices never are: `signals rank` reads the same files). */
  store: MarketStore;
  universe: UniverseName;
  agents: Agent[];
  consensus?: ConsensusConfig | undefined;
  agentTimeoutMs?: number | undefined;
  /** The vote formula (--reference-consensus) signs a HOLD 0. */
  signedByAction?: boolean | undefined;
}

/** Days whose ranking is kept: a day's is the same for every client, and the latest is asked for most. */
const KEPT_DAYS = 8;

/**
 * @example
 * const ranker = new Ranker({ store, universe: 'sp500', agents: defaultAgents({ bundledDir: store.bundledDir }) });
 * const today = await ranker.rank(undefined, feed.now());   // the latest session the market clock has closed
 */
export class Ranker {
  private readonly days = new Map<string, Promise<RankResult>>();
  /** Rankings are computed one after another: a burst of requests for different days queues, it does not pile up. */
  private queue: Promise<unknown> = Promise.resolve();
  private last: string | undefined;

  constructor(private readonly options: RankerOptions) {}

  /** The last trading day of the data whose session had closed at `now` (ISO). */
  latestDay(now: string): string {
    this.last ??= lastDay(this.options.store);
    const closed = lastClosedSession(Date.parse(now));
    return tradingDay(this.options.store, closed < this.last ? closed : undefined, 'as_of');
  }

  /**
   * The ranking as of the close of `date` (a day the market was closed: the trading day before), or of the latest
   * day closed at `now`. Throws DATE_OUT_OF_RANGE for a day after that, or outside the data.
   */
  async rank(date: string | undefined, now: string): Promise<RankResult> {
    const latest = this.latestDay(now);
    if (date !== undefined && date > latest) {
      throw new SignalsError('DATE_OUT_OF_RANGE', `as_of ${date} is after the latest session the market clock has closed (${latest})`);
    }
    const day = date === undefined ? latest : tradingDay(this.options.store, date, 'as_of');
    const ranked = await this.ofDay(day);
    const source = this.options.store.dataDir === undefined ? 'bundled' : 'data-dir';
    return { ...ranked, requested: date ?? null, data_source: dataSourceOf(source, this.last!, Date.now()) };
  }

  private ofDay(day: string): Promise<RankResult> {
    const kept = this.days.get(day);
    if (kept) {
      // The newest used last: the oldest is the one let go.
      this.days.delete(day);
      this.days.set(day, kept);
      return kept;
    }
    const { store, ...options } = this.options;
    const ranked = this.queue.then(() => rankDay(store, { ...options, day, requested: undefined, signedByAction: options.signedByAction ?? false }));
    this.queue = ranked.catch(() => undefined);
    // A failure is not kept: the next request tries again.
    ranked.catch(() => this.days.delete(day));
    this.days.set(day, ranked);
    if (this.days.size > KEPT_DAYS) this.days.delete(this.days.keys().next().value!);
    return ranked;
  }
}
