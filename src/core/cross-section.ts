// One day's cross-section of a universe: each member's call as `analyze` makes it, from the agents' incremental forms over its bars, the market-wide part once.
import { cents, round, type Agent } from '../agents/agent.js';
import { regimeOf } from '../agents/regime.js';
import type { EvidenceSet, MonthEvidence } from '../evidence/book.js';
import type { HistorySource } from '../market/history.js';
import { closeOf } from '../market/publication.js';
import { BENCHMARK, snapshotAt } from '../market/snapshot.js';
import { closedColumns, historyAsOf } from '../market/symbol-history.js';
import type { PriceColumns } from '../market/types.js';
import { consensus, type AgentOutcome } from '../orchestrator/consensus.js';
import {
  agentEvidence,
  agentWeight,
  consensusRecord,
  label,
  presentRegime,
  toOutcome,
  type Orchestrator,
  type Settled,
} from '../orchestrator/orchestrator.js';
import { SignalsError, type ErrorCode } from '../protocol/errors.js';
import type { Action, EvidenceData, RegimeData } from '../protocol/messages.js';

/** One agent on one member: its call (or why none), its raw score when it voted, its weight in the consensus as the wire states it. */
export interface MemberVote {
  signal: Action | 'ABSTAINED' | 'FAILED';
  score: number | null;
  /** null without evidence, as an analysis without a book gives none. */
  weight: number | null;
}

/** A member's call: the numbers of `analyze --as-of` for it that a ranking reads. */
export interface MemberCall {
  symbol: string;
  action: Action;
  confidence: number;
  /** The consensus weight |A|, to 4 places, as `analyze` gives it. */
  weight: number;
  agents: Record<string, MemberVote>;
  /** The close of the day, to the cent. */
  price: number;
}

/** A member with prices but no call: too little history for the quorum (NO_SIGNAL), or its analysis failed (ERROR). */
export interface MemberMiss {
  symbol: string;
  action: 'NO_SIGNAL' | 'ERROR';
  reason: string;
  code: ErrorCode | null;
}

export interface CrossSection {
  calls: MemberCall[];
  misses: MemberMiss[];
  /** The market's regime, as every call's analysis carries it; null without evidence or without calls. */
  regime: RegimeData | null;
  /** Each method's record for the day, as every call's analysis carries it: the consensus's, and each agent's that voted. */
  evidence: { consensus: EvidenceData | null; agents: Record<string, EvidenceData & { name: string }> };
}

/** Members analysed at once: enough to overlap an agent that waits (an LLM), few enough to keep memory flat. */
const CONCURRENCY = 16;

/** `items` through `fn`, at most `limit` at a time, results in the items' order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

type Decided = { call: MemberCall; outcomes: AgentOutcome[] } | { miss: MemberMiss };

/**
 * The calls of `symbols` (each with a bar on `day`) as of the close of `day`: the same as `analyze SYMBOL --as-of
 * day` gives, field for field (test/core/cross-section.test.ts), at a fraction of the cost. Each stock agent takes one
 * step of its incremental form at the day's bar, with no snapshot; the market-wide agents run once, on the first
 * member's snapshot, as the regime is read once; the evidence is the orchestrator's. Every agent must have an
 * incremental form or a market-wide scope (`canWalk`).
 */
