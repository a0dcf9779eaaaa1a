// A walk's decisions as columns, and the fast walk that makes them: the agents' incremental forms along each symbol's history.
import { cents, round, type Agent, type Vote } from '../agents/agent.js';
import type { EvidenceSet, MonthEvidence } from '../evidence/book.js';
import type { HistorySource } from '../market/history.js';
import { closeOf } from '../market/publication.js';
import { snapshotAt } from '../market/snapshot.js';
import { benchmarkOf, symbolHistory } from '../market/symbol-history.js';
import type { PriceColumns } from '../market/types.js';
import { consensus, type ConsensusConfig } from '../orchestrator/consensus.js';
import { label, toOutcome, type Settled } from '../orchestrator/orchestrator.js';
import type { ConsensusAction } from './simulate.js';
import type { Decision, Records } from './walk.js';

export const ACTIONS: readonly ConsensusAction[] = ['BUY', 'SELL', 'HOLD', 'NO_SIGNAL'];
export const SIGNALS = ['BUY', 'SELL', 'HOLD', 'ABSTAINED', 'FAILED'] as const;

/** One agent's votes along a walk: the name each ran under (an index into `names`), its signal, confidence and raw score (NaN: none). */
export interface VoteColumns {
  id: string;
  names: string[];
  name: Uint8Array;
  signal: Uint8Array;
  confidence: Float64Array;
  score: Float64Array;
}

/**
 * A walk's decisions as columns, a few dozen bytes a step (a `Decision` object is about 700), so that a universe's
 * millions of steps fit in memory and cross to the main thread as typed arrays. The regime is the same for every
 * symbol on a day and is kept by day, not here; the last step's records are kept whole.
 */
export interface StepColumns {
  /** The bar index of each step. */
  steps: Int32Array;
  /** Index into ACTIONS. */
  action: Uint8Array;
  confidence: Float64Array;
  price: Float64Array;
  agents: VoteColumns[];
  records: Records | undefined;
}

function emptyColumns(steps: readonly number[], agentIds: readonly string[]): StepColumns {
  const n = steps.length;
  return {
    steps: Int32Array.from(steps),
    action: new Uint8Array(n),
    confidence: new Float64Array(n),
    price: new Float64Array(n),
    agents: agentIds.map((id) => ({
      id,
      names: [],
      name: new Uint8Array(n),
      signal: new Uint8Array(n),
      confidence: new Float64Array(n),
      score: new Float64Array(n).fill(NaN),
    })),
    records: undefined,
  };
}

function put(columns: StepColumns, k: number, d: Decision): void {
  columns.action[k] = ACTIONS.indexOf(d.action);
  columns.confidence[k] = d.confidence;
  columns.price[k] = d.price;
  for (const a of columns.agents) {
    const v = d.votes[a.id];
    if (v === undefined) continue;
    let name = a.names.indexOf(v.name);
    if (name < 0) name = a.names.push(v.name) - 1;
    a.name[k] = name;
    a.signal[k] = SIGNALS.indexOf(v.signal as (typeof SIGNALS)[number]);
    a.confidence[k] = v.confidence;
    if (v.score !== undefined) a.score[k] = v.score;
  }
}

/** The columns of a per-step walk's decisions (at bar indices `steps`). */
export function columnsOf(decisions: readonly Decision[], steps: readonly number[]): StepColumns {
  const columns = emptyColumns(steps, Object.keys(decisions[0]?.votes ?? {}));
  decisions.forEach((d, k) => put(columns, k, d));
  columns.records = decisions.at(-1)?.records;
  return columns;
}

/** Step k of the columns as a `Decision` (the regime given by day; the records on the last step). */
export function decisionAt(columns: StepColumns, k: number, date: string, regime: Record<string, string>): Decision {
  const votes: Decision['votes'] = {};
  for (const a of columns.agents) {
    const score = a.score[k]!;
    votes[a.id] = {
      name: a.names[a.name[k]!]!,
      signal: SIGNALS[a.signal[k]!]!,
      confidence: a.confidence[k]!,
      ...(Number.isNaN(score) ? {} : { score }),
    };
  }
  const last = k === columns.steps.length - 1 && columns.records !== undefined;
  return {
    date,
    action: ACTIONS[columns.action[k]!]!,
    confidence: columns.confidence[k]!,
    price: columns.price[k]!,
    votes,
    regime,
    ...(last ? { records: columns.records } : {}),
  };
}

/** Whether every agent can be walked fast: each has an incremental form or is market-wide (run once a day). */
export const canTrack = (agents: readonly Agent[]) => agents.every((a) => a.walk !== undefined || a.scope === 'market');

