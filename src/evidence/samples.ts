// The record evidence is computed from: each agent's score at every month's end, with what followed and when it was known.
import { CALL_HORIZON, type Agent } from '../agents/agent.js';
import { regimeOf } from '../agents/regime.js';
import type { HistorySource } from '../market/history.js';
import { closeOf } from '../market/publication.js';
import { BENCHMARK, snapshotAt } from '../market/snapshot.js';
import { upperBound } from '../market/types.js';

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

/**
 * Runs every agent with the consensus's horizon over the history of `symbols`, once a month (each month's last
 * trading day, as of its close), and records its raw score with the return that followed.
 */
export async function collectStockSamples(
  store: HistorySource,
  agents: readonly Agent[],
  symbols: readonly string[] = store.symbols(),
  horizon = CALL_HORIZON,
): Promise<StockSample[]> {
  const scored = agents.filter((a) => a.horizon === horizon);
  const samples: StockSample[] = [];
  if (scored.length === 0) return samples;
  const spy = store.has(BENCHMARK) ? store.barRows(BENCHMARK) : null;
  const spyIndex = new Map<string, number>();
  if (spy !== null) for (let i = 0; i < spy.length; i++) spyIndex.set(spy.at(i)!.date, i);
  // SPY over the same days, only when its horizon ends no later than the symbol's (else it would be known later).
  const spyForward = (date: string, known: string) => {
    const j = spyIndex.get(date);
    if (spy === null || j === undefined || j + 1 + horizon >= spy.length || spy.at(j + 1 + horizon)!.date > known) return null;
    return spy.at(j + 1 + horizon)!.open / spy.at(j + 1)!.open - 1;
  };
  for (const symbol of symbols) {
    const bars = store.barRows(symbol).slice();
    const dates = bars.map((b) => b.date);
    for (let i = 0; i + 1 + horizon < bars.length; i++) {
      if (!lastOfMonth(dates, i)) continue;
      const snapshot = snapshotAt(store, symbol, closeOf(dates[i]!));
      const scores: Record<string, number> = {};
      for (const agent of scored) {
        const vote = await agent.analyze(snapshot, never);
        if (vote.kind === 'vote' && vote.score !== undefined) scores[agent.id] = vote.score;
      }
      if (Object.keys(scores).length === 0) continue;
      const forward = bars[i + 1 + horizon]!.open / bars[i + 1]!.open - 1;
      const market = spyForward(dates[i]!, dates[i + 1 + horizon]!);
      samples.push({ symbol, date: dates[i]!, known: dates[i + 1 + horizon]!, scores, forward, excess: market === null ? null : forward - market });
    }
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
