// TechnicalAnalyst on constructed price series where the right vote is known.
import { describe, expect, it } from 'vitest';
import { technicalVote } from '../../src/agents/technical.js';
import { barsFrom, trend } from '../helpers/series.js';

describe('TechnicalAnalyst on constructed series', () => {
  it('votes BUY in an uptrend: above its 10-month average and near its 52-week high', () => {
    const vote = technicalVote(barsFrom(trend(300, 0.003)));
    expect(vote.kind).toBe('vote');
    if (vote.kind !== 'vote') return;
    expect(vote.indicators.price_vs_sma_10m as number).toBeGreaterThan(0);
    expect(vote.indicators.nearness_52w_high as number).toBeGreaterThan(0.9);
    expect(vote.signal).toBe('BUY');
    expect(vote.score).toBeGreaterThan(0.2);
  });

  it('votes SELL in a downtrend, far under its high', () => {
    const vote = technicalVote(barsFrom(trend(300, -0.003)));
    expect(vote.kind === 'vote' && vote.signal).toBe('SELL');
    expect(vote.kind === 'vote' && vote.reasons.join(' ')).toMatch(/below its 10-month average/);
  });

  it('measures the 10-month average over 210 closes and the high over 252 days', () => {
    const closes = [...Array.from({ length: 40 }, () => 300), ...Array.from({ length: 260 }, () => 100)];
    const vote = technicalVote(barsFrom(closes));
    expect(vote.kind === 'vote' && vote.indicators.sma_10m).toBe(100);
    // barsFrom's highs sit just above the close; the 300 plateau is more than 252 days back
    expect(vote.kind === 'vote' && (vote.indicators.high_52w as number)).toBeLessThan(102);
  });

  it('abstains without 252 bars', () => {
    expect(technicalVote(barsFrom(trend(251, 0.001)))).toMatchObject({ kind: 'abstain' });
  });
});
