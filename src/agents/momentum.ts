// Momentum: time-series momentum scaled by volatility, and the short-term reversal of the last month.
import { BAR_WINDOW } from '../market/snapshot.js';
import type { Bar, MarketSnapshot, SymbolHistory } from '../market/types.js';
import { CALL_HORIZON, pct, round, scoreToVote, type Agent, type Indicators, type Vote } from './agent.js';

const MONTH = 21;
const YEAR = 252;
/** Days of daily returns the ex-ante volatility is measured over. */
const VOL_DAYS = 60;

const ret = (closes: number[], from: number, to = 0) => closes[closes.length - 1 - to]! / closes[closes.length - 1 - from]! - 1;

/** Annualised volatility of the last `days` daily log returns. */
export function annualVolatility(closes: number[], days: number): number {
  const returns: number[] = [];
  for (let i = closes.length - days; i < closes.length; i++) returns.push(Math.log(closes[i]! / closes[i - 1]!));
  return annualised(returns, returns.length, days);
}

/**
 * Annualised sample standard deviation of the `days` log returns of `returns` before index `end`: what
 * `annualVolatility` computes, in the same order of operations, so an incremental form gets the same numbers.
 */
export function annualised(returns: ArrayLike<number>, end: number, days: number): number {
  let sum = 0;
  for (let i = end - days; i < end; i++) sum += returns[i]!;
  const m = sum / days;
  let squares = 0;
  for (let i = end - days; i < end; i++) squares += (returns[i]! - m) ** 2;
  return Math.sqrt((squares / (days - 1)) * 252);
}

/** The log returns of each column of closes read so far: the momentum and volatility agents read a stock's alike. */
const returnsOf = new WeakMap<Float64Array, Float64Array>();

/**
 * Each bar's log return over the one before (NaN for the first): `annualised` reads windows of them. Computed once
 * per column of closes (columns are never written to): a cross-section's 500 histories share SPY's, and each
 * stock's serves both agents that read it.
 */
export function logReturns(close: Float64Array): Float64Array {
  let out = returnsOf.get(close);
  if (out === undefined) {
    out = new Float64Array(close.length);
    out[0] = NaN;
    for (let j = 1; j < close.length; j++) out[j] = Math.log(close[j]! / close[j - 1]!);
    returnsOf.set(close, out);
  }
  return out;
}

/**
 * Two published return rules, each a piece of evidence in [-1, 1]:
 * - time-series momentum (Moskowitz, Ooi & Pedersen 2012, "Time Series Momentum", Journal of Financial
 *   Economics): the past 12 months' return predicts the next month's, traded in proportion to 1 / ex-ante
 *   volatility; here the 12-month return skipping the last month (Jegadeesh & Titman's convention, which keeps
 *   it apart from the reversal below) divided by the annualised 60-day volatility, squashed by tanh;
 * - short-term reversal (Jegadeesh 1990, "Evidence of Predictable Behavior of Security Returns", Journal of
 *   Finance; Lehmann 1990): last month's losers tend to rise the next month; the last month's return in units of
 *   a month's volatility, negated and squashed by tanh(z / 2), weighted half (the effect is weaker in large caps).
 * It speaks to the next month (21 trading days).
 */
export function momentumVote(bars: Bar[]): Vote {
  if (bars.length < YEAR + 1) return tooShort(bars.length);
  const closes = bars.map((b) => b.close);
  return momentumOf(ret(closes, YEAR, MONTH), ret(closes, MONTH), annualVolatility(closes, VOL_DAYS));
}

const tooShort = (bars: number): Vote => ({ kind: 'abstain', reason: `needs ${YEAR + 1} daily bars for 12-month momentum, has ${bars}` });

/** The vote from the 12-1 month return, the last month's return and the annualised 60-day volatility. */
function momentumOf(r12: number, r1: number, vol: number): Vote {
  const monthVol = vol / Math.sqrt(12);
  const tsmom = vol > 0 ? r12 / vol : 0;
  const reversal = monthVol > 0 ? r1 / monthVol : 0;
  const indicators: Indicators = {
    return_12_1m: round(r12),
    return_1m: round(r1),
    volatility_60d: round(vol),
    tsmom_risk_adjusted: round(tsmom),
    month_return_z: round(reversal),
  };
  return scoreToVote(
    [
      { value: Math.tanh(tsmom), weight: 1, reason: `12-1 month return ${pct(r12)} at ${pct(vol)} volatility` },
      { value: Math.tanh(-reversal / 2), weight: 0.5, reason: `last month ${pct(r1)}: ${reversal > 0 ? 'a rise' : 'a fall'} that tends to reverse` },
    ],
    indicators,
  );
}

/** `momentumVote` along a history: the closes' log returns once, then each step reads three closes and a window of them. */
function walkMomentum(history: SymbolHistory): (i: number) => Vote {
  const close = history.bars.close;
  const returns = logReturns(close);
  return (i) => {
    const bars = Math.min(i + 1, BAR_WINDOW);
    if (bars < YEAR + 1) return tooShort(bars);
    return momentumOf(close[i - MONTH]! / close[i - YEAR]! - 1, close[i]! / close[i - MONTH]! - 1, annualised(returns, i + 1, VOL_DAYS));
  };
}

export const momentumAgent: Agent = {
  id: 'momentum',
  name: 'Momentum',
  horizon: CALL_HORIZON,
  analyze: (snapshot: MarketSnapshot) => momentumVote(snapshot.bars),
  fromBars: momentumVote,
  walk: walkMomentum,
};
