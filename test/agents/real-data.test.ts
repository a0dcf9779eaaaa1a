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
const vote = async (agent: Agent, symbol: string, date: string) =>
  agent.analyze(snapshotAt(store, symbol, `${date}T21:00:00.000Z`), signal);

describe('agents on bundled history', () => {
  it('October 2008: volatility is stressed and risk-off for AAPL, macro says SELL', async () => {
    const v = await vote(volatilityRisk, 'AAPL', '2008-10-15');
    expect(v.kind === 'vote' && v.signal).toBe('SELL');
    expect(v.kind === 'vote' && v.indicators.stressed).toBe(true);
    const e = await vote(economicIndicator, 'AAPL', '2008-10-15');
    expect(e.kind === 'vote' && e.signal).toBe('SELL');
  });

  it('mid-2022 bear market: JPM momentum and AAPL technicals are SELL', async () => {
    const m = await vote(momentumAgent, 'JPM', '2022-06-15');
    expect(m.kind === 'vote' && m.signal).toBe('SELL');
    const t = await vote(technicalAnalyst, 'AAPL', '2022-06-15');
    expect(t.kind === 'vote' && t.signal).toBe('SELL');
    expect(t.kind === 'vote' && t.reasons.join(' ')).toMatch(/death cross/);
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
});
