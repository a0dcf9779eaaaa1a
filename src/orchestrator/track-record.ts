// The track record a signal carries: what the consensus and each agent called on the symbol before its as-of time, and how it turned out.
import { ownVote } from '../agents/agent.js';
import type { EvidenceSet } from '../evidence/book.js';
import type { StockSample } from '../evidence/samples.js';
import type { AgentInfo, CallRecord, TrackRecord } from '../protocol/messages.js';
import { consensus, evidenceWeight, type AgentOutcome, type ConsensusConfig } from './consensus.js';

/** Running totals of one caller's directional calls, in the order their outcomes became known. */
interface Tally {
  calls: number[];
  hits: number[];
  excessSum: number[];
  excessCount: number[];
}

interface SymbolHistory {
  /** Day each outcome became known, ascending; tallies are cumulative at each index. */
  known: string[];
  first: string[];
  consensus: Tally;
  agents: Map<string, Tally>;
}

const emptyTally = (): Tally => ({ calls: [], hits: [], excessSum: [], excessCount: [] });

/** Adds a call to a tally: a BUY or SELL counts once SPY's return over its days is known, and is right when it beat (BUY) or trailed (SELL) SPY. */
function push(tally: Tally, signal: string | undefined, sample: StockSample): void {
  const k = tally.calls.length - 1;
  const direction = signal === 'BUY' ? 1 : signal === 'SELL' ? -1 : 0;
  const excess = direction === 0 || sample.excess === null ? null : direction * sample.excess;
  tally.calls.push((tally.calls[k] ?? 0) + (excess === null ? 0 : 1));
  tally.hits.push((tally.hits[k] ?? 0) + (excess !== null && excess > 0 ? 1 : 0));
  tally.excessSum.push((tally.excessSum[k] ?? 0) + (excess ?? 0));
  tally.excessCount.push((tally.excessCount[k] ?? 0) + (excess === null ? 0 : 1));
}

function recordAt(tally: Tally | undefined, end: number, horizon: number): CallRecord {
  const at = (xs: number[] | undefined) => (end === 0 || xs === undefined ? 0 : xs[end - 1]!);
  const calls = at(tally?.calls);
  const excessCount = at(tally?.excessCount);
  return {
    horizon_days: horizon,
    calls,
    hit_rate: calls === 0 ? null : at(tally?.hits) / calls,
    mean_excess_return: excessCount === 0 ? null : at(tally?.excessSum) / excessCount,
  };
}

/** Samples in the order their outcomes became known (as the evidence store keeps them, so mostly no sort). */
function byKnown(samples: readonly StockSample[]): readonly StockSample[] {
  const sorted = samples.every((s, i) => i === 0 || samples[i - 1]!.known <= s.known);
  return sorted ? samples : [...samples].sort((x, y) => (x.known < y.known ? -1 : x.known > y.known ? 1 : 0));
}

/**
 * Replays each past call of a symbol as it was made: each agent's own call (`ownVote` of its score), and the
 * consensus (with this configuration) of those calls under the evidence of that month. Agents without a record
 * over the history (no horizon) have no past calls. Memoised per symbol; a record as of a time is a binary search.
 */
export class TrackRecords {
  private readonly histories = new Map<string, SymbolHistory>();

  constructor(
    private readonly source: EvidenceSet,
    private readonly config: ConsensusConfig,
    private readonly agents: readonly (AgentInfo & { scope?: 'stock' | 'market' })[],
  ) {}

  private history(symbol: string): SymbolHistory {
    const cached = this.histories.get(symbol);
    if (cached) return cached;
    const samples = byKnown(this.source.samplesOf(symbol));
    const history: SymbolHistory = { known: [], first: [], consensus: emptyTally(), agents: new Map(this.agents.map((a) => [a.id, emptyTally()])) };
    const tallies = this.agents.map((a) => history.agents.get(a.id)!);
    for (const sample of samples) {
      const votes = this.agents.map((a) => {
        const score = sample.scores[a.id];
        return score === undefined ? undefined : ownVote(score);
      });
      // Literals, not spreads: this runs for every past day of the symbol, mostly before the code is optimised.
      const outcomes = this.agents.map((a, i): AgentOutcome => {
        const vote = votes[i];
        const scope = a.scope ?? 'stock';
        return vote === undefined
          ? { id: a.id, name: a.name, scope, reasons: [], status: 'abstained', confidence: 0 }
          : { id: a.id, name: a.name, scope, reasons: [], status: 'voted', signal: vote.signal, confidence: vote.confidence };
      });
      const result = consensus(outcomes, this.config, this.source.book.weightsAt(sample.date));
      history.known.push(sample.known);
      history.first.push(history.first.at(-1) ?? sample.date);
      push(history.consensus, result.kind === 'signal' ? result.action : undefined, sample);
      votes.forEach((vote, i) => push(tallies[i]!, vote?.signal, sample));
    }
    this.histories.set(symbol, history);
    return history;
  }

  /**
   * The record of `symbol` as of `asOf`: the calls whose outcome was known by that day. `outcomes` are the
   * analysis's own agent outcomes, for each agent's weight in it.
   */
  at(symbol: string, asOf: string, outcomes: readonly AgentOutcome[]): TrackRecord {
    const history = this.history(symbol);
    const day = asOf.slice(0, 10);
    let lo = 0;
    let hi = history.known.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (history.known[mid]! <= day) lo = mid + 1;
      else hi = mid;
    }
    const horizon = this.source.book.horizon;
    const month = this.source.book.weightsAt(asOf);
    const weightOf = (o: AgentOutcome) =>
      this.config.method === 'evidence' ? evidenceWeight(o, this.config, month) : (this.config.weights[o.id] ?? this.config.defaultWeight);
    return {
      symbol,
      since: lo === 0 ? null : history.first[lo - 1]!,
      consensus: recordAt(history.consensus, lo, horizon),
      agents: Object.fromEntries(outcomes.map((o) => [o.id, { ...recordAt(history.agents.get(o.id), lo, horizon), weight: weightOf(o) }])),
    };
  }
}
