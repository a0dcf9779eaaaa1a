// Momentum: 1/3/6/12-month returns (12-month skips the last month) and relative strength against SPY.
import type { Bar, MarketSnapshot } from '../market/types.js';
import { pct, round, scoreToVote, type Agent, type Evidence, type Indicators, type Vote } from './agent.js';

const MONTH = 21;
const YEAR = 252;

const ret = (closes: number[], from: number, to = 0) => closes[closes.length - 1 - to]! / closes[closes.length - 1 - from]! - 1;

/**
 * Each horizon's return is squashed with tanh(return / scale), the scale being a typical absolute
 * return at that horizon, so a normal move counts about 0.76 and an extreme one saturates at 1.
 */
export function momentumVote(bars: Bar[], benchmark: Bar[]): Vote {
  if (bars.length < YEAR + 1) {
    return { kind: 'abstain', reason: `needs ${YEAR + 1} daily bars for 12-month momentum, has ${bars.length}` };
  }
  const closes = bars.map((b) => b.close);
  const r1 = ret(closes, MONTH);
  const r3 = ret(closes, 3 * MONTH);
  const r6 = ret(closes, 6 * MONTH);
  const r12 = ret(closes, YEAR, MONTH);
  const evidence: Evidence[] = [
    { value: Math.tanh(r12 / 0.2), weight: 0.35, reason: `12-1 month return ${pct(r12)}` },
    { value: Math.tanh(r6 / 0.12), weight: 0.25, reason: `6-month return ${pct(r6)}` },
    { value: Math.tanh(r3 / 0.08), weight: 0.15, reason: `3-month return ${pct(r3)}` },
    { value: Math.tanh(r1 / 0.05), weight: 0.1, reason: `1-month return ${pct(r1)}` },
  ];
  const indicators: Indicators = {
    return_1m: round(r1),
    return_3m: round(r3),
    return_6m: round(r6),
    return_12_1m: round(r12),
  };
  if (benchmark.length > 6 * MONTH) {
    const bench = benchmark.map((b) => b.close);
    const rs = r6 - ret(bench, 6 * MONTH);
    indicators.relative_strength_6m = round(rs);
    evidence.push({
      value: Math.tanh(rs / 0.1),
      weight: 0.25,
      reason: `6-month return ${rs >= 0 ? 'beats' : 'trails'} SPY by ${pct(Math.abs(rs))}`,
    });
  }
  return scoreToVote(evidence, indicators);
}

export const momentumAgent: Agent = {
  id: 'momentum',
  name: 'Momentum',
  analyze: (snapshot: MarketSnapshot) => momentumVote(snapshot.bars, snapshot.benchmark),
};
