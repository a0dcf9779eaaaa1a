// The record evidence is computed from: each agent's score at every month's end, with what followed and when it was known.
import { CALL_HORIZON, type Agent, type Vote } from '../agents/agent.js';
import { regimeOf } from '../agents/regime.js';
import type { HistorySource } from '../market/history.js';
import { closeOf } from '../market/publication.js';
import { BENCHMARK, closedBars, snapshotAt } from '../market/snapshot.js';
import { upperBound, type Bar, type MarketSnapshot } from '../market/types.js';

/** One stock at a month's last trading day: each agent's raw score, and what followed. */
export interface StockSample {
  symbol: string;
  /** The day of the call (YYYY-MM-DD); the call is made after its close. */
  date: string;
  /** The day whose open ends the call's horizon: its outcome is known from then on. */
  known: string;
  /** Raw score by agent id, for the agents with the consensus's horizon that voted. */
  scores: Record<string, number>;
  /** Return from the next open to the open `horizon` trading days later (as the backtest trades). */
  forward: number;
  /** The same less SPY's over the same days; null when SPY has no bar on those days. */
  excess: number | null;
}

/** The market at a month's last trading day: the regime's scores and the market-wide agents', and what followed. */
export interface TimingSample {
  date: string;
  known: string;
  /** Raw score by market-wide agent id. */
  scores: Record<string, number>;
  /** Score by regime signal. */
  regime: Record<string, number>;
  /** SPY's return over the horizon, from the next open, less the fed funds rate over the same days. */
  excess: number;
}

/** An agent whose score is the same for every stock on a day: its evidence is that of a market-timing signal. */
export const isMarketWide = (agent: Agent) => agent.scope === 'market';

const monthOf = (date: string) => date.slice(0, 7);
/** A month's last trading day: the next bar is in another month. */
const lastOfMonth = (dates: readonly string[], i: number) => i + 1 < dates.length && monthOf(dates[i + 1]!) !== monthOf(dates[i]!);
const never = new AbortController().signal;

/** Where a history is walked: every agent on a full snapshot at each step, or on bar windows where an agent can. */
export type SamplePath = 'bars' | 'snapshots';

/** One month end of a symbol's history whose outcome is in the data. */
interface Step {
  /** The bar of the call. */
  i: number;
  date: string;
  known: string;
  forward: number;
  excess: number | null;
}

/** SPY's bars, for the excess return that followed a call and the benchmark window an agent is given. */
class Benchmark {
  private readonly bars: Bar[] | null;
  private readonly index = new Map<string, number>();
  private readonly windows = new Map<string, Bar[]>();

  constructor(
    store: HistorySource,
    private readonly horizon: number,
  ) {
    this.bars = store.has(BENCHMARK) ? store.barRows(BENCHMARK).slice() : null;
    this.bars?.forEach((b, i) => this.index.set(b.date, i));
  }

  /** SPY over the same days, only when its horizon ends no later than the symbol's (else it would be known later). */
  forward(date: string, known: string): number | null {
    const j = this.index.get(date);
    const spy = this.bars;
    if (spy === null || j === undefined || j + 1 + this.horizon >= spy.length || spy[j + 1 + this.horizon]!.date > known) return null;
    return spy[j + 1 + this.horizon]!.open / spy[j + 1]!.open - 1;
  }

  /** The benchmark bars a snapshot of `symbol` after the close of `date` holds (`snapshotAt`'s), one copy per day. */
  window(symbol: string, date: string): Bar[] {
    if (this.bars === null || symbol === BENCHMARK) return [];
    let bars = this.windows.get(date);
    if (bars === undefined) this.windows.set(date, (bars = closedBars(this.bars, closeOf(date))));
    return bars;
  }
}

/** A symbol's month ends whose outcome the data holds, with what followed each. */
function* monthEnds(bars: readonly Bar[], horizon: number, benchmark: Benchmark): Generator<Step> {
  const dates = bars.map((b) => b.date);
  for (let i = 0; i + 1 + horizon < bars.length; i++) {
    if (!lastOfMonth(dates, i)) continue;
    const forward = bars[i + 1 + horizon]!.open / bars[i + 1]!.open - 1;
    const market = benchmark.forward(dates[i]!, dates[i + 1 + horizon]!);
    yield { i, date: dates[i]!, known: dates[i + 1 + horizon]!, forward, excess: market === null ? null : forward - market };
  }
}

const sampleOf = (symbol: string, step: Step, scores: Record<string, number>): StockSample => ({
  symbol,
  date: step.date,
  known: step.known,
  scores,
  forward: step.forward,
  excess: step.excess,
});

/** Market-wide scores by day: an agent of scope 'market' scores every stock alike on a day, so once a day is enough. */
export type MarketScores = Map<string, Record<string, number | null>>;

const scoreOf = (vote: Vote) => (vote.kind === 'vote' ? vote.score : undefined);

