// The track record a signal carries: what the consensus and each agent called on the symbol before its as-of time, and how it turned out.
import { ownVote } from '../agents/agent.js';
import type { CallRecord, TrackRecord } from '../protocol/messages.js';
import { readScore, type Calibration, type CalibrationSample } from './calibration.js';
import { calibratedWeight, consensus, type AgentOutcome, type ConsensusConfig } from './consensus.js';

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

function push(tally: Tally, signal: string | undefined, sample: CalibrationSample): void {
  const k = tally.calls.length;
  const before = (xs: number[]) => (k === 0 ? 0 : xs[k - 1]!);
  const direction = signal === 'BUY' ? 1 : signal === 'SELL' ? -1 : 0;
  tally.calls.push(before(tally.calls) + (direction === 0 ? 0 : 1));
  tally.hits.push(before(tally.hits) + (direction !== 0 && direction * sample.forward > 0 ? 1 : 0));
  const excess = direction !== 0 && sample.excess !== null;
  tally.excessSum.push(before(tally.excessSum) + (excess ? direction * sample.excess! : 0));
  tally.excessCount.push(before(tally.excessCount) + (excess ? 1 : 0));
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

/**
 * Replays each past call of a symbol as it was made: each month's calibration, each calibrated agent's reading
 * of its score, and the consensus (with this configuration) of those readings. The consensus's record is that of
 * its published calls. An agent's is that of its own rule (the call its raw score makes, `ownVote`), which is
 * what its calibration judges: an agent whose record shows no information publishes no call, and its record
 * shows why. Agents that are not calibrated have no past calls. Memoised per symbol; a record as of a time is a binary search.
 */
export class TrackRecords {
  private readonly histories = new Map<string, SymbolHistory>();

  constructor(
    private readonly calibration: Calibration,
    private readonly config: ConsensusConfig,
    private readonly agents: readonly { id: string; name: string }[],
  ) {}

  private history(symbol: string): SymbolHistory {
    const cached = this.histories.get(symbol);
    if (cached) return cached;
    const samples = this.calibration.samples.filter((s) => s.symbol === symbol).sort((x, y) => (x.known < y.known ? -1 : x.known > y.known ? 1 : 0));
    const history: SymbolHistory = { known: [], first: [], consensus: emptyTally(), agents: new Map(this.agents.map((a) => [a.id, emptyTally()])) };
    for (const sample of samples) {
      const fit = this.calibration.fitAt(sample.date);
      if (fit === null) continue;
      const outcomes = this.agents.map((a): AgentOutcome => {
        const score = sample.scores[a.id];
        if (score === undefined) return { id: a.id, name: a.name, status: 'abstained', confidence: 0, reasons: [] };
        const reading = readScore(fit, a.id, score);
        return { id: a.id, name: a.name, status: 'voted', reasons: [], ...reading };
      });
      const result = consensus(outcomes, this.config, fit.baseRate);
      history.known.push(sample.known);
      history.first.push(history.first.at(-1) ?? sample.date);
      push(history.consensus, result.kind === 'signal' ? result.action : undefined, sample);
      for (const a of this.agents) {
        const score = sample.scores[a.id];
        push(history.agents.get(a.id)!, score === undefined ? undefined : ownVote(score).signal, sample);
      }
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
    const horizon = this.calibration.horizon;
    const weightOf = (o: AgentOutcome) =>
      this.config.method === 'calibrated' ? calibratedWeight(o, this.config) : (this.config.weights[o.id] ?? this.config.defaultWeight);
    return {
      symbol,
      since: lo === 0 ? null : history.first[lo - 1]!,
      consensus: recordAt(history.consensus, lo, horizon),
      agents: Object.fromEntries(outcomes.map((o) => [o.id, { ...recordAt(history.agents.get(o.id), lo, horizon), weight: weightOf(o) }])),
    };
  }
}
