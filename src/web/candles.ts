// What the chart draws for a symbol, apart from the DOM: daily candles of its bars and of the session the live quotes trade, the calls as markers, each agent's votes, the latest call's levels.
import type { DailyBar } from '../protocol/bars.js';
import { marketTime } from './format.js';
import { actionOf, publicationTime, type Minute, type Publication } from './model.js';

/** Daily bars the page reads for a symbol's chart: about eight months of sessions. */
export const BARS_SHOWN = 160;

export interface Candle {
  /** The day at 00:00 UTC, in seconds since the epoch: how the chart's time scale takes a business day. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
}

/** The calls of one action on one day: one marker, however many (a replay plays a session a minute). */
export interface Marker {
  time: number;
  action: 'BUY' | 'SELL';
  /** The day's last call of the action. */
  seq: number;
  count: number;
}

export interface Vote {
  time: number;
  /** BUY, SELL, HOLD, ABSTAINED or FAILED. */
  signal: string;
  confidence: number;
}

export interface ChartData {
  candles: Candle[];
  markers: Marker[];
  /** Per agent id, its vote in the last analysis of each day. */
  votes: Map<string, Vote[]>;
  /** The latest publication's target and stop, when it is a BUY or SELL. */
  levels?: { action: 'BUY' | 'SELL'; target: number; stop: number };
}

/** A day (YYYY-MM-DD) as the chart's time. */
export const dayTime = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 1000;
/** The trading day of a market time (ms): New York's date. */
export const marketDay = (ms: number): string => marketTime(ms).slice(0, 10);

/**
 * Whether the bars end after the day of the newest quote: the market clock went back (a replay that started again,
 * or a server restarted at another time), so the bars must be read again.
 */
export function barsAhead(bars: readonly DailyBar[], minutes: readonly Minute[]): boolean {
  const last = bars[bars.length - 1];
  const newest = minutes[minutes.length - 1];
  return last !== undefined && newest !== undefined && last.date > marketDay(newest.time * 1000);
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

/** Each agent's vote in a publication: a signal's agent details, or a NO_SIGNAL's summary; none in an ERROR. */
function votesOf(p: Publication): [string, { signal: string; confidence: number }][] {
  if (p.type === 'signal_update') return Object.entries(p.data.agents_consensus.agent_details);
  return p.data.decision.action === 'NO_SIGNAL' ? Object.entries(p.data.decision.agent_summary) : [];
}

/** The candles of the bars up to `today`, then of the quotes: they carry on the session's bar so far, or start the next. */
function candlesOf(bars: readonly DailyBar[], minutes: readonly Minute[], today: string | undefined): Candle[] {
  const shown = today === undefined ? bars : bars.filter((b) => b.date <= today);
  const candles: Candle[] = shown.map((b) => ({ time: dayTime(b.date), open: b.open, high: b.high, low: b.low, close: b.close }));
  // A closed bar is its day's whole record: quotes of that day add nothing. The session's bar so far (partial) goes on with them.
  const lastBar = shown[shown.length - 1];
  const from = lastBar === undefined ? -Infinity : dayTime(lastBar.date) + (lastBar.partial ? 0 : 1);
  for (const m of minutes) {
    const time = dayTime(marketDay(m.time * 1000));
    if (time < from) continue;
    const last = candles[candles.length - 1];
    if (last && last.time === time) {
      last.high = Math.max(last.high, m.high);
      last.low = Math.min(last.low, m.low);
      last.close = m.close;
    } else candles.push({ time, open: m.open, high: m.high, low: m.low, close: m.close });
  }
  return candles;
}

/**
 * The chart of one symbol from its daily bars (the server's market history, oldest first), its quotes by minute and
 * its publications (in seq order). Publications of an earlier run, later than the newest quote, or on a day the
 * candles do not reach are left out.
 * @example chartData(bars, minutes, publications).markers // [{ time: 1751932800, action: 'BUY', seq: 12, count: 2 }]
 */
export function chartData(bars: readonly DailyBar[], minutes: readonly Minute[], all: Publication[]): ChartData {
  const newest = minutes[minutes.length - 1];
  const clock = newest === undefined ? Infinity : (newest.time + 60) * 1000;
  const candles = candlesOf(bars, minutes, newest === undefined ? undefined : marketDay(newest.time * 1000));
  const days = new Set(candles.map((c) => c.time));
  const markers: Marker[] = [];
  const votes = new Map<string, Vote[]>();
  for (const p of currentRun(all)) {
    const at = publicationTime(p);
    const time = dayTime(marketDay(at));
    if (at >= clock || !days.has(time)) continue;
    const action = actionOf(p);
    if ((action === 'BUY' || action === 'SELL') && p.data.seq !== undefined) {
      const same = markers.find((m) => m.time === time && m.action === action);
      if (same) Object.assign(same, { seq: p.data.seq, count: same.count + 1 });
      else markers.push({ time, action, seq: p.data.seq, count: 1 });
    }
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
  return { candles, markers, votes, ...(levels ? { levels } : {}) };
}
