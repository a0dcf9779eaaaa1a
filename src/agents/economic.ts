// EconomicIndicator: yield curve, fed funds direction, CPI trend, a Sahm-style unemployment rule, VIX, real GDP.
import type { MacroSeries, MarketSnapshot, Observation } from '../market/types.js';
import { clamp, round, scoreToVote, type Agent, type Evidence, type Vote } from './agent.js';

const REQUIRED: MacroSeries[] = ['T10Y2Y', 'FEDFUNDS', 'CPIAUCSL', 'UNRATE', 'VIX'];

const last = (obs: Observation[], back = 0) => obs[obs.length - 1 - back]?.value;

/** Sahm-style rule: the 3-month average unemployment rate minus its low of the prior 12 months. */
export function sahmGap(unrate: Observation[]): number | undefined {
  if (unrate.length < 15) return undefined;
  const avg3 = (end: number) => (unrate[end]!.value + unrate[end - 1]!.value + unrate[end - 2]!.value) / 3;
  const n = unrate.length - 1;
  let low = Infinity;
  for (let k = n - 12; k < n; k++) low = Math.min(low, avg3(k));
  return avg3(n) - low;
}

/**
 * A risk-on / risk-off vote from macro data published by the as-of date. Each sub-signal is in [-1, 1]:
 * - yield curve 10y-2y: inverted is risk-off (spread / 1pp, clamped)
 * - fed funds over 6 months: hiking more than 0.25pp is risk-off, cutting risk-on
 * - CPI year on year: above 4% or rising is risk-off, under 3% and falling risk-on
 * - Sahm gap >= 0.5pp is a recession signal (-1); a falling rate is mildly risk-on
 * - VIX: under 15 risk-on, over 30 risk-off, linear between
 * - real GDP growth (annualised, last quarter): negative is risk-off
 */
export function economicVote(macro: Record<MacroSeries, Observation[]>): Vote {
  const missing = REQUIRED.filter((s) => macro[s].length === 0);
  if (missing.length > 0 || macro.CPIAUCSL.length < 16 || macro.FEDFUNDS.length < 7) {
    return { kind: 'abstain', reason: `macro series not yet published at the as-of date: ${missing.join(', ') || 'CPI/fed funds history'}` };
  }
  const evidence: Evidence[] = [];
  const spread = last(macro.T10Y2Y)!;
  evidence.push({
    value: clamp(spread),
    weight: 1,
    reason: spread < 0 ? `yield curve inverted (10y-2y ${spread.toFixed(2)}pp)` : `yield curve positive (10y-2y ${spread.toFixed(2)}pp)`,
  });

  const funds = last(macro.FEDFUNDS)!;
  const fundsChange = funds - last(macro.FEDFUNDS, 6)!;
  evidence.push({
    value: fundsChange > 0.25 ? -clamp(fundsChange / 1.5) : fundsChange < -0.25 ? clamp(-fundsChange / 1.5) : 0,
    weight: 1,
    reason:
      fundsChange > 0.25
        ? `Fed hiking: funds rate up ${fundsChange.toFixed(2)}pp in 6 months`
        : fundsChange < -0.25
          ? `Fed easing: funds rate down ${(-fundsChange).toFixed(2)}pp in 6 months`
          : 'fed funds rate steady',
  });

  const yoy = (back: number) => last(macro.CPIAUCSL, back)! / last(macro.CPIAUCSL, back + 12)! - 1;
  const cpiNow = yoy(0);
  const cpiTrend = cpiNow - yoy(3);
  const cpiValue = cpiNow > 0.04 ? -1 : cpiTrend > 0.002 ? -0.5 : cpiNow < 0.03 && cpiTrend < 0 ? 0.5 : 0;
  evidence.push({
    value: cpiValue,
    weight: 1,
    reason: `CPI ${(cpiNow * 100).toFixed(1)}% y/y, ${cpiTrend > 0 ? 'rising' : 'falling'} over 3 months`,
  });

  const gap = sahmGap(macro.UNRATE);
  const unrate = last(macro.UNRATE)!;
  if (gap !== undefined) {
    evidence.push({
      value: gap >= 0.5 ? -1 : gap <= 0.1 ? 0.3 : -gap,
      weight: 1,
      reason: gap >= 0.5 ? `Sahm rule triggered (+${gap.toFixed(2)}pp)` : `unemployment ${unrate.toFixed(1)}%, Sahm gap ${gap.toFixed(2)}pp`,
    });
  }

  const vix = last(macro.VIX)!;
  evidence.push({
    value: vix <= 15 ? 0.5 : vix >= 30 ? -1 : 0.5 - ((vix - 15) / 15) * 1.5,
    weight: 1,
    reason: `VIX ${vix.toFixed(1)}`,
  });

  let gdpGrowth: number | null = null;
  if (macro.GDPC1.length >= 2) {
    gdpGrowth = (last(macro.GDPC1)! / last(macro.GDPC1, 1)!) ** 4 - 1;
    evidence.push({
      value: gdpGrowth < 0 ? -1 : gdpGrowth > 0.02 ? 0.3 : 0,
      weight: 0.5,
      reason: `real GDP ${(gdpGrowth * 100).toFixed(1)}% annualised last quarter`,
    });
  }

  // FRED publishes rates in percent; indicators hold every rate as a fraction, like cpi_yoy.
  const fraction = (percent: number) => round(percent / 100);
  return scoreToVote(evidence, {
    yield_curve_10y2y: fraction(spread),
    fed_funds: fraction(funds),
    fed_funds_change_6m: fraction(fundsChange),
    cpi_yoy: round(cpiNow),
    unemployment: fraction(unrate),
    sahm_gap: gap === undefined ? null : fraction(gap),
    vix: round(vix, 2),
    real_gdp_growth: gdpGrowth === null ? null : round(gdpGrowth),
  });
}

export const economicIndicator: Agent = {
  id: 'economic',
  name: 'EconomicIndicator',
  analyze: (snapshot: MarketSnapshot) => economicVote(snapshot.macro),
};
