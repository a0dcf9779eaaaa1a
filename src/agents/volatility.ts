// VolatilityRisk: volatility against its own past year (volatility-managed) and against the market's (low-volatility effect).
import { BAR_WINDOW } from '../market/snapshot.js';
import type { Bar, MarketSnapshot, SymbolHistory } from '../market/types.js';
import { atr, atrOf } from './technical.js';
import { annualised, annualVolatility, logReturns } from './momentum.js';
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
  if (bars.length < YEAR + 1) return tooShort(bars.length);
  const closes = bars.map((b) => b.close);
  const market =
    benchmark.length >= YEAR + 1
      ? annualVolatility(
          benchmark.map((b) => b.close),
          YEAR,
        )
      : undefined;
  return volatilityOf(annualVolatility(closes, RECENT), annualVolatility(closes, YEAR), closes.at(-1)!, atr(bars) ?? 0, market);
}

const tooShort = (bars: number): Vote => ({ kind: 'abstain', reason: `needs ${YEAR + 1} daily bars for a year of volatility, has ${bars}` });

/** The vote from the stock's 20-day and 252-day volatility, its last close and ATR, and SPY's 252-day volatility when known. */
function volatilityOf(recent: number, year: number, price: number, atrValue: number, market: number | undefined): Vote {
  // A price that never moved in a year (a halted or synthetic series) has no volatility to compare: 0 / 0.
  if (!(year > 0)) return { kind: 'abstain', reason: 'the price did not move in a year: no volatility to judge' };
  const ratio = recent / year;
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
  if (market !== undefined && market > 0) {
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

/** `volatilityVote` along a history: the log returns of the stock and of SPY once, then each step reads windows of them. */
function walkVolatility(history: SymbolHistory): (i: number) => Vote {
  const { bars, benchmark, benchmarkEnd } = history;
  const returns = logReturns(bars.close);
  const spy = benchmark === null ? null : logReturns(benchmark.close);
  return (i) => {
    const length = Math.min(i + 1, BAR_WINDOW);
    if (length < YEAR + 1) return tooShort(length);
    const end = benchmarkEnd[i]!;
    const market = spy !== null && Math.min(end, BAR_WINDOW) >= YEAR + 1 ? annualised(spy, end, YEAR) : undefined;
    const atrValue = atrOf(bars, i + 1 - length, i + 1) ?? 0;
    return volatilityOf(annualised(returns, i + 1, RECENT), annualised(returns, i + 1, YEAR), bars.close[i]!, atrValue, market);
  };
}

export const volatilityRisk: Agent = {
  id: 'volatility',
  name: 'VolatilityRisk',
  horizon: CALL_HORIZON,
  analyze: (snapshot: MarketSnapshot) => volatilityVote(snapshot.bars, snapshot.benchmark),
  fromBars: volatilityVote,
  walk: walkVolatility,
};
