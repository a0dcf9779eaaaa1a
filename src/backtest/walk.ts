// One symbol's walk forward: at each step the analysis `analyze --as-of DATE` runs, reduced to the decision and every agent's vote.
import type { LlmConfig } from '../agents/sentiment/llm.js';
import { defaultAgents } from '../agents/index.js';
import { Analyst } from '../core/analyst.js';
import { resolveAsOf } from '../market/snapshot.js';
import type { HistorySource } from '../market/history.js';
import { MarketStore } from '../market/store.js';
import { UniverseHistory } from '../market/universe-history.js';
import type { UniverseName } from '../market/universe.js';
import type { ConsensusConfig } from '../orchestrator/consensus.js';
import type { DecisionUpdate, EvidenceData, RegimeData, SignalUpdate } from '../protocol/messages.js';
import type { ConsensusAction } from './simulate.js';

/** What a step keeps of an analysis. `price` is the as-of close the analysis saw (to the cent). */
export interface Decision {
  date: string;
  action: ConsensusAction;
  /** The consensus's confidence; 0 without a signal. */
  confidence: number;
  price: number;
  /**
   * Each agent's published vote by agent id: BUY, SELL, HOLD, ABSTAINED or FAILED, with its confidence; and the raw
   * score its own rule reads (`indicators[id.score]`), when it has one.
   */
  votes: Record<string, { name: string; signal: string; confidence: number; score?: number }>;
  /** Each regime signal's state that day (signals without data left out). */
  regime: Record<string, string>;
  /** The records the analysis carried; a walk keeps them on its last step only, as the evidence at the window's end. */
  records?: Records;
}

/** The records one analysis carried: the consensus's (null when it carries none), each agent's and each regime signal's. */
export interface Records {
  consensus: EvidenceData | null;
  agents: Record<string, EvidenceData>;
  regime: Record<string, EvidenceData>;
}

/** Everything an analysis depends on, as plain data: what a worker thread needs to build the same analyst. */
export interface AnalystSetup {
  dataDir?: string | undefined;
  /** The universe whose members are analysed (bars and evidence): the bundled symbols (default) or the S&P 500's. */
  universe?: UniverseName | undefined;
  consensus: ConsensusConfig;
  llm?: LlmConfig | undefined;
  agentTimeoutMs: number;
}

/** The analysis of one symbol as of one close (an ISO timestamp), to its end. */
export type Decide = (symbol: string, date: string) => Promise<SignalUpdate | DecisionUpdate>;

/** What a walk reads: the store, and the history of the universe's members over it (the store itself for the bundled one). */
export interface WalkSource {
  store: MarketStore;
  source: HistorySource & Pick<MarketStore, 'range'>;
}

/** The history the setup's universe is analysed on: the store, or with the S&P 500 every member's bars over it. */
export function sourceOf(setup: AnalystSetup, store = new MarketStore({ dataDir: setup.dataDir })): WalkSource {
  return { store, source: setup.universe === 'sp500' ? new UniverseHistory(store) : store };
}

/**
 * The analyst `analyze` (with `--universe`) builds from the same options, over `source`. `trackRecords` false: its
 * signals carry no track record, which a decision does not keep (and which costs more than the analysis).
 */
export function buildAnalyst(setup: AnalystSetup, { store, source }: WalkSource, trackRecords = true): Analyst {
  return new Analyst({
    store: source,
    universe: setup.universe,
    trackRecords,
    agents: defaultAgents({ bundledDir: store.bundledDir, llm: setup.llm }),
    consensus: setup.consensus,
    agentTimeoutMs: setup.agentTimeoutMs,
  });
}

/** Exactly what `signals analyze SYMBOL --as-of DATE` runs: the as-of is after that day's close. */
export function decideWith(analyst: Analyst, source: Pick<MarketStore, 'range'>): Decide {
  return (symbol, date) => analyst.final(symbol, resolveAsOf(source, symbol, date), 'cli');
}

/** Each agent's vote, with the raw score of its own rule when the indicators carry one. */
function votesOf(
  agents: Record<string, { name: string; signal: string; confidence: number }>,
  indicators: Readonly<Record<string, unknown>>,
): Decision['votes'] {
  return Object.fromEntries(
    Object.entries(agents).map(([id, a]) => {
      const score = indicators[`${id}.score`];
      return [id, { name: a.name, signal: a.signal, confidence: a.confidence, ...(typeof score === 'number' ? { score } : {}) }];
    }),
  );
}

const statesOf = (regime: RegimeData | undefined) => Object.fromEntries(Object.entries(regime ?? {}).map(([id, r]) => [id, r.state]));

function recordsOf(
  consensus: EvidenceData | undefined,
  agents: Record<string, { evidence?: EvidenceData | undefined }>,
  regime: RegimeData | undefined,
): Records {
  const present = <T extends { evidence?: EvidenceData | undefined }>(rows: Record<string, T>) =>
    Object.fromEntries(Object.entries(rows).flatMap(([id, r]) => (r.evidence ? [[id, r.evidence]] : [])));
  return { consensus: consensus ?? null, agents: present(agents), regime: present(regime ?? {}) };
}

/** The decision and votes of an analysis's final event; with `records`, the evidence it carried too. */
export function decisionOf(date: string, event: SignalUpdate | DecisionUpdate, records = false): Decision {
  if (event.type === 'signal_update') {
    const d = event.data;
    return {
      date,
      action: d.action,
      confidence: d.confidence,
      price: d.price,
      votes: votesOf(d.agents_consensus.agent_details, d.metadata.indicators),
      regime: statesOf(d.regime),
      ...(records ? { records: recordsOf(d.evidence, d.agents_consensus.agent_details, d.regime) } : {}),
    };
  }
  const decision = event.data.decision;
  if (decision.action === 'ERROR') throw new Error(decision.error);
  return {
    date,
    action: 'NO_SIGNAL',
    confidence: 0,
    price: event.data.price ?? 0,
    votes: votesOf(decision.agent_summary, {}),
    regime: statesOf(event.data.regime),
    ...(records ? { records: recordsOf(undefined, decision.agent_summary, event.data.regime) } : {}),
  };
}

/** Analyses `symbol` as of each date in turn; `onStep` after each. */
export async function walk(decide: Decide, symbol: string, dates: readonly string[], onStep?: () => void): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (const [k, date] of dates.entries()) {
    decisions.push(decisionOf(date, await decide(symbol, date), k === dates.length - 1));
    onStep?.();
  }
  return decisions;
}
