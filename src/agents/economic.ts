// EconomicIndicator: yield curve, fed funds direction, CPI trend, a Sahm-style unemployment rule, VIX, real GDP.
import type { MacroSeries, MarketSnapshot, Observation } from '../market/types.js';
import { clamp, round, scoreToVote, type Agent, type Evidence, type Vote } from './agent.js';

const REQUIRED: MacroSeries[] = ['T10Y2Y', 'FEDFUNDS', 'CPIAUCSL', 'UNRATE', 'VIX'];

const last = (obs: Observation[], back = 0) => obs[obs.length - 1 - back]?.value;

/** The first day of the month `months` before the month of `date` (YYYY-MM-DD). */
function monthStart(date: string, months: number): string {
  const t = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 - months;
  return `${Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`;
}

/**
 * A monthly series (dated on the first of each month) by calendar months before its latest month:
 * `at(0)` is the latest value, `at(12)` the one a year before it, undefined if that month is missing.
 * Windows count calendar months, not observations: a month that was never published (October 2025's
 * CPI and unemployment, skipped in a shutdown) must not stretch "12 months" to 13.
 */
export function monthsBack(obs: Observation[]): (months: number) => number | undefined {
  const latest = obs.at(-1);
  const byDate = new Map(obs.slice(-40).map((o) => [o.date, o.value]));
  return (months) => (latest ? byDate.get(monthStart(latest.date, months)) : undefined);
}

/** Sahm-style rule: the 3-month average unemployment rate minus its low of the prior 12 months (all 15 months needed). */
export function sahmGap(unrate: Observation[]): number | undefined {
  const at = monthsBack(unrate);
  const months = Array.from({ length: 15 }, (_, k) => at(k));
  if (months.some((v) => v === undefined)) return undefined;
  const avg3 = (back: number) => (months[back]! + months[back + 1]! + months[back + 2]!) / 3;
  let low = Infinity;
  for (let back = 1; back <= 12; back++) low = Math.min(low, avg3(back));
  return avg3(0) - low;
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
  const fundsThen = monthsBack(macro.FEDFUNDS)(6);
  const fundsChange = fundsThen === undefined ? null : funds - fundsThen;
  if (fundsChange !== null) {
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
  }

  // Year on year now and three months ago, each between the same calendar months a year apart.
  const cpiAt = monthsBack(macro.CPIAUCSL);
  const yoy = (back: number) => {
    const now = cpiAt(back);
    const before = cpiAt(back + 12);
    return now === undefined || before === undefined ? undefined : now / before - 1;
  };
  const cpiNow = yoy(0) ?? null;
  const cpiThen = yoy(3);
  if (cpiNow !== null && cpiThen !== undefined) {
    const cpiTrend = cpiNow - cpiThen;
    const cpiValue = cpiNow > 0.04 ? -1 : cpiTrend > 0.002 ? -0.5 : cpiNow < 0.03 && cpiTrend < 0 ? 0.5 : 0;
    evidence.push({
      value: cpiValue,
      weight: 1,
      reason: `CPI ${(cpiNow * 100).toFixed(1)}% y/y, ${cpiTrend > 0 ? 'rising' : 'falling'} over 3 months`,
    });
  }

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
    fed_funds_change_6m: fundsChange === null ? null : fraction(fundsChange),
    cpi_yoy: cpiNow === null ? null : round(cpiNow),
    unemployment: fraction(unrate),
    sahm_gap: gap === undefined ? null : fraction(gap),
    vix: round(vix, 2),
    real_gdp_growth: gdpGrowth === null ? null : round(gdpGrowth),
  });
}

/**
 * Days after which macro data says nothing about the as-of time: the daily series (10y-2y, VIX) are published
 * every trading day, so a gap this long means the data ends (bundled series read today, without FRED_API_KEY).
 */
export const MACRO_STALE_DAYS = 14;

/** The economic vote, with the age of its newest daily observation stated, or an abstention when that is too old. */
export function economicAnalysis(snapshot: MarketSnapshot): Vote {
  const latest = [snapshot.macro.T10Y2Y.at(-1)?.date, snapshot.macro.VIX.at(-1)?.date]
    .filter((d) => d !== undefined)
    .sort()
    .at(-1);
  if (latest === undefined) return economicVote(snapshot.macro);
  const age = Math.floor((Date.parse(snapshot.asOf) - Date.parse(`${latest}T00:00:00Z`)) / 86_400_000);
  if (age > MACRO_STALE_DAYS) {
    return {
      kind: 'abstain',
      reason: `macro data too old to mean anything: its latest observation (${latest}) is ${age} days before the as-of time; set FRED_API_KEY for current series`,
      indicators: { macro_age_days: age },
    };
  }
  const vote = economicVote(snapshot.macro);
  if (vote.kind !== 'vote') return vote;
  return {
    ...vote,
    reasons: [...vote.reasons, `latest macro observation ${latest} (${age} days old)`],
    indicators: { ...vote.indicators, macro_age_days: age },
  };
}

export const economicIndicator: Agent = {
  id: 'economic',
  name: 'EconomicIndicator',
  analyze: economicAnalysis,
};
