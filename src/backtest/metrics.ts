// Performance figures of a daily return series: annualised return and volatility, Sharpe, Sortino, drawdown, exposure, turnover.
import { mean, sampleSd } from '../evidence/stats.js';

export const TRADING_DAYS = 252;

/**
 * A strategy's days, one entry per holding period (open to next open): the period's start date, its net return,
 * the share of capital exposed (|position|) and the position traded at its open (|change of position|).
 */
export interface Path {
  dates: string[];
  /** The date of the open that ends the last period. */
  end: string | null;
  returns: number[];
  exposure: number[];
  traded: number[];
}

/** The figures of one path, unrounded; null where a figure is undefined (no days, no variation). */
export interface RawFigures {
  start: string | null;
  end: string | null;
  days: number;
  total_return: number;
  annual_return: number | null;
  annual_volatility: number | null;
  sharpe: number | null;
  sortino: number | null;
  max_drawdown: number;
  exposure: number;
  turnover: number | null;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** Compound growth of 1 through `returns`, starting with 1 before the first. */
export function equityCurve(returns: readonly number[]): number[] {
  const curve = [1];
  for (const r of returns) curve.push(curve.at(-1)! * (1 + r));
  return curve;
}

/**
 * The largest fall from a running peak of the equity curve, as a positive fraction (0.25: a quarter lost).
 * @example maxDrawdown([0.1, -0.5, 0.2]) // 0.5
 */
export function maxDrawdown(returns: readonly number[]): number {
  let equity = 1;
  let peak = 1;
  let worst = 0;
  for (const r of returns) {
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    worst = Math.max(worst, 1 - equity / peak);
  }
  return worst;
}

/** The drawdown after each day, as a positive fraction: for the report's drawdown chart. */
export function drawdowns(returns: readonly number[]): number[] {
  let equity = 1;
  let peak = 1;
  return returns.map((r) => {
    equity *= 1 + r;
    peak = Math.max(peak, equity);
    return 1 - equity / peak;
  });
}

/** Annualised Sharpe ratio with a zero risk-free rate: mean / sample sd of daily returns, times sqrt(252). */
export function sharpe(returns: readonly number[]): number | null {
  const sd = sampleSd(returns);
  return sd > 0 ? (mean(returns) / sd) * Math.sqrt(TRADING_DAYS) : null;
}

/**
 * Annualised Sortino ratio with a zero target: mean daily return over the downside deviation
 * sqrt(sum of min(r, 0)^2 / n), times sqrt(252). Null when no day lost.
 */
export function sortino(returns: readonly number[]): number | null {
  if (returns.length === 0) return null;
  const downside = Math.sqrt(returns.reduce((s, r) => s + Math.min(r, 0) ** 2, 0) / returns.length);
  return downside > 0 ? (mean(returns) / downside) * Math.sqrt(TRADING_DAYS) : null;
}

/**
 * Every figure of a path. Annual return is the compound rate (equity ^ (252 / days) - 1); volatility the sample
 * sd of daily returns times sqrt(252); exposure the mean |position|; turnover the position traded per year
 * (sum of |change of position| / years; 1 is one full entry or exit a year).
 */
export function figures(path: Path): RawFigures {
  const n = path.returns.length;
  const equity = equityCurve(path.returns).at(-1)!;
  const years = n / TRADING_DAYS;
  return {
    start: path.dates[0] ?? null,
    end: path.end,
    days: n,
    total_return: equity - 1,
    annual_return: n === 0 ? null : finite(equity ** (1 / years) - 1),
    annual_volatility: n < 2 ? null : sampleSd(path.returns) * Math.sqrt(TRADING_DAYS),
    sharpe: sharpe(path.returns),
    sortino: sortino(path.returns),
    max_drawdown: maxDrawdown(path.returns),
    exposure: n === 0 ? 0 : mean(path.exposure),
    turnover: n === 0 ? null : path.traded.reduce((s, x) => s + x, 0) / years,
  };
}
