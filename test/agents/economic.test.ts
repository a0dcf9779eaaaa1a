// EconomicIndicator on constructed macro series where the right vote is known.
import { describe, expect, it } from 'vitest';
import { economicVote, sahmGap } from '../../src/agents/economic.js';
import { emptyMacro, monthly } from '../helpers/series.js';

const flat = (n: number, v: number) => Array.from({ length: n }, () => v);

function macro(overrides: { spread: number; funds: number[]; cpi: number[]; unrate: number[]; vix: number; gdp?: number[] }) {
  const m = emptyMacro();
  m.T10Y2Y = monthly([overrides.spread]);
  m.FEDFUNDS = monthly(overrides.funds);
  m.CPIAUCSL = monthly(overrides.cpi);
  m.UNRATE = monthly(overrides.unrate);
  m.VIX = monthly([overrides.vix]);
  if (overrides.gdp) m.GDPC1 = monthly(overrides.gdp);
  return m;
}

// CPI growing at a steady annual rate
const cpi = (annual: number, n = 24) => Array.from({ length: n }, (_, i) => 100 * (1 + annual) ** (i / 12));

describe('EconomicIndicator', () => {
  it('votes SELL (risk-off) with an inverted curve, hikes and a Sahm trigger', () => {
    const vote = economicVote(
      macro({
        spread: -0.6,
        funds: [1, 1.5, 2, 2.5, 3, 3.5, 4],
        cpi: cpi(0.06),
        unrate: [...flat(12, 3.5), 3.9, 4.2, 4.5],
        vix: 35,
        gdp: [100, 99.5],
      }),
    );
    expect(vote.kind === 'vote' && vote.signal).toBe('SELL');
    expect(vote.kind === 'vote' && vote.reasons.join(' ')).toMatch(/Sahm gap \+\d\.\d\dpp: Sahm rule triggered/);
  });

  it('votes BUY (risk-on) with a steep curve, cuts and falling unemployment', () => {
    const vote = economicVote(
      macro({
        spread: 1.2,
        funds: [3, 2.8, 2.5, 2.2, 2, 1.8, 1.5],
        cpi: [...cpi(0.03, 21), 102, 102.1, 102.2],
        unrate: Array.from({ length: 15 }, (_, i) => 5 - i * 0.05),
        vix: 12,
        gdp: [100, 101],
      }),
    );
    expect(vote.kind === 'vote' && vote.signal).toBe('BUY');
  });

  it('abstains when a required series has not been published', () => {
    const m = macro({ spread: 1, funds: flat(7, 2), cpi: cpi(0.02), unrate: flat(15, 4), vix: 15 });
    m.UNRATE = [];
    const vote = economicVote(m);
    expect(vote).toMatchObject({ kind: 'abstain' });
    expect(vote.kind === 'abstain' && vote.reason).toMatch(/UNRATE/);
  });

  it('computes the Sahm gap from 3-month averages against the prior 12 months low', () => {
    const unrate = monthly([...flat(12, 4), 4.3, 4.6, 4.9]);
    // 3-month average now (4.6) minus the lowest 3-month average of the prior 12 months (4.0)
    expect(sahmGap(unrate)).toBeCloseTo(0.6, 10);
  });

  it('counts calendar months, not observations: a month never published does not make "6 months" 7', () => {
    const funds = Array.from({ length: 24 }, (_, i) => 1 + i * 0.1);
    const m = macro({ spread: 1, funds, cpi: cpi(0.02), unrate: flat(24, 4), vix: 15 });
    const vote = economicVote(m);
    expect(vote.kind === 'vote' && vote.indicators.fed_funds_change_6m).toBeCloseTo(0.006, 4);
    const gap = monthly([...flat(20, 4), 4.3, 4.6, 4.9]);
    expect(sahmGap(gap.filter((_, i) => i !== gap.length - 4))).toBeUndefined();
    // The month six before the latest missing: no 6-month change (and no fed evidence) rather than a 7-month one.
    m.FEDFUNDS = m.FEDFUNDS.filter((_, i) => i !== m.FEDFUNDS.length - 7);
    const without = economicVote(m);
    expect(without.kind === 'vote' && without.indicators.fed_funds_change_6m).toBeNull();
  });
});
