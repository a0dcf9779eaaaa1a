// TechnicalAnalyst: the trend of the price against its 10-month average and its nearness to the 52-week high.
import { ATR, SMA } from 'trading-signals';
import { BAR_WINDOW } from '../market/snapshot.js';
import type { Bar, PriceColumns, MarketSnapshot, SymbolHistory } from '../market/types.js';
import { CALL_HORIZON, cents, clamp, pct, round, scoreToVote, type Agent, type Evidence, type Vote } from './agent.js';

/** Ten months of trading days: Faber's 10-month moving average, on daily closes. */
const TREND_DAYS = 210;
const YEAR = 252;
const MIN_BARS = YEAR;

/** Average true range over `interval` days, from the last bars. */
export function atr(bars: Bar[], interval = 14): number | null {
  const indicator = new ATR(interval);
  let value: number | null = null;
  for (const b of bars.slice(-(interval * 5))) value = indicator.add({ high: b.high, low: b.low, close: b.close });
  return value;
}

/** `atr` of the window of columns that ends before `end` and starts no earlier than `start`: the same numbers, from columns. */
export function atrOf(bars: Pick<PriceColumns, 'high' | 'low' | 'close'>, start: number, end: number, interval = 14): number | null {
  const indicator = new ATR(interval);
  let value: number | null = null;
  for (let j = Math.max(start, end - interval * 5); j < end; j++)
    value = indicator.add({ high: bars.high[j]!, low: bars.low[j]!, close: bars.close[j]! });
  return value;
}

/**
 * Two published trend rules, each a piece of evidence in [-1, 1]:
 * - the trend filter of Faber (2007, "A Quantitative Approach to Tactical Asset Allocation", Journal of Wealth
 *   Management): above the 10-month average is invested, below is out; here the distance from the average in
 *   units of 5%, squashed by tanh, so the sign is Faber's rule and the size how clearly it holds;
 * - nearness to the 52-week high (George & Hwang 2004, "The 52-Week High and Momentum Investing", Journal of
 *   Finance): prices near their high tend to keep rising; 1 at the high, 0 at 15% below it, -1 at 30% below.
 * It speaks to the next month (21 trading days), the horizon its calibration judges it at.
 */
export function technicalVote(bars: Bar[]): Vote {
  if (bars.length < MIN_BARS) return tooShort(bars.length);
  const closes = bars.map((b) => b.close);
  const sma = new SMA(TREND_DAYS);
  let average: number | null = null;
  for (const c of closes.slice(-TREND_DAYS)) average = sma.add(c);
  return technicalOf(closes.at(-1)!, average!, Math.max(...bars.slice(-YEAR).map((b) => b.high)));
}

const tooShort = (bars: number): Vote => ({ kind: 'abstain', reason: `needs ${MIN_BARS} daily bars for the 52-week high, has ${bars}` });

/** The vote from the last close, its 10-month average and the 52-week high. */
function technicalOf(price: number, average: number, high: number): Vote {
  const trend = price / average - 1;
  const nearness = price / high;
  const evidence: Evidence[] = [
    {
      value: Math.tanh(trend / 0.05),
      weight: 1,
      reason: `price ${pct(Math.abs(trend))} ${trend >= 0 ? 'above' : 'below'} its 10-month average`,
    },
    {
      value: clamp((nearness - 0.85) / 0.15),
      weight: 1,
      reason: nearness >= 0.999 ? 'at its 52-week high' : `${pct(1 - nearness)} below its 52-week high`,
    },
  ];
  return scoreToVote(evidence, {
    price: cents(price),
    sma_10m: cents(average),
    price_vs_sma_10m: round(trend),
    high_52w: cents(high),
    nearness_52w_high: round(nearness),
  });
}

/**
 * `technicalVote` along a history: one moving average fed each close once (the library's own, so the same numbers),
 * and the 52-week high kept by a queue of the highs that can still be the maximum.
 */
function walkTechnical(history: SymbolHistory): (i: number) => Vote {
  const { close, high } = history.bars;
  const sma = new SMA(TREND_DAYS);
  let fed = -1;
  let average: number | null = null;
  const peaks: number[] = [];
  let head = 0;
  let seen = -1;
  return (i) => {
    const bars = Math.min(i + 1, BAR_WINDOW);
    if (bars < MIN_BARS) return tooShort(bars);
    for (let j = Math.max(fed + 1, i + 1 - TREND_DAYS); j <= i; j++) average = sma.add(close[j]!);
    fed = i;
    for (let j = Math.max(seen + 1, i + 1 - YEAR); j <= i; j++) {
      while (peaks.length > head && high[peaks.at(-1)!]! <= high[j]!) peaks.pop();
      peaks.push(j);
    }
    seen = i;
    while (peaks[head]! <= i - YEAR) head += 1;
    return technicalOf(close[i]!, average!, high[peaks[head]!]!);
  };
}

export const technicalAnalyst: Agent = {
  id: 'technical',
  name: 'TechnicalAnalyst',
  horizon: CALL_HORIZON,
  analyze: (snapshot: MarketSnapshot) => technicalVote(snapshot.bars),
  fromBars: technicalVote,
  walk: walkTechnical,
};
