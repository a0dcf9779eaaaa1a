// Calibration: each agent's raw score mapped to the probability of a rise over its horizon, fitted only on calls whose outcome was known before the as-of month.
import type { Agent } from '../agents/agent.js';
import { closeOf } from '../market/publication.js';
import { BENCHMARK, snapshotAt } from '../market/snapshot.js';
import type { HistorySource } from '../market/history.js';
import type { Action } from '../protocol/messages.js';
import { fitLogistic, logit, sigmoid } from './logistic.js';

/** Months of calls with known outcomes needed before anything is calibrated. */
export const MIN_MONTHS = 24;
/**
 * An agent's slope must be this many clustered standard errors from zero before it weighs anything: the
 * hurdle of t > 3 that Harvey, Liu & Zhu (2016, "...and the Cross-Section of Expected Returns", Review of
 * Financial Studies) argue for once many signals have been tried, as here (every agent, refitted every month).
 * On the design window (2006-2018) a hurdle of 2 let the economic agent (early 2009) and the volatility agent
 * (2013) in by chance, and their calls then were right 46.5% of the time at a confidence of 0.61.
 */
export const INFORMATION_Z = 3;
/** A call is BUY when a rise is at least as likely as a fall, SELL when it is less likely. */
export const BUY_AT = 0.5;

/** One past call: a symbol at a month's last trading day, each calibrated agent's raw score, and what followed. */
export interface CalibrationSample {
  symbol: string;
  /** The day of the call (YYYY-MM-DD); the call is made after its close. */
  date: string;
  /** The day whose open ends the call's horizon: its outcome is known from then on. */
  known: string;
  /** Raw score by agent id, for the calibrated agents that voted. */
  scores: Record<string, number>;
  /** Return from the next open to the open `horizon` trading days later (as the backtest trades). */
  forward: number;
  /** The same less SPY's over the same days; null when SPY has no bar on those days. */
  excess: number | null;
}

export interface AgentFit {
  a: number;
  b: number;
  z: number;
  n: number;
  /** Whether its record shows information: |z| >= INFORMATION_Z. Otherwise it makes no call (HOLD at the base rate) and weighs 0. */
  informative: boolean;
}

/** The calibration in force for a month: fitted on every call known before the month began. */
export interface Fit {
  month: string;
  months: number;
  calls: number;
  /** Share of those calls followed by a rise. */
  baseRate: number;
  agents: Record<string, AgentFit>;
}

/** The calibrated reading of one raw score: the probability of a rise, the call it makes and how sure it is. */
export interface Reading {
  probability: number;
  signal: Action;
  /** The probability of the likelier outcome: P(rise) for BUY, P(fall) for SELL, the larger of the two for HOLD. */
  confidence: number;
  informative: boolean;
}

/**
 * The call a probability of a rise makes.
 * @example callOf(0.62) // { signal: 'BUY', confidence: 0.62 }
 */
export function callOf(probability: number): { signal: Action; confidence: number } {
  const signal: Action = probability >= BUY_AT ? 'BUY' : 'SELL';
  return { signal, confidence: Math.max(probability, 1 - probability) };
}

/**
 * The calibrated reading of `score` from agent `id` under `fit`. An agent whose record shows no information
 * makes no call: it says HOLD with the base rate as its probability, because the base rate is what the past says
 * of every stock on every day (in a rising market a BUY), not something this agent saw in this one.
 */
export function readScore(fit: Fit, id: string, score: number): Reading {
  const agent = fit.agents[id];
  if (agent?.informative !== true) {
    return { probability: fit.baseRate, informative: false, signal: 'HOLD', confidence: Math.max(fit.baseRate, 1 - fit.baseRate) };
  }
  const probability = sigmoid(agent.a + agent.b * score);
  return { probability, informative: true, ...callOf(probability) };
}

/**
 * The consensus probability: shrunk log-odds. Each informative agent's log-odds shift from the base rate,
 * logit(p_i) - logit(base), is averaged with the agents' weights, and the mean is added to logit(base). The
 * mean, not the sum that independent evidence would justify, because every agent reads the same prices: it
 * assumes the agents are as correlated as they can be, and never makes the consensus surer than its surest
 * agent. Agents whose record shows no information add nothing. Null when none is informative.
 * @example pooledProbability(0.6, [{ probability: 0.7, weight: 1 }]) // 0.7
 */
