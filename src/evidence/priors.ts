// What we expect of each method before its record here says anything: a normal prior on its monthly IC.
import type { Prior } from './stats.js';

/**
 * A stock-picking rule's prior: a monthly rank IC of 0.02 in its published direction, give or take 0.02. Grinold &
 * Kahn ("Active Portfolio Management", 2000) call an IC of 0.05 good; McLean & Pontiff (2016, "Does Academic
 * Research Destroy Stock Return Predictability?", Journal of Finance) find published anomalies earn 58% less after
 * publication, which takes 0.05 to about 0.02. The spread admits anything from no edge to a good one.
 */
export const STOCK_PRIOR: Prior = { mean: 0.02, sd: 0.02 };

/**
 * A market-timing rule's prior: no edge, give or take 0.1 of rank correlation with the next month's market return
 * over cash. Welch & Goyal (2008, "A Comprehensive Look at the Empirical Performance of Equity Premium Prediction",
 * Review of Financial Studies) find that the published predictors of the market's return mostly fail out of sample.
 */
export const TIMING_PRIOR: Prior = { mean: 0, sd: 0.1 };

/**
 * Headline sentiment's prior: Tetlock (2007, "Giving Content to Investor Sentiment", Journal of Finance) finds that
 * media pessimism predicts returns for a day or two and reverses within a week, so at a month's horizon its prior
 * is a quarter of a stock-picking rule's.
 */
export const HEADLINE_PRIOR: Prior = { mean: 0.005, sd: 0.01 };

/** The prior of an agent, by id; an agent we know nothing of gets no presumption of an edge. */
export function priorOf(id: string, scope: 'stock' | 'market'): Prior {
  if (scope === 'market') return TIMING_PRIOR;
  if (id === 'sentiment') return HEADLINE_PRIOR;
  if (id === 'technical' || id === 'momentum' || id === 'volatility') return STOCK_PRIOR;
  return { mean: 0, sd: STOCK_PRIOR.sd };
}
