// Evidence and the market regime in words for the dashboard: a record's figures and verdict, the regime's readings.
import type { EvidenceData, RegimeData } from '../protocol/messages.js';
import { wrap } from './format.js';

/** The regime's signals in the order the server reports them; others it may add follow. */
const REGIME_ORDER = ['trend', 'volatility', 'curve', 'recession'];

const fixed = (x: number, digits: number) => (Number(x.toFixed(digits)) === 0 ? (0).toFixed(digits) : x.toFixed(digits));
const percent = (x: number) => `${(x * 100).toFixed(1)}%`;
const period = (e: EvidenceData) => (e.since && e.until ? ` ${e.since.slice(0, 7)}..${e.until.slice(0, 7)}` : '');

/**
 * What a confidence is, by the call it is on: the chance that a BUY or SELL is right; HOLD is no call, and its
 * confidence is the likelier side's chance.
 * @example confidenceName('SELL') // 'P(right)'
 */
export const confidenceName = (signal: string) => (signal === 'HOLD' ? 'P(likelier side)' : 'P(right)');

/**
 * A record's figures as short segments, each kept whole when lines are filled:
 * where it was measured, IC with its 95% interval, t, hit rate over calls, the shrunk IC with its prior, the weight.
 * @example evidenceSegments(e) // ['evidence on bundled (29 stocks), 211 months 2006-10..2024-04', 'IC 0.019 [-0.015, 0.053]', 't 1.1', ...]
 */
export function evidenceSegments(e: EvidenceData): string[] {
  const where = e.kind === 'market_timing' ? 'evidence as market timing (SPY vs cash)' : `evidence on ${e.universe}`;
  const segments = [e.months === 0 ? `${where}, no record yet` : `${where}, ${e.months} months${period(e)}`];
  if (e.ic !== null) {
    const interval = e.interval ? ` [${fixed(e.interval[0], 3)}, ${fixed(e.interval[1], 3)}]` : '';
    segments.push(`IC ${fixed(e.ic, 3)}${interval}`);
  }
  if (e.t !== null) segments.push(`t ${fixed(e.t, 1)}`);
  segments.push(e.hit_rate === null ? 'no calls' : `hit ${percent(e.hit_rate)} of ${e.calls} calls`);
  segments.push(`shrunk IC ${fixed(e.shrunk_ic, 3)} (prior ${fixed(e.prior_ic, 3)})`);
  if (e.weight !== undefined) segments.push(`weight ${e.weight.toFixed(3)}${e.kind === 'market_timing' && e.weight === 0 ? ' (market-wide)' : ''}`);
  return segments;
}

/**
 * Segments joined by ` · ` into lines of at most `width`, a segment moving whole to the next line when it does not
 * fit (and wrapped only when it is longer than a line).
 * @example flow(['IC 0.019', 't 1.1'], 80) // ['IC 0.019 · t 1.1']
 */
export function flow(segments: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const segment of segments) {
    const joined = line === '' ? segment : `${line} · ${segment}`;
    if (joined.length <= width) line = joined;
    else {
      if (line !== '') lines.push(line);
      const pieces = wrap(segment, width);
      line = pieces.pop()!;
      lines.push(...pieces);
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

const ordered = (regime: RegimeData) =>
  Object.entries(regime).sort(([a], [b]) => (REGIME_ORDER.indexOf(a) + 1 || 99) - (REGIME_ORDER.indexOf(b) + 1 || 99));

/**
 * The regime in a few words for the header, longest form first: `trend up · VIX 17 calm · curve normal · Sahm clear`,
 * then without the VIX's state, then the trend and the VIX alone. Empty without readings.
 */
export function regimeForms(regime: RegimeData | undefined): string[] {
  if (!regime || Object.keys(regime).length === 0) return [];
  const words = (full: boolean) =>
    ordered(regime).map(([id, r]) => {
      if (id === 'volatility') return `VIX ${r.value.toFixed(0)}${full ? ` ${r.state}` : ''}`;
      if (id === 'recession') return `Sahm ${r.state}`;
      return `${id} ${r.state}`;
    });
  const short = ordered(regime)
    .filter(([id]) => id === 'trend' || id === 'volatility')
    .map(([id, r]) => (id === 'trend' ? `trend ${r.state}` : `VIX ${r.value.toFixed(0)}`));
  return [words(true).join(' · '), words(false).join(' · '), ...(short.length > 0 ? [short.join(' · ')] : [])];
}

/** Each reading of the regime: its state and value (`trend up: SPY vs its 10-month average +13.8%`), then its record's verdict. */
export function regimeReadings(regime: RegimeData): { reading: string; verdict?: string }[] {
  return ordered(regime).map(([id, r]) => {
    // The trend's value is a distance, a percent; the others are read as published (VIX points, percentage points).
    const value = id === 'trend' ? `${r.value >= 0 ? '+' : ''}${percent(r.value)}` : String(r.value);
    return { reading: `${id} ${r.state}: ${r.label} ${value}`, ...(r.evidence ? { verdict: r.evidence.label } : {}) };
  });
}
