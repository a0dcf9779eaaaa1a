// TechnicalAnalyst: RSI, MACD, the SMA 20/50/200 stack and crosses, Bollinger position and volume, via trading-signals.
import { ATR, BollingerBands, EMA, MACD, RSI, SMA } from 'trading-signals';
import type { Bar, MarketSnapshot } from '../market/types.js';
import { cents, clamp, round, scoreToVote, type Agent, type Evidence, type Vote } from './agent.js';

const MIN_BARS = 210;
const CROSS_LOOKBACK = 10;

/** Last `n` values of a moving average fed with `closes` (only as much history as it needs). */
function smaTail(closes: number[], interval: number, n: number): number[] {
  const sma = new SMA(interval);
  const out: number[] = [];
  for (const c of closes.slice(-(interval + n - 1))) {
    const v = sma.add(c);
    if (v !== null) out.push(v);
  }
  return out;
}

/** Average true range over `interval` days, from the last bars. */
export function atr(bars: Bar[], interval = 14): number | null {
  const indicator = new ATR(interval);
  let value: number | null = null;
  for (const b of bars.slice(-(interval * 5))) value = indicator.add({ high: b.high, low: b.low, close: b.close });
  return value;
}

export function technicalVote(bars: Bar[]): Vote {
  if (bars.length < MIN_BARS) {
    return { kind: 'abstain', reason: `needs ${MIN_BARS} daily bars for the 200-day average, has ${bars.length}` };
  }
  const closes = bars.map((b) => b.close);
  const price = closes[closes.length - 1]!;
  const evidence: Evidence[] = [];

  const rsi = new RSI(14);
  let rsiValue: number | null = null;
  for (const c of closes.slice(-150)) rsiValue = rsi.add(c);
  const r = rsiValue!;
  evidence.push({
    value: r <= 30 ? 1 : r >= 70 ? -1 : (50 - r) / 40,
    weight: 1,
    reason: r <= 30 ? `RSI ${r.toFixed(1)} oversold (<30)` : r >= 70 ? `RSI ${r.toFixed(1)} overbought (>70)` : `RSI ${r.toFixed(1)}`,
  });

  const macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
  let m: { macd: number; signal: number; histogram: number } | null = null;
  for (const c of closes.slice(-200)) m = macd.add(c);
  const hist = m!.histogram;
  evidence.push({
    value: 0.7 * Math.sign(hist) + 0.3 * Math.sign(m!.macd),
    weight: 1,
    reason: `MACD ${hist >= 0 ? 'above' : 'below'} its signal line, ${m!.macd >= 0 ? 'above' : 'below'} zero`,
  });

  const sma20 = smaTail(closes, 20, 1).at(-1)!;
  const sma50s = smaTail(closes, 50, CROSS_LOOKBACK + 1);
  const sma200s = smaTail(closes, 200, CROSS_LOOKBACK + 1);
  const sma50 = sma50s.at(-1)!;
  const sma200 = sma200s.at(-1)!;
  const stack = (Math.sign(price - sma20) + Math.sign(sma20 - sma50) + Math.sign(sma50 - sma200)) / 3;
  evidence.push({
    value: stack,
    weight: 1.5,
    reason:
      stack === 1
        ? 'price > SMA20 > SMA50 > SMA200: uptrend'
        : stack === -1
          ? 'price < SMA20 < SMA50 < SMA200: downtrend'
          : `price ${price > sma200 ? 'above' : 'below'} SMA200, averages mixed`,
  });

  let cross = 0;
  for (let i = 1; i < sma50s.length; i++) {
    const before = sma50s[i - 1]! - sma200s[i - 1]!;
    const after = sma50s[i]! - sma200s[i]!;
    if (before <= 0 && after > 0) cross = 1;
    if (before >= 0 && after < 0) cross = -1;
  }
  evidence.push({
    value: cross,
    weight: 1,
    reason:
      cross === 1
        ? 'golden cross (SMA50 over SMA200) in the last 10 days'
        : cross === -1
          ? 'death cross (SMA50 under SMA200) in the last 10 days'
          : undefined,
  });

  const bb = new BollingerBands(20, 2);
  let band: { lower: number; middle: number; upper: number } | null = null;
  for (const c of closes.slice(-20)) band = bb.add(c);
  const percentB = (price - band!.lower) / (band!.upper - band!.lower || 1);
  evidence.push({
    value: percentB <= 0 ? 1 : percentB >= 1 ? -1 : clamp((0.5 - percentB) * 0.5),
    weight: 0.75,
    reason: percentB <= 0 ? 'price at or below the lower Bollinger band' : percentB >= 1 ? 'price at or above the upper Bollinger band' : undefined,
  });

  const volumes = bars.slice(-21, -1).map((b) => b.volume);
  const avgVolume = volumes.reduce((a, b) => a + b, 0) / volumes.length;
  const volumeRatio = avgVolume > 0 ? bars.at(-1)!.volume / avgVolume : 1;
  const dayMove = Math.sign(price - closes[closes.length - 2]!);
  evidence.push({
    value: volumeRatio >= 2 ? dayMove : 0,
    weight: 0.5,
    reason: volumeRatio >= 2 ? `volume ${volumeRatio.toFixed(1)}x its 20-day average on a ${dayMove >= 0 ? 'rising' : 'falling'} day` : undefined,
  });

  return scoreToVote(evidence, {
    price: cents(price),
    rsi: round(r, 2),
    macd: round(m!.macd),
    macd_signal: round(m!.signal),
    macd_histogram: round(hist),
    sma20: cents(sma20),
    sma50: cents(sma50),
    sma200: cents(sma200),
    bollinger_upper: cents(band!.upper),
    bollinger_lower: cents(band!.lower),
    bollinger_percent_b: round(percentB),
    volume_ratio: round(volumeRatio),
    price_vs_sma200: round(price / sma200 - 1),
  });
}

export const technicalAnalyst: Agent = {
  id: 'technical',
  name: 'TechnicalAnalyst',
  analyze: (snapshot: MarketSnapshot) => technicalVote(snapshot.bars),
};