/**
 * Runs every agent with the consensus's horizon over the history of `symbols`, once a month (each month's last
 * trading day, as of its close), and records its raw score with the return that followed. On the default path an
 * agent with a bar form (`Agent.fromBars`) is run on the snapshot's bar windows alone, and a market-wide agent once
 * per day, which give the same scores for a fraction of the cost; `path: 'snapshots'` builds the full snapshot for
 * every agent at every step (the reference the fast path is tested against). `market` collects the market-wide
 * scores by day, for `barSamples`.
 */
export async function collectStockSamples(
  store: HistorySource,
  agents: readonly Agent[],
  symbols: readonly string[] = store.symbols(),
  horizon = CALL_HORIZON,
  path: SamplePath = 'bars',
  market: MarketScores = new Map(),
): Promise<StockSample[]> {
  const scored = agents.filter((a) => a.horizon === horizon);
  const samples: StockSample[] = [];
  if (scored.length === 0) return samples;
  const benchmark = new Benchmark(store, horizon);
  for (const symbol of symbols) {
    const bars = store.barRows(symbol).slice();
    for (const step of monthEnds(bars, horizon, benchmark)) {
      const asOf = closeOf(step.date);
      let snapshot: MarketSnapshot | undefined;
      let window: Bar[] | undefined;
      let day = market.get(step.date);
      if (day === undefined) market.set(step.date, (day = {}));
      const scores: Record<string, number> = {};
      for (const agent of scored) {
        let score: number | undefined;
        if (path === 'bars' && agent.fromBars)
          score = scoreOf(agent.fromBars((window ??= closedBars(bars, asOf)), benchmark.window(symbol, step.date)));
        else if (path === 'bars' && isMarketWide(agent) && agent.id in day) score = day[agent.id] ?? undefined;
        else {
          score = scoreOf(await agent.analyze((snapshot ??= snapshotAt(store, symbol, asOf)), never));
          if (isMarketWide(agent)) day[agent.id] = score ?? null;
        }
        if (score !== undefined) scores[agent.id] = score;
      }
      if (Object.keys(scores).length > 0) samples.push(sampleOf(symbol, step, scores));
    }
  }
  return samples;
}

/**
 * One symbol's samples at once, from the agents' bar forms and the market-wide scores of `market` (an agent with
 * neither is left out): what the track record of a universe member outside the bundled set is computed from when
 * first asked for, in milliseconds. The same numbers as `collectStockSamples` wherever `market` has the day.
 */
export function barSamples(
  store: HistorySource,
  agents: readonly Agent[],
  symbol: string,
  market: MarketScores,
  horizon = CALL_HORIZON,
): StockSample[] {
  const scored = agents.filter((a) => a.horizon === horizon && (a.fromBars !== undefined || isMarketWide(a)));
  const samples: StockSample[] = [];
  if (scored.length === 0) return samples;
  const benchmark = new Benchmark(store, horizon);
  const bars = store.barRows(symbol).slice();
  for (const step of monthEnds(bars, horizon, benchmark)) {
    const window = closedBars(bars, closeOf(step.date));
    const day = market.get(step.date) ?? {};
    const scores: Record<string, number> = {};
    for (const agent of scored) {
      const score = agent.fromBars ? scoreOf(agent.fromBars(window, benchmark.window(symbol, step.date))) : (day[agent.id] ?? undefined);
      if (score !== undefined) scores[agent.id] = score;
    }
    if (Object.keys(scores).length > 0) samples.push(sampleOf(symbol, step, scores));
  }
  return samples;
}

/**
 * The market at each of SPY's month ends: the regime's four scores and the market-wide agents', with SPY's return
 * over cash that followed. Cash is the fed funds rate published by the day of the call, over `horizon` of 252
 * trading days a year.
 */
export async function collectTimingSamples(store: HistorySource, agents: readonly Agent[], horizon = CALL_HORIZON): Promise<TimingSample[]> {
  if (!store.has(BENCHMARK)) return [];
  const wide = agents.filter((a) => a.horizon === horizon && isMarketWide(a));
  const bars = store.barRows(BENCHMARK).slice();
  const dates = bars.map((b) => b.date);
  const funds = store.macro('FEDFUNDS');
  const samples: TimingSample[] = [];
  for (let i = 0; i + 1 + horizon < bars.length; i++) {
    if (!lastOfMonth(dates, i)) continue;
    const asOf = closeOf(dates[i]!);
    const snapshot = snapshotAt(store, BENCHMARK, asOf);
    const regime = Object.fromEntries(Object.entries(regimeOf(snapshot)).map(([id, reading]) => [id, reading.score]));
    const scores: Record<string, number> = {};
    for (const agent of wide) {
      const vote = await agent.analyze(snapshot, never);
      if (vote.kind === 'vote' && vote.score !== undefined) scores[agent.id] = vote.score;
    }
    const rate = funds.at(upperBound(funds, asOf, (o) => store.published('FEDFUNDS', o.date)) - 1)?.value;
    if (rate === undefined) continue;
    const forward = bars[i + 1 + horizon]!.open / bars[i + 1]!.open - 1;
    samples.push({ date: dates[i]!, known: dates[i + 1 + horizon]!, scores, regime, excess: forward - (rate / 100) * (horizon / 252) });
  }
  return samples;
}
