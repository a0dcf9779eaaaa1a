// VolatilityRisk: volatility against its own past year (volatility-managed) and against the market's (low-volatility effect).
import type { Bar, MarketSnapshot } from '../market/types.js';
import { atr } from './technical.js';
import { annualVolatility } from './momentum.js';
import { CALL_HORIZON, cents, pct, round, scoreToVote, type Agent, type Evidence, type Indicators, type Vote } from './agent.js';

const RECENT = 20;
const YEAR = 252;

/**
 * Two published volatility rules, each a piece of evidence in [-1, 1]:
 * - volatility-managed exposure (Moreira & Muir 2017, "Volatility-Managed Portfolios", Journal of Finance):
 *   risk is taken when recent volatility is low against its norm and cut when it is high, since volatility
 *   rises without a matching rise in return; here minus the log of 20-day over 252-day volatility, in units of
 *   0.5, squashed by tanh;
 * - the low-volatility effect (Ang, Hodrick, Xing & Zhang 2006, "The Cross-Section of Volatility and Expected
 *   Returns", Journal of Finance; Baker, Bradley & Wurgler 2011): calmer stocks earn as much or more than
 *   volatile ones; minus the log of the stock's 252-day volatility over SPY's, in units of 0.5, squashed by tanh
 *   (left out when SPY is not available).
 * It speaks to the next month (21 trading days).
 */
export function volatilityVote(bars: Bar[], benchmark: Bar[]): Vote {
  if (bars.length < YEAR + 1) {
    return { kind: 'abstain', reason: `needs ${YEAR + 1} daily bars for a year of volatility, has ${bars.length}` };
  }
  const closes = bars.map((b) => b.close);
  const recent = annualVolatility(closes, RECENT);
  const year = annualVolatility(closes, YEAR);
  const ratio = recent / year;
  const price = closes.at(-1)!;
  const atrValue = atr(bars) ?? 0;
  const evidence: Evidence[] = [
    {
      value: Math.tanh(-Math.log(ratio) / 0.5),
      weight: 1,
      reason: `20-day volatility ${pct(recent)}, ${ratio >= 1 ? 'above' : 'below'} its year's ${pct(year)}`,
    },
  ];
  const indicators: Indicators = {
    realised_vol_20d: round(recent),
    realised_vol_1y: round(year),
    vol_ratio: round(ratio),
    atr_14: cents(atrValue),
    atr_percent: round(atrValue / price),
  };
  if (benchmark.length >= YEAR + 1) {
    const market = annualVolatility(
      benchmark.map((b) => b.close),
      YEAR,
    );
    const relative = year / market;
    indicators.vol_vs_spy = round(relative);
    evidence.push({
      value: Math.tanh(-Math.log(relative) / 0.5),
      weight: 1,
      reason: `a year's volatility ${relative.toFixed(1)}x SPY's`,
    });
  }
  return scoreToVote(evidence, indicators);
}

export const volatilityRisk: Agent = {
  id: 'volatility',
  name: 'VolatilityRisk',
  horizon: CALL_HORIZON,
  analyze: (snapshot: MarketSnapshot) => volatilityVote(snapshot.bars, snapshot.benchmark),
  fromBars: volatilityVote,
};
