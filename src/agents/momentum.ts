// Momentum: time-series momentum scaled by volatility, and the short-term reversal of the last month.
import type { Bar, MarketSnapshot } from '../market/types.js';
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
  const m = returns.reduce((a, b) => a + b, 0) / returns.length;
  const variance = returns.reduce((a, b) => a + (b - m) ** 2, 0) / (returns.length - 1);
  return Math.sqrt(variance * 252);
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
  if (bars.length < YEAR + 1) {
    return { kind: 'abstain', reason: `needs ${YEAR + 1} daily bars for 12-month momentum, has ${bars.length}` };
  }
  const closes = bars.map((b) => b.close);
  const vol = annualVolatility(closes, VOL_DAYS);
  const r12 = ret(closes, YEAR, MONTH);
  const r1 = ret(closes, MONTH);
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

export const momentumAgent: Agent = {
  id: 'momentum',
  name: 'Momentum',
  horizon: CALL_HORIZON,
  analyze: (snapshot: MarketSnapshot) => momentumVote(snapshot.bars),
  fromBars: momentumVote,
};
