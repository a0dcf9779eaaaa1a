// The agents on the real bundled data at fixed dates, where what happened is known.
import { describe, expect, it } from 'vitest';
import { economicIndicator } from '../../src/agents/economic.js';
import { momentumAgent } from '../../src/agents/momentum.js';
import { technicalAnalyst } from '../../src/agents/technical.js';
import { volatilityRisk } from '../../src/agents/volatility.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import type { Agent } from '../../src/agents/agent.js';

const store = new MarketStore();
const signal = new AbortController().signal;
const vote = async (agent: Agent, symbol: string, date: string) => agent.analyze(snapshotAt(store, symbol, `${date}T21:00:00.000Z`), signal);

describe('agents on bundled history', () => {
  it('October 2008: volatility is far above its year for AAPL (SELL), the Sahm rule has triggered', async () => {
    const v = await vote(volatilityRisk, 'AAPL', '2008-10-15');
    expect(v.kind === 'vote' && (v.indicators.vol_ratio as number)).toBeGreaterThan(1.5);
    expect(v.kind === 'vote' && v.signal).toBe('SELL');
    const e = await vote(economicIndicator, 'AAPL', '2008-10-15');
    expect(e.kind === 'vote' && (e.indicators.sahm_gap as number)).toBeGreaterThanOrEqual(0.005);
  });

  it('mid-2022 bear market: JPM momentum and AAPL technicals are SELL', async () => {
    const m = await vote(momentumAgent, 'JPM', '2022-06-15');
    expect(m.kind === 'vote' && m.signal).toBe('SELL');
    const t = await vote(technicalAnalyst, 'AAPL', '2022-06-15');
    expect(t.kind === 'vote' && t.signal).toBe('SELL');
    expect(t.kind === 'vote' && t.reasons.join(' ')).toMatch(/below its 10-month average/);
  });

  it('the yield curve is inverted in mid-2023 and the economic agent leans risk-off', async () => {
    const e = await vote(economicIndicator, 'AAPL', '2023-06-01');
    expect(e.kind === 'vote' && (e.indicators.yield_curve_10y2y as number)).toBeLessThan(0);
    expect(e.kind === 'vote' && e.signal).toBe('SELL');
  });

  it('NVDA through 2024 is strong momentum: BUY', async () => {
    const m = await vote(momentumAgent, 'NVDA', '2024-11-01');
    expect(m.kind === 'vote' && m.signal).toBe('BUY');
  });

  it('META in its first months of trading: technical and momentum abstain for want of history', async () => {
    const t = await vote(technicalAnalyst, 'META', '2012-09-04');
    const m = await vote(momentumAgent, 'META', '2012-09-04');
    expect(t.kind).toBe('abstain');
    expect(m.kind).toBe('abstain');
  });

  it('report indicators as numbers (never text such as "-21.6%"): prices to the cent, rates and returns as fractions', async () => {
    const votes = await Promise.all([technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator].map((a) => vote(a, 'JPM', '2022-06-15')));
    const indicators = Object.assign({}, ...votes.map((v) => (v.kind === 'vote' ? v.indicators : {}))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(indicators)) expect(['number', 'boolean'].includes(typeof value) || value === null, name).toBe(true);
    expect(indicators.price_vs_sma_10m).toBeCloseTo(Number(indicators.price) / Number(indicators.sma_10m) - 1, 3);
    for (const price of ['price', 'sma_10m', 'high_52w', 'atr_14']) {
      expect(Math.round(Number(indicators[price]) * 100) / 100, price).toBe(indicators[price]);
    }
    // Known on 15 June 2022: May's fed funds rate 0.77%, unemployment 3.6%, a 10y-2y spread under 0.3 points.
    expect(indicators.fed_funds).toBeCloseTo(0.0077, 4);
    expect(indicators.unemployment).toBeCloseTo(0.036, 4);
    expect(Math.abs(Number(indicators.yield_curve_10y2y))).toBeLessThan(0.01);
  });
});
