// VolatilityRisk: realised volatility against its own year, drawdown from the high, ATR; defensive when stressed.
import type { Bar, MarketSnapshot } from '../market/types.js';
import { cents, pct, round, scoreToVote, type Agent, type Evidence, type Vote } from './agent.js';
import { atr } from './technical.js';

const VOL_WINDOW = 20;
const HISTORY = 252;

/**
 * Annualised realised volatility of daily log returns over each trailing 20-day window, for the
 * last `count` windows (oldest first), using running sums so the cost is linear in the bars.
 */
export function rollingVolatility(closes: number[], count: number): number[] {
  const returns: number[] = [];
  for (let i = 1; i < closes.length; i++) returns.push(Math.log(closes[i]! / closes[i - 1]!));
  const start = Math.max(0, returns.length - count - VOL_WINDOW + 1);
  let sum = 0;
  let sumSq = 0;
  const out: number[] = [];
  for (let i = start; i < returns.length; i++) {
    sum += returns[i]!;
    sumSq += returns[i]! ** 2;
    if (i - start >= VOL_WINDOW) {
      const old = returns[i - VOL_WINDOW]!;
      sum -= old;
      sumSq -= old * old;
    }
    if (i - start >= VOL_WINDOW - 1) {
      const mean = sum / VOL_WINDOW;
      const variance = Math.max(0, (sumSq - VOL_WINDOW * mean * mean) / (VOL_WINDOW - 1));
      out.push(Math.sqrt(variance * 252));
    }
  }
  return out;
}

/**
 * Evidence: the volatility percentile within its past year (calm is bullish, stressed bearish),
 * the drawdown from the 52-week high, and the trend of volatility over the last month. A stressed
 * regime (volatility in its top fifth, or a drawdown beyond 20%) never votes BUY: it leans defensive.
 */
export function volatilityVote(bars: Bar[]): Vote {
  if (bars.length < HISTORY + VOL_WINDOW + 1) {
    return { kind: 'abstain', reason: `needs ${HISTORY + VOL_WINDOW + 1} daily bars for a year of volatility history, has ${bars.length}` };
  }
  const closes = bars.map((b) => b.close);
  const price = closes.at(-1)!;
  const vols = rollingVolatility(closes, HISTORY);
  const vol = vols.at(-1)!;
  const percentile = vols.filter((v) => v < vol).length / (vols.length - 1 || 1);
  const high = Math.max(...bars.slice(-HISTORY).map((b) => b.high));
  const drawdown = price / high - 1;
  const volMonthAgo = vols[vols.length - 1 - 21]!;
  const atrValue = atr(bars) ?? 0;
  const stressed = percentile >= 0.8 || drawdown <= -0.2;

  const evidence: Evidence[] = [
    {
      value: (0.5 - percentile) * 2,
      weight: 1,
      reason: `20-day volatility ${pct(vol)}, higher than ${Math.round(percentile * 100)}% of its past year`,
    },
    {
      value: drawdown > -0.05 ? 0.5 : Math.max(-1, 0.5 + (drawdown + 0.05) * 10),
      weight: 1,
      reason: `${pct(-drawdown)} below the 52-week high`,
    },
    {
      value: Math.tanh((volMonthAgo - vol) / Math.max(volMonthAgo, 1e-9) / 0.3),
      weight: 0.5,
      reason: vol > volMonthAgo ? 'volatility rising over the last month' : 'volatility falling over the last month',
    },
  ];
  const vote = scoreToVote(evidence, {
    realised_vol_20d: round(vol),
    vol_percentile_1y: round(percentile),
    drawdown_from_high: round(drawdown),
    atr_14: cents(atrValue),
    atr_percent: round(atrValue / price),
    stressed,
  });
  if (stressed && vote.kind === 'vote' && vote.signal === 'BUY') {
    return { ...vote, signal: 'HOLD', confidence: 0.5, reasons: ['stressed regime: no new longs', ...vote.reasons] };
  }
  if (stressed && vote.kind === 'vote') vote.reasons.unshift('stressed regime');
  return vote;
}

export const volatilityRisk: Agent = {
  id: 'volatility',
  name: 'VolatilityRisk',
  analyze: (snapshot: MarketSnapshot) => volatilityVote(snapshot.bars),
};
