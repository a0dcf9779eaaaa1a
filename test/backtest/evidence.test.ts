// The evidence a backtest reports: the records of the window's last step, and the regime's states counted once per day.
import { describe, expect, it } from 'vitest';
import { endEvidence, evidenceRows, regimeStates, regimeSummary } from '../../src/backtest/evidence.js';
import type { Decision, Records } from '../../src/backtest/walk.js';
import type { EvidenceData } from '../../src/protocol/messages.js';

const record = (ic: number, label: string): EvidenceData => ({
  kind: 'cross_section',
  universe: 'bundled (29 stocks)',
  horizon_days: 21,
  months: 150,
  since: '2006-10-31',
  until: '2019-05-31',
  ic,
  t: 1.2,
  interval: [ic - 0.03, ic + 0.03],
  calls: 2000,
  hit_rate: 0.51,
  prior_ic: 0.02,
  shrunk_ic: ic / 2,
  edge: false,
  label,
});

const step = (date: string, regime: Record<string, string>, records?: Records): Decision => ({
  date,
  action: 'HOLD',
  confidence: 0.5,
  price: 1,
  votes: {},
  regime,
  ...(records ? { records } : {}),
});

describe('the evidence at the end of the window', () => {
  const early: Records = { consensus: record(0.01, 'early'), agents: { technical: record(0.01, 'early') }, regime: {} };
  const late: Records = {
    consensus: record(0.02, 'late'),
    agents: { technical: record(0.03, 'late') },
    regime: { trend: { ...record(0.1, 'trend late'), kind: 'market_timing' } },
  };

  it("is the latest step's records, whichever symbol's walk it ends", () => {
    const e = endEvidence([step('2025-09-30', {}, early), step('2025-10-01', {}, late), step('2025-09-29', {})]);
    expect(e).toEqual({ as_of: '2025-10-01', consensus: late.consensus, agents: late.agents });
  });

  it('is null when the analyses carried no records (no evidence book)', () => {
    expect(endEvidence([step('2025-10-01', {}, { consensus: null, agents: {}, regime: {} })])).toBeNull();
    expect(endEvidence([step('2025-10-01', {})])).toBeNull();
  });

  it("counts each day's regime once whatever the number of symbols, as shares of the days with data", () => {
    const steps = [
      step('2025-01-02', { trend: 'up', volatility: 'calm' }),
      step('2025-01-02', { trend: 'up', volatility: 'calm' }),
      step('2025-01-03', { trend: 'up', volatility: 'stressed' }),
      step('2025-01-06', { trend: 'down' }),
      step('2025-01-07', { trend: 'up', volatility: 'calm' }, late),
    ];
    const r = regimeSummary(steps);
    expect(r.days).toBe(4);
    expect(r.signals.trend).toEqual({ days: 4, states: { down: 0.25, up: 0.75 }, evidence: late.regime.trend });
    expect(r.signals.volatility).toMatchObject({ days: 3, states: { calm: 2 / 3, stressed: 1 / 3 }, evidence: null });
    expect(regimeStates(r.signals.trend!)).toBe('up 75.0%, down 25.0%');
  });

  it('one row per record: IC, interval, t, months, hit rate, shrunk IC, weight and the verdict', () => {
    expect(evidenceRows([['technical', { ...record(0.03, 'edge: none demonstrated'), weight: 0.015 }]])).toEqual([
      ['technical', '0.030', '[0.000, 0.060]', '1.2', '150', '51.0%', '0.015', '0.015', 'edge: none demonstrated'],
    ]);
  });
});
