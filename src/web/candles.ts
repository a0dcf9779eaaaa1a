// What the chart draws for a symbol, apart from the DOM: candles of the prices the page has seen, the calls as markers, each agent's votes, the latest call's levels.
import { actionOf, publicationTime, type Minute, type Publication } from './model.js';

/** Candle sizes the chart picks from (seconds): the smallest that keeps the candles under MAX_CANDLES. */
const DAY = 86_400;
const BUCKETS = [60, 300, 900, 1800, 3600, DAY] as const;
export const MAX_CANDLES = 160;

export interface Candle {
  /** Seconds since the epoch at the start of the candle (what the chart's time scale takes). */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

export interface Marker {
  time: number;
  action: 'BUY' | 'SELL';
  seq: number;
}

export interface Vote {
  time: number;
  /** BUY, SELL, HOLD, ABSTAINED or FAILED. */
  signal: string;
  confidence: number;
}

export interface ChartData {
  /** Seconds per candle. */
  bucket: number;
  candles: Candle[];
  markers: Marker[];
  /** Per agent id, its vote in the last analysis of each candle. */
  votes: Map<string, Vote[]>;
  /** The latest publication's target and stop, when it is a BUY or SELL. */
  levels?: { action: 'BUY' | 'SELL'; target: number; stop: number };
}

/**
 * The publications of the replay (or server run) now going: those after the last time their as-of went back. A
 * looping replay starts again at its first day, and so does a restarted server's; within one, a symbol's analyses
 * run one at a time and their as-of times never go back.
 */
export function currentRun(publications: Publication[]): Publication[] {
  let start = 0;
  for (let i = 1; i < publications.length; i++) if (publicationTime(publications[i]!) < publicationTime(publications[i - 1]!)) start = i;
  return publications.slice(start);
}

/** The smallest bucket that puts the times into at most MAX_CANDLES candles. */
export function chooseBucket(times: number[]): number {
  for (const bucket of BUCKETS) {
    const keys = new Set(times.map((t) => Math.floor(t / bucket)));
    if (keys.size <= MAX_CANDLES) return bucket;
  }
  return DAY;
}

const bucketOf = (seconds: number, bucket: number) => Math.floor(seconds / bucket) * bucket;

/** Each agent's vote in a publication: a signal's agent details, or a NO_SIGNAL's summary; none in an ERROR. */
function votesOf(p: Publication): [string, { signal: string; confidence: number }][] {
  if (p.type === 'signal_update') return Object.entries(p.data.agents_consensus.agent_details);
  return p.data.decision.action === 'NO_SIGNAL' ? Object.entries(p.data.decision.agent_summary) : [];
}

/**
 * The chart of one symbol from its quotes by minute and its publications (in seq order). Candles hold every price
 * seen: the quotes, and each publication's price at its as-of time (before the page opened, those are all there
 * is). Publications of an earlier run, and any later than the newest quote, are left out: they are not this run's.
 * @example chartData(minutes, publications).markers // [{ time: 1751990400, action: 'BUY', seq: 12 }]
 */
export function chartData(minutes: Minute[], all: Publication[]): ChartData {
  const newest = minutes[minutes.length - 1];
  const clock = newest === undefined ? Infinity : (newest.time + 60) * 1000;
  const run = currentRun(all).filter((p) => publicationTime(p) < clock);
  const points: Minute[] = [...minutes];
  for (const p of run) {
    const price = p.data.price;
    if (price !== undefined) points.push({ time: Math.floor(publicationTime(p) / 1000), open: price, high: price, low: price, close: price });
  }
  points.sort((a, b) => a.time - b.time);
  const bucket = chooseBucket(points.map((p) => p.time));
  const candles: Candle[] = [];
  for (const point of points) {
    const time = bucketOf(point.time, bucket);
    const last = candles[candles.length - 1];
    if (last && last.time === time) {
      last.high = Math.max(last.high, point.high);
      last.low = Math.min(last.low, point.low);
      last.close = point.close;
    } else candles.push({ time, open: point.open, high: point.high, low: point.low, close: point.close });
  }
  const markers: Marker[] = [];
  const votes = new Map<string, Vote[]>();
  for (const p of run) {
    const time = bucketOf(Math.floor(publicationTime(p) / 1000), bucket);
    const action = actionOf(p);
    if ((action === 'BUY' || action === 'SELL') && p.data.seq !== undefined) markers.push({ time, action, seq: p.data.seq });
    for (const [agent, vote] of votesOf(p)) {
      const list = votes.get(agent) ?? [];
      if (list[list.length - 1]?.time === time) list.pop();
      list.push({ time, signal: vote.signal, confidence: vote.confidence });
      votes.set(agent, list);
    }
  }
  const latest = all[all.length - 1];
  const levels =
    latest?.type === 'signal_update' &&
    (latest.data.action === 'BUY' || latest.data.action === 'SELL') &&
    latest.data.metadata.target_price !== undefined &&
    latest.data.metadata.stop_loss !== undefined
      ? { action: latest.data.action, target: latest.data.metadata.target_price, stop: latest.data.metadata.stop_loss }
      : undefined;
  return { bucket, candles, markers, votes, ...(levels ? { levels } : {}) };
}
