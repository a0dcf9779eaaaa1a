// EconomicIndicator: the yield curve, the Sahm unemployment rule and the direction of the fed funds rate.
import type { MacroSeries, MarketSnapshot, Observation } from '../market/types.js';
import { CALL_HORIZON, clamp, round, scoreToVote, type Agent, type Evidence, type Vote } from './agent.js';

const REQUIRED: MacroSeries[] = ['T10Y2Y', 'FEDFUNDS', 'UNRATE'];

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
 * A risk-on / risk-off vote from macro data published by the as-of date, from three published rules, each a
 * piece of evidence in [-1, 1]:
 * - the yield curve (Estrella & Mishkin 1998, "Predicting U.S. Recessions: Financial Variables as Leading
 *   Indicators", Review of Economics and Statistics): an inverted 10y-2y curve precedes recessions; the spread
 *   in percentage points, clamped;
 * - the Sahm rule (Sahm 2019, "Direct Stimulus Payments to Individuals", Brookings): the 3-month average
 *   unemployment rate 0.5pp above its low of the prior 12 months marks a recession under way (-1); below 0.1pp
 *   it is mildly risk-on (0.3), linear between;
 * - the direction of monetary policy (Jensen, Mercer & Johnson 1996, "Business Conditions, Monetary Policy,
 *   and Expected Security Returns", Journal of Financial Economics): returns are higher after easing than after
 *   tightening; the fed funds change over 6 months, beyond 0.25pp, in units of 1.5pp.
 * These rules were published for horizons of quarters; the agent is judged at the next month (21 trading days)
 * like the others, and its calibration gives it weight only if its record shows information at that horizon.
 */
export function economicVote(macro: Record<MacroSeries, Observation[]>): Vote {
  const missing = REQUIRED.filter((s) => macro[s].length === 0);
  if (missing.length > 0 || macro.FEDFUNDS.length < 7) {
    return { kind: 'abstain', reason: `${missing.join(', ') || 'fed funds history'}: not yet published at the as-of date` };
  }
  const evidence: Evidence[] = [];
  const spread = last(macro.T10Y2Y)!;
  evidence.push({
    value: clamp(spread),
    weight: 1,
    // Each reason leads with its figure: a screen that cuts a reason short still shows it.
    reason: `10y-2y ${spread.toFixed(2)}pp: yield curve ${spread < 0 ? 'inverted' : 'positive'}`,
  });

  const gap = sahmGap(macro.UNRATE);
  const unrate = last(macro.UNRATE)!;
  if (gap !== undefined) {
    evidence.push({
      value: gap >= 0.5 ? -1 : gap <= 0.1 ? 0.3 : 0.3 - ((gap - 0.1) / 0.4) * 1.3,
      weight: 1,
      reason: gap >= 0.5 ? `Sahm gap +${gap.toFixed(2)}pp: Sahm rule triggered` : `unemployment ${unrate.toFixed(1)}%, Sahm gap ${gap.toFixed(2)}pp`,
    });
  }

  const funds = last(macro.FEDFUNDS)!;
  const fundsThen = monthsBack(macro.FEDFUNDS)(6);
  const fundsChange = fundsThen === undefined ? null : funds - fundsThen;
  if (fundsChange !== null) {
    evidence.push({
      value: fundsChange > 0.25 ? -clamp(fundsChange / 1.5) : fundsChange < -0.25 ? clamp(-fundsChange / 1.5) : 0,
      weight: 1,
      reason:
        fundsChange > 0.25
          ? `fed funds up ${fundsChange.toFixed(2)}pp in 6 months: the Fed is hiking`
          : fundsChange < -0.25
            ? `fed funds down ${(-fundsChange).toFixed(2)}pp in 6 months: the Fed is easing`
            : 'fed funds rate steady',
    });
  }

  // FRED publishes rates in percent; indicators hold every rate as a fraction.
  const fraction = (percent: number) => round(percent / 100);
  return scoreToVote(evidence, {
    yield_curve_10y2y: fraction(spread),
    fed_funds: fraction(funds),
    fed_funds_change_6m: fundsChange === null ? null : fraction(fundsChange),
    unemployment: fraction(unrate),
    sahm_gap: gap === undefined ? null : fraction(gap),
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
      reason: `latest macro observation ${latest}, ${age} days before the as-of time: too old to mean anything; set FRED_API_KEY for current series`,
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
  horizon: CALL_HORIZON,
  scope: 'market',
  analyze: economicAnalysis,
};
