// The market regime, apart from any stock's call: SPY's trend, the VIX, the yield curve and the Sahm rule, each a score.
import { SMA } from 'trading-signals';
import type { MarketSnapshot } from '../market/types.js';
import { clamp, round } from './agent.js';
import { sahmGap } from './economic.js';

/** The regime's signals, in report order. */
export const REGIME_SIGNALS = ['trend', 'volatility', 'curve', 'recession'] as const;
export type RegimeSignal = (typeof REGIME_SIGNALS)[number];

/** One reading: a score in [-1, 1] (risk-on positive), the state it names and the value it is read from. */
export interface RegimeReading {
  score: number;
  state: string;
  value: number;
  /** What the value is, for people. */
  label: string;
}

export type Regime = Partial<Record<RegimeSignal, RegimeReading>>;

/** Ten months of trading days: Faber's 10-month average, on daily closes. */
const TREND_DAYS = 210;

/**
 * The market's regime at a snapshot, from four published rules, each read only from data public at its as-of time
 * (a signal whose data is missing is left out):
 * - trend (Faber 2007, "A Quantitative Approach to Tactical Asset Allocation"): SPY above its 10-month average is
 *   risk-on; the distance in units of 5%, squashed by tanh;
 * - volatility (Whaley 2000, "The Investor Fear Gauge", Journal of Portfolio Management): the VIX under 20 is calm,
 *   20 to 30 elevated, over 30 stressed; (20 - VIX) / 10, clamped;
 * - curve (Estrella & Mishkin 1998): the 10y-2y spread in percentage points, clamped; under 0 inverted;
 * - recession (Sahm 2019): the 3-month average unemployment rate 0.5pp above its low of the prior 12 months is a
 *   recession under way (-1); under 0.1pp mildly risk-on (0.3), linear between.
 * SPY's own bars stand in for the benchmark when the snapshot is of SPY.
 */
export function regimeOf(snapshot: MarketSnapshot): Regime {
  const regime: Regime = {};
  const market = snapshot.benchmark.length > 0 ? snapshot.benchmark : snapshot.symbol === 'SPY' ? snapshot.bars : [];
  if (market.length >= TREND_DAYS) {
    const sma = new SMA(TREND_DAYS);
    let average: number | null = null;
    for (const b of market.slice(-TREND_DAYS)) average = sma.add(b.close);
    const distance = market.at(-1)!.close / average! - 1;
    regime.trend = {
      score: round(Math.tanh(distance / 0.05)),
      state: distance >= 0 ? 'up' : 'down',
      value: round(distance),
      label: 'SPY vs its 10-month average',
    };
  }
  const vix = snapshot.macro.VIX.at(-1)?.value;
  if (vix !== undefined) {
    regime.volatility = {
      score: round(clamp((20 - vix) / 10)),
      state: vix < 20 ? 'calm' : vix <= 30 ? 'elevated' : 'stressed',
      value: round(vix, 2),
      label: 'VIX',
    };
  }
  const spread = snapshot.macro.T10Y2Y.at(-1)?.value;
  if (spread !== undefined) {
    regime.curve = { score: round(clamp(spread)), state: spread < 0 ? 'inverted' : 'normal', value: round(spread, 2), label: '10y-2y (pp)' };
  }
  const gap = sahmGap(snapshot.macro.UNRATE);
  if (gap !== undefined) {
    regime.recession = {
      score: round(gap >= 0.5 ? -1 : gap <= 0.1 ? 0.3 : 0.3 - ((gap - 0.1) / 0.4) * 1.3),
      state: gap >= 0.5 ? 'triggered' : 'clear',
      value: round(gap, 2),
      label: 'Sahm gap (pp)',
    };
  }
  return regime;
}
