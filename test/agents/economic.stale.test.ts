// The economic agent states how old its newest macro observation is, and abstains when the bundled series are too old for the as-of.
import { describe, expect, it } from 'vitest';
import { economicAnalysis, MACRO_STALE_DAYS } from '../../src/agents/economic.js';
import { snapshotAt } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';

const store = new MarketStore();

describe('economic agent and stale macro data', () => {
  it('votes within the bundled data, saying how old the latest observation is', () => {
    const vote = economicAnalysis(snapshotAt(store, 'AAPL', '2025-06-13T20:30:00.000Z'));
    expect(vote.kind).toBe('vote');
    if (vote.kind !== 'vote') return;
    expect(vote.reasons.at(-1)).toMatch(/^latest macro observation 2025-06-1[23] \([01] days old\)$/);
    expect(vote.indicators.macro_age_days).toBeLessThanOrEqual(1);
  });

  it('abstains, naming the age, when the as-of is far past the end of the series (today, without FRED_API_KEY)', () => {
    const latest = [store.macro('T10Y2Y').at(-1)!.date, store.macro('VIX').at(-1)!.date].sort().at(-1)!;
    const asOf = new Date(Date.parse(`${latest}T00:00:00Z`) + (MACRO_STALE_DAYS + 10) * 86_400_000).toISOString();
    const vote = economicAnalysis(snapshotAt(store, 'AAPL', asOf));
    expect(vote).toMatchObject({ kind: 'abstain', indicators: { macro_age_days: MACRO_STALE_DAYS + 10 } });
    if (vote.kind === 'abstain')
      expect(vote.reason).toMatch(new RegExp(`^latest macro observation \\d{4}-\\d{2}-\\d{2}, ${MACRO_STALE_DAYS + 10} days before .*FRED_API_KEY`));
  });
});
