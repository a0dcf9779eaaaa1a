// What a history page or a recovery marks as lost: the seq ranges of a symbol the signal log no longer has, within a span.
import { MAX_MISSING_RANGES, type SeqRange } from '../protocol/messages.js';
import type { SignalLog } from './signal-log.js';

/**
 * The seq ranges of `symbol` after `after` and up to `upTo` that `log` lost (a removed or damaged segment),
 * clipped to that span, in order, at most MAX_MISSING_RANGES of them.
 * @example missingSeqs(log, 'AAPL', 5500, 6400) // [{ from: 5501, to: 6000 }] when segment 5001-6000 is gone
 */
export function missingSeqs(log: Pick<SignalLog, 'gaps'>, symbol: string, after: number, upTo: number): SeqRange[] {
  return log
    .gaps(symbol)
    .filter((g) => g.to > after && g.from <= upTo)
    .slice(0, MAX_MISSING_RANGES)
    .map((g) => ({ from: Math.max(g.from, after + 1), to: Math.min(g.to, upTo) }));
}