export function pooledProbability(baseRate: number, readings: readonly { probability: number; weight: number }[]): number | null {
  const total = readings.reduce((s, r) => s + r.weight, 0);
  if (total <= 0) return null;
  const shift = readings.reduce((s, r) => s + r.weight * (logit(r.probability) - logit(baseRate)), 0) / total;
  return sigmoid(logit(baseRate) + shift);
}

const monthOf = (date: string) => date.slice(0, 7);

/**
 * Every calibrated agent's past calls for every symbol of the store, and the fits they give, month by month.
 * Built once (the calls are run over the whole history, one a month per symbol) and shared by every analysis
 * of the process; each fit is memoised by month.
 */
export class Calibration {
  /** Samples in the order their outcomes became known. */
  private readonly byKnown: CalibrationSample[];
  private readonly fits = new Map<string, Fit | null>();

  constructor(
    readonly samples: readonly CalibrationSample[],
    readonly agentIds: readonly string[],
    readonly horizon: number,
  ) {
    this.byKnown = [...samples].sort((x, y) => (x.known < y.known ? -1 : x.known > y.known ? 1 : 0));
  }

  /** The calibration in force at `asOf` (an ISO time or date): the fit of its month, null before MIN_MONTHS of calls. */
  fitAt(asOf: string): Fit | null {
    const month = monthOf(asOf);
    if (!this.fits.has(month)) this.fits.set(month, this.fit(month));
    return this.fits.get(month)!;
  }

  private fit(month: string): Fit | null {
    const start = `${month}-01`;
    let end = 0;
    while (end < this.byKnown.length && this.byKnown[end]!.known < start) end += 1;
    const known = this.byKnown.slice(0, end);
    const months = new Set(known.map((s) => monthOf(s.date))).size;
    if (months < MIN_MONTHS) return null;
    const agents: Record<string, AgentFit> = {};
    for (const id of this.agentIds) {
      const mine = known.filter((s) => s.scores[id] !== undefined);
      const fit = fitLogistic(
        mine.map((s) => s.scores[id]!),
        mine.map((s) => (s.forward > 0 ? 1 : 0)),
        mine.map((s) => monthOf(s.date)),
      );
      if (fit !== null) agents[id] = { ...fit, informative: Math.abs(fit.z) >= INFORMATION_Z };
    }
    const ups = known.filter((s) => s.forward > 0).length;
    return { month, months, calls: known.length, baseRate: ups / known.length, agents };
  }
}

/** A month's last trading day: the next bar is in another month. */
const lastOfMonth = (dates: readonly string[], i: number) => i + 1 < dates.length && monthOf(dates[i + 1]!) !== monthOf(dates[i]!);

/**
 * Runs every agent that declares a horizon over the history of every symbol in the store, once a month (each
 * month's last trading day, as of its close), and records its raw score with the return that followed. Agents
 * must share one horizon (the consensus's).
 */
export async function collectSamples(
  store: HistorySource,
  agents: readonly Agent[],
  horizon: number,
  symbols: readonly string[] = store.symbols(),
): Promise<CalibrationSample[]> {
  const calibrated = agents.filter((a) => a.horizon === horizon);
  const samples: CalibrationSample[] = [];
  if (calibrated.length === 0) return samples;
  const never = new AbortController().signal;
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
    const rows = store.barRows(symbol);
    const bars = rows.slice();
    const dates = bars.map((b) => b.date);
    for (let i = 0; i + 1 + horizon < bars.length; i++) {
      if (!lastOfMonth(dates, i)) continue;
      const snapshot = snapshotAt(store, symbol, closeOf(dates[i]!));
      const scores: Record<string, number> = {};
      for (const agent of calibrated) {
        const vote = await agent.analyze(snapshot, never);
        if (vote.kind === 'vote' && vote.score !== undefined) scores[agent.id] = vote.score;
      }
      if (Object.keys(scores).length === 0) continue;
      const forward = bars[i + 1 + horizon]!.open / bars[i + 1]!.open - 1;
      const market = spyForward(dates[i]!, dates[i + 1 + horizon]!);
      samples.push({
        symbol,
        date: dates[i]!,
        known: dates[i + 1 + horizon]!,
        scores,
        forward,
        excess: market === null ? null : forward - market,
      });
    }
  }
  return samples;
}