const settle = (agent: Agent, vote: Vote): Settled => ({ agent, vote, ms: 0 });
const failed = (agent: Agent, error: unknown): Settled => ({ agent, error: error instanceof Error ? error.message : String(error), ms: 0 });

/** An agent's vote at a step, settled as the orchestrator settles it; a promise only when the agent's form returns one. */
function run(agent: Agent, vote: () => Vote | Promise<Vote>): Settled | Promise<Settled> {
  try {
    const v = vote();
    return v instanceof Promise
      ? v.then(
          (x) => settle(agent, x),
          (e: unknown) => failed(agent, e),
        )
      : settle(agent, v);
  } catch (error) {
    return failed(agent, error);
  }
}

const never = new AbortController().signal;

/**
 * The fast walk: each step's decision as `analyze --as-of` makes it (test/backtest/track.test.ts compares them), from
 * the stock agents' incremental forms along the symbol's history, the market-wide agents once a day, the month's
 * evidence and the same consensus, without a snapshot per step. The last step is the full analysis (`last`), whose
 * records the report shows.
 */
export class Tracker {
  private readonly days = new Map<string, Settled[]>();
  private readonly months = new Map<string, MonthEvidence | null>();
  private spy: PriceColumns | null | undefined;

  constructor(
    private readonly source: HistorySource,
    private readonly agents: readonly Agent[],
    private readonly config: ConsensusConfig,
    private readonly evidence: EvidenceSet,
  ) {
    if (!canTrack(agents)) throw new Error('an agent has neither an incremental form nor a market-wide scope');
  }

  private month(asOf: string): MonthEvidence | null {
    const key = asOf.slice(0, 7);
    if (!this.months.has(key)) this.months.set(key, this.evidence.book.at(asOf));
    return this.months.get(key)!;
  }

  /** The market-wide agents' votes on a day: the same for every symbol, so run once, on the first symbol's snapshot. */
  private async marketWide(symbol: string, asOf: string): Promise<Settled[]> {
    let day = this.days.get(asOf);
    if (day === undefined) {
      const wide = this.agents.filter((a) => a.walk === undefined);
      const snapshot = wide.length === 0 ? undefined : snapshotAt(this.source, symbol, asOf);
      day = [];
      for (const a of wide) day.push(await run(a, () => a.analyze(snapshot!, never)));
      this.days.set(asOf, day);
    }
    return day;
  }

  /** The decisions of `symbol` at bar indices `steps` (ascending); `last` is the full analysis of the last step. */
  async track(symbol: string, steps: readonly number[], last: (date: string) => Promise<Decision>): Promise<StepColumns> {
    this.spy ??= benchmarkOf(this.source);
    const history = symbolHistory(this.source, symbol, this.spy);
    const walkers = this.agents.map((a) => a.walk?.(history));
    const columns = emptyColumns(
      steps,
      this.agents.map((a) => a.id),
    );
    for (const [k, i] of steps.entries()) {
      const date = history.bars.date[i]!;
      if (k === steps.length - 1) {
        const decision = await last(date);
        put(columns, k, decision);
        columns.records = decision.records;
        break;
      }
      const asOf = closeOf(date);
      const wide = await this.marketWide(symbol, asOf);
      let w = 0;
      const settled: Settled[] = [];
      for (const [j, agent] of this.agents.entries()) {
        const walker = walkers[j];
        const s = walker === undefined ? wide[w++]! : run(agent, () => walker(i));
        settled.push(s instanceof Promise ? await s : s);
      }
      put(columns, k, this.decide(date, settled, cents(history.bars.close[i]!)));
    }
    return columns;
  }

  /** What `decisionOf` keeps of the orchestrator's decision on these votes (src/orchestrator/orchestrator.ts). */
  private decide(date: string, settled: readonly Settled[], price: number): Decision {
    const month = this.month(closeOf(date));
    const outcomes = settled.map((s) => toOutcome(s, month, this.config));
    const result = consensus(outcomes, this.config, month);
    const signal = result.kind === 'signal';
    const votes: Decision['votes'] = {};
    outcomes.forEach((o, j) => {
      const vote = settled[j]!.vote;
      const score = signal && vote?.kind === 'vote' ? vote.indicators.score : undefined;
      votes[o.id] = { name: o.name, signal: label(o), confidence: o.confidence, ...(typeof score === 'number' ? { score } : {}) };
    });
    return {
      date,
      action: signal ? result.action : 'NO_SIGNAL',
      confidence: signal ? round(result.confidence) : 0,
      price,
      votes,
      regime: {},
    };
  }
}
