// TechnicalAnalyst on constructed price series where the right vote is known.
import { describe, expect, it } from 'vitest';
import { technicalVote } from '../../src/agents/technical.js';
import { barsFrom, trend } from '../helpers/series.js';

describe('TechnicalAnalyst on constructed series', () => {
  it('votes BUY in an oscillating uptrend (averages stacked up, MACD above signal)', () => {
    const closes = trend(300, 0.003);
    // end on an upswing so MACD is above its signal line
    const vote = technicalVote(barsFrom(closes.slice(0, 292)));
    expect(vote.kind).toBe('vote');
    if (vote.kind !== 'vote') return;
    expect(vote.indicators.sma20).toBeGreaterThan(vote.indicators.sma50 as number);
    expect(vote.indicators.sma50).toBeGreaterThan(vote.indicators.sma200 as number);
    expect(vote.signal).toBe('BUY');
    expect(vote.reasons.join(' ')).toMatch(/uptrend/);
  });

  it('votes SELL in an oscillating downtrend, on a down-leg', () => {
    const vote = technicalVote(barsFrom(trend(281, -0.003)));
    expect(vote.kind === 'vote' && vote.signal).toBe('SELL');
  });

  it('reports RSI oversold and the lower band after a sharp fall', () => {
    const closes = [...Array.from({ length: 250 }, () => 100), ...Array.from({ length: 12 }, (_, i) => 100 * 0.97 ** (i + 1))];
    const vote = technicalVote(barsFrom(closes));
    expect(vote.kind).toBe('vote');
    if (vote.kind !== 'vote') return;
    expect(vote.indicators.rsi as number).toBeLessThan(30);
    expect(vote.indicators.bollinger_percent_b as number).toBeLessThan(0.1);
    expect(vote.signal).toBe('SELL');
  });

  it('detects a golden cross', () => {
    const closes = [...Array.from({ length: 220 }, (_, i) => 200 - i * 0.4), ...Array.from({ length: 60 }, (_, i) => 112 + i * 2.2)];
    let crossed = false;
    for (let end = 240; end <= closes.length && !crossed; end++) {
      const vote = technicalVote(barsFrom(closes.slice(0, end)));
      crossed = vote.kind === 'vote' && vote.reasons.some((r) => r.includes('golden cross'));
    }
    expect(crossed).toBe(true);
  });

  it('abstains without 210 bars', () => {
    const vote = technicalVote(barsFrom(trend(100, 0.001)));
    expect(vote).toMatchObject({ kind: 'abstain' });
    expect(vote.kind === 'abstain' && vote.reason).toMatch(/210/);
  });
});