export async function crossSection(
  source: HistorySource,
  orchestrator: Orchestrator,
  symbols: readonly string[],
  day: string,
  onProgress?: (done: number) => void,
): Promise<CrossSection> {
  const agents = orchestrator.agents;
  if (!canWalk(agents)) throw new Error('an agent has neither an incremental form nor a market-wide scope');
  const asOf = closeOf(day);
  const config = orchestrator.config;
  const set = await orchestrator.evidenceSet();
  const month = set === null ? null : set.book.at(asOf);
  // SPY's bars as every snapshot of the day holds them (not its whole history, which each step would read again).
  const spy = source.has(BENCHMARK) ? closedColumns(source.barRows(BENCHMARK), day) : null;
  let market: Promise<{ wide: Map<string, Settled>; regime: RegimeData | null }> | undefined;
  const marketOf = (symbol: string) =>
    (market ??= (async () => {
      const snapshot = snapshotAt(source, symbol, asOf);
      const wide = new Map<string, Settled>();
      for (const a of agents.filter((x) => x.walk === undefined)) wide.set(a.id, await orchestrator.run(a, snapshot));
      return { wide, regime: set === null ? null : presentRegime(regimeOf(snapshot), month, set.book) };
    })());
  let done = 0;
  const decided = await mapLimit(symbols, CONCURRENCY, async (symbol): Promise<Decided> => {
    onProgress?.(++done);
    // A turn of the event loop between members: in a server (a `rank` request) clients are served meanwhile.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      await source.load?.(symbol, asOf);
      const { wide } = await marketOf(symbol);
      const { settled, price } = await votesOf(source, orchestrator, symbol, day, spy, wide);
      return decide(symbol, settled, price, month, set, orchestrator);
    } catch (error) {
      const code = error instanceof SignalsError ? error.code : 'ANALYSIS_FAILED';
      return { miss: { symbol, action: 'ERROR', reason: error instanceof Error ? error.message : String(error), code } };
    }
  });
  const called = decided.flatMap((d) => ('call' in d ? [d] : []));
  const evidence: CrossSection['evidence'] = { consensus: null, agents: {} };
  if (set !== null && called.length > 0) {
    evidence.consensus = consensusRecord(month, set.book, config) ?? null;
    for (const [j, a] of agents.entries()) {
      const voted = called.find((d) => d.outcomes[j]!.status === 'voted')?.outcomes[j];
      if (voted) evidence.agents[a.id] = { ...agentEvidence(voted, month, set.book, config), name: a.name };
    }
  }
  return {
    calls: called.map((d) => d.call),
    misses: decided.flatMap((d) => ('miss' in d ? [d.miss] : [])),
    regime: called.length === 0 || market === undefined ? null : (await market).regime,
    evidence,
  };
}

/** Whether every agent can be run along a history: each has an incremental form or is market-wide (run once a day). */
export const canWalk = (agents: readonly Agent[]) => agents.every((a) => a.walk !== undefined || a.scope === 'market');

/**
 * Each agent's run on `symbol` at its bar of `day`, in line-up order (a step of its incremental form, or the day's
 * market-wide run), and the day's close to the cent.
 */
async function votesOf(
  source: HistorySource,
  orchestrator: Orchestrator,
  symbol: string,
  day: string,
  spy: PriceColumns | null,
  wide: Map<string, Settled>,
): Promise<{ settled: Settled[]; price: number }> {
  const history = historyAsOf(source, symbol, day, spy);
  const i = history.bars.date.length - 1;
  if (history.bars.date[i] !== day) throw new SignalsError('DATE_OUT_OF_RANGE', `${symbol} has no bar on ${day}`);
  const settled: Settled[] = [];
  for (const a of orchestrator.agents) {
    const walk = a.walk;
    const s = walk === undefined ? wide.get(a.id)! : orchestrator.settle(a, () => walk(history)(i));
    settled.push(s instanceof Promise ? await s : s);
  }
  return { settled, price: cents(history.bars.close[i]!) };
}

/** The call the orchestrator would make on these runs (`Orchestrator.analyze` then `decide`), in the numbers a ranking reads. */
function decide(
  symbol: string,
  settled: Settled[],
  price: number,
  month: MonthEvidence | null,
  set: EvidenceSet | null,
  orchestrator: Orchestrator,
): Decided {
  const config = orchestrator.config;
  const outcomes = settled.map((s) => toOutcome(s, month, config));
  const result = consensus(outcomes, config, month);
  if (result.kind === 'no_signal') return { miss: { symbol, action: 'NO_SIGNAL', reason: result.reason, code: null } };
  const agents: Record<string, MemberVote> = {};
  outcomes.forEach((o, j) => {
    const vote = settled[j]!.vote;
    const score = vote?.kind === 'vote' ? vote.indicators.score : undefined;
    agents[o.id] = {
      signal: label(o),
      score: typeof score === 'number' ? score : null,
      weight: set !== null && o.status === 'voted' ? round(agentWeight(o, month, config)) : null,
    };
  });
  return {
    call: { symbol, action: result.action, confidence: round(result.confidence), weight: round(result.weight), agents, price },
    outcomes,
  };
}
