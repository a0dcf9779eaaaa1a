// Runs the agents for one symbol concurrently, each with a timeout, and yields progress, votes and the consensus.
import { randomUUID } from 'node:crypto';
import { CALL_HORIZON, cents, round, type Agent, type Indicators, type Vote } from '../agents/agent.js';
import { regimeOf, type Regime } from '../agents/regime.js';
import { atr } from '../agents/technical.js';
import { probabilityOf, type Book, type EvidenceSet, type MonthEvidence } from '../evidence/book.js';
import { presentEvidence } from '../evidence/present.js';
import { priorOf } from '../evidence/priors.js';
import type { MarketSnapshot } from '../market/types.js';
import type {
  AgentUpdate,
  AnalysisEvent,
  DecisionUpdate,
  EvidenceData,
  RegimeData,
  SignalUpdate,
  TrackRecord,
  Trigger,
} from '../protocol/messages.js';
import {
  callConfidence,
  consensus,
  DEFAULT_CONSENSUS,
  evidenceWeight,
  type AgentOutcome,
  type ConsensusConfig,
  type ConsensusResult,
} from './consensus.js';
import { levels } from './targets.js';
import { TrackRecords } from './track-record.js';

/** An agent still running this long after the analysis started is FAILED. */
export const DEFAULT_AGENT_TIMEOUT_MS = 5_000;

export interface OrchestratorOptions {
  agents: Agent[];
  consensus?: ConsensusConfig;
  /** Per-agent time limit; an agent still running then is FAILED. */
  timeoutMs?: number;
  now?: () => Date;
  /**
   * The evidence (loaded once, on first use). Without it, every agent weighs its prior, confidences are 0.5 and
   * signals carry no evidence or track record.
   */
  evidence?: () => Promise<EvidenceSet>;
}

/** An agent's run: its vote, or the error it failed with, and how long it took. */
export type Settled = { agent: Agent; vote?: Vote; error?: string; ms: number };

/**
 * Runs one analysis. Events, in order: agent_update ANALYZING from "Orchestrator", agent_update
 * PROCESSING for each agent, one agent_update per agent as it finishes (BUY/SELL/HOLD, ABSTAINED or
 * FAILED, in completion order), then signal_update or decision_update (NO_SIGNAL).
 */
export class Orchestrator {
  readonly agents: Agent[];
  readonly config: ConsensusConfig;
  readonly timeoutMs: number;
  private readonly now: () => Date;
  private readonly evidence: (() => Promise<EvidenceSet>) | undefined;
  private records: TrackRecords | undefined;
  activeAnalyses = 0;
  activeAgents = 0;

  constructor(options: OrchestratorOptions) {
    this.agents = options.agents;
    this.config = options.consensus ?? DEFAULT_CONSENSUS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
    this.now = options.now ?? (() => new Date());
    this.evidence = options.evidence;
  }

  private trackRecords(source: EvidenceSet): TrackRecords {
    this.records ??= new TrackRecords(source, this.config, this.agents);
    return this.records;
  }

  private runAgent(agent: Agent, snapshot: MarketSnapshot): Promise<Settled> {
    const controller = new AbortController();
    return this.timed(agent, controller, (async () => agent.analyze(snapshot, controller.signal))());
  }

  /** An agent's run to its vote, its error or its time limit, whichever comes first. */
  private timed(agent: Agent, controller: AbortController, work: Promise<Vote>): Promise<Settled> {
    // hrtime, not performance.now(): the first use of `performance` loads perf_hooks, a millisecond of every CLI start.
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    this.activeAgents += 1;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    return Promise.race([work, timeout])
      .then(
        (vote): Settled => ({ agent, vote, ms: ms() }),
        (error: unknown): Settled => ({ agent, error: error instanceof Error ? error.message : String(error), ms: ms() }),
      )
      .finally(() => {
        clearTimeout(timer);
        this.activeAgents -= 1;
      });
  }

  /** One agent's run on a snapshot, as `analyze` runs it: under the time limit, aborted at it. */
  run(agent: Agent, snapshot: MarketSnapshot): Promise<Settled> {
    return this.runAgent(agent, snapshot);
  }

  /**
   * One step of an agent's incremental form, settled as `analyze` settles a run: at once when it answers at once (no
   * timer, no promise: a cross-section of 500 symbols takes 2,000 such steps), else under the time limit.
   */
  settle(agent: Agent, step: () => Vote | Promise<Vote>): Settled | Promise<Settled> {
    let vote: Vote | Promise<Vote>;
    try {
      vote = step();
    } catch (error) {
      return { agent, error: error instanceof Error ? error.message : String(error), ms: 0 };
    }
    return vote instanceof Promise ? this.timed(agent, new AbortController(), vote) : { agent, vote, ms: 0 };
  }

  /** The evidence the consensus reads (loaded on first use), or null when the orchestrator has none. */
  async evidenceSet(): Promise<EvidenceSet | null> {
    return this.evidence ? await this.evidence() : null;
  }

  /** An agent's settled run as the consensus reads it, with its evidence when it voted. */
  private outcomeOf(s: Settled, source: EvidenceSet | null, month: MonthEvidence | null): AgentOutcome {
    const outcome = toOutcome(s, month, this.config);
    const evidence = source !== null && outcome.status === 'voted' ? agentEvidence(outcome, month, source.book, this.config) : undefined;
    if (evidence) outcome.evidence = evidence;
    return outcome;
  }

  async *analyze(snapshot: MarketSnapshot, trigger: Trigger = 'manual'): AsyncGenerator<AnalysisEvent> {
    const analysisId = randomUUID();
    const symbol = snapshot.symbol;
    const stamp = () => this.now().toISOString();
    const progress = (agent: string, signal: 'ANALYZING' | 'PROCESSING', agentId?: string): AgentUpdate => ({
      type: 'agent_update',
      data: {
        symbol,
        agent,
        ...(agentId ? { agent_id: agentId } : {}),
        signal,
        status: signal === 'ANALYZING' ? 'started' : 'processing',
        confidence: 0,
        timestamp: stamp(),
        analysis_id: analysisId,
      },
    });
    this.activeAnalyses += 1;
    try {
      yield progress('Orchestrator', 'ANALYZING');
      for (const agent of this.agents) yield progress(agent.name, 'PROCESSING', agent.id);
      const source = await this.evidenceSet();
      const month = source === null ? null : source.book.at(snapshot.asOf);

      const pending = new Map(this.agents.map((a) => [a.id, this.runAgent(a, snapshot).then((s) => ({ id: a.id, s }))]));
      const outcomes = new Map<string, AgentOutcome>();
      const indicators: Indicators = {};
      while (pending.size > 0) {
        const { id, s } = await Promise.race(pending.values());
        pending.delete(id);
        const outcome = this.outcomeOf(s, source, month);
        const evidence = outcome.evidence;
        outcomes.set(id, outcome);
        const agentIndicators = s.vote?.indicators;
        if (s.vote?.kind === 'vote') Object.assign(indicators, qualified(id, agentIndicators!));
        yield {
          type: 'agent_update',
          data: {
            symbol,
            agent: outcome.name,
            agent_id: id,
            signal: outcome.status === 'voted' ? outcome.signal! : outcome.status === 'abstained' ? 'ABSTAINED' : 'FAILED',
            status: outcome.status,
            confidence: outcome.confidence,
            timestamp: stamp(),
            analysis_id: analysisId,
            reasoning: outcome.reasons,
            ...(s.vote ? { indicators: agentIndicators ?? {} } : {}),
            ...(s.error ? { error: s.error } : {}),
            duration_ms: Math.round(s.ms * 1000) / 1000,
            ...(evidence ? { evidence } : {}),
          },
        };
      }
      const ordered = this.agents.map((a) => outcomes.get(a.id)!);
      const record = source ? this.trackRecords(source).at(symbol, snapshot.asOf, ordered) : undefined;
      yield this.decide(snapshot, ordered, indicators, { analysisId, trigger, timestamp: stamp() }, source?.book ?? null, month, record);
    } finally {
      this.activeAnalyses -= 1;
    }
  }

  /** Runs an analysis to the end and returns its final event (signal_update or decision_update). */
  async final(snapshot: MarketSnapshot, trigger: Trigger = 'manual'): Promise<SignalUpdate | DecisionUpdate> {
    let last: AnalysisEvent | undefined;
    for await (const event of this.analyze(snapshot, trigger)) last = event;
    return last as SignalUpdate | DecisionUpdate;
  }

  private decide(
    snapshot: MarketSnapshot,
    outcomes: AgentOutcome[],
    indicators: Indicators,
    stamp: { analysisId: string; trigger: Trigger; timestamp: string },
    book: Book | null,
    month: MonthEvidence | null,
    record: TrackRecord | undefined,
  ): SignalUpdate | DecisionUpdate {
    const symbol = snapshot.symbol;
    // To the cent at the source, so the wire and every client show a price as a person would write it.
    const price = cents(snapshot.bars.at(-1)?.close ?? 0);
    const result = consensus(outcomes, this.config, month);
    const regime = book === null ? undefined : presentRegime(regimeOf(snapshot), month, book);
    const common = {
      timestamp: stamp.timestamp,
      as_of: snapshot.asOf,
      trigger: stamp.trigger,
      analysis_id: stamp.analysisId,
      ...(record ? { track_record: roundRecord(record) } : {}),
      ...(regime ? { regime } : {}),
    };
    if (result.kind === 'no_signal') {
      return {
        type: 'decision_update',
        data: {
          symbol,
          decision: {
            action: 'NO_SIGNAL',
            reason: result.reason,
            consensus_weight: round(result.weight),
            agent_summary: Object.fromEntries(
              this.agents.map((a, i) => [
                a.id,
                {
                  name: outcomes[i]!.name,
                  signal: label(outcomes[i]!),
                  confidence: outcomes[i]!.confidence,
                  reasoning: outcomes[i]!.reasons,
                  ...(outcomes[i]!.evidence ? { evidence: outcomes[i]!.evidence } : {}),
                },
              ]),
            ),
          },
          price,
          ...common,
        },
      };
    }
    const agreeing = outcomes.filter((o) => o.status === 'voted' && o.signal === result.action);
    const consensusEvidence = book === null ? undefined : consensusRecord(month, book, this.config);
    const reasoning =
      result.agreement === undefined
        ? voteReasoning(result.action, result.weight, outcomes, agreeing)
        : evidenceReasoning(result, outcomes, this.config, month, consensusEvidence, regime);
    return {
      type: 'signal_update',
      data: {
        symbol,
        signal_id: randomUUID(),
        action: result.action,
        confidence: round(result.confidence),
        price,
        agents_consensus: {
          total_agents: outcomes.length,
          completed_agents: result.completed,
          consensus_strength: result.strength,
          consensus_weight: round(result.weight),
          agent_details: Object.fromEntries(
            this.agents.map((a, i) => {
              const o = outcomes[i]!;
              return [
                a.id,
                { name: o.name, signal: label(o), confidence: o.confidence, reasoning: o.reasons, ...(o.evidence ? { evidence: o.evidence } : {}) },
              ];
            }),
          ),
        },
        metadata: { reasoning, indicators, ...levels(result.action, price, atr(snapshot.bars)) },
        ...common,
        ...(consensusEvidence ? { evidence: consensusEvidence } : {}),
      },
    };
  }
}

/**
 * An agent's indicators as they appear among a signal's: each name prefixed with the agent's id.
 * @example qualified('momentum', { return_1m: 0.05 }) // { 'momentum.return_1m': 0.05 }
 */
export function qualified(agentId: string, indicators: Indicators): Indicators {
  return Object.fromEntries(Object.entries(indicators).map(([name, value]) => [`${agentId}.${name}`, value]));
}

/** An outcome's signal as published: the call, ABSTAINED or FAILED. */
export const label = (o: AgentOutcome) => (o.status === 'voted' ? o.signal! : o.status === 'abstained' ? 'ABSTAINED' : 'FAILED');

/**
 * An agent's outcome: its own call, always. Under the evidence consensus its confidence is the probability that
 * the call is right, from its record's calibration (`callConfidence`); its first reason says so. Under the vote
 * formula it keeps its own confidence, as the seed's agents did.
 */
export function toOutcome(s: Settled, month: MonthEvidence | null, config: ConsensusConfig): AgentOutcome {
  const base = { id: s.agent.id, name: s.vote?.name ?? s.agent.name, scope: s.agent.scope ?? ('stock' as const) };
  if (s.error !== undefined) return { ...base, status: 'failed', confidence: 0, reasons: [`failed: ${s.error}`] };
  const vote = s.vote!;
  if (vote.kind === 'abstain') return { ...base, status: 'abstained', confidence: 0, reasons: [vote.reason] };
  if (config.method !== 'evidence')
    return { ...base, status: 'voted', signal: vote.signal, confidence: round(vote.confidence), reasons: vote.reasons };
  const record = month?.agents[s.agent.id];
  const p = probabilityOf(record, vote.score ?? 0, month?.baseRate ?? null);
  const against = base.scope === 'market' ? 'the market beats cash' : 'it beats SPY';
  const source = record?.fit ? 'from its record' : month?.baseRate != null ? 'the base rate (no record to calibrate on)' : 'no record';
  return {
    ...base,
    status: 'voted',
    signal: vote.signal,
    confidence: round(callConfidence(vote.signal, p)),
    reasons: [`${vote.signal} by its own rule; P(${against} in ${CALL_HORIZON} days) ${p.toFixed(2)}, ${source}`, ...vote.reasons],
  };
}

/** The consensus's evidence on the wire, which a signal carries under the evidence consensus (none under the vote formula). */
export function consensusRecord(month: MonthEvidence | null, book: Book, config: ConsensusConfig): EvidenceData | undefined {
  if (config.method !== 'evidence') return undefined;
  return presentEvidence(config.strict ? month?.strict : month?.consensus, { kind: 'cross_section', prior: priorOf('consensus', 'stock') }, book);
}

/** An agent's weight in the consensus, as its evidence on the wire states it (to 4 places there). */
export function agentWeight(outcome: AgentOutcome, month: MonthEvidence | null, config: ConsensusConfig): number {
  return config.method === 'evidence' ? evidenceWeight(outcome, config, month) : (config.weights[outcome.id] ?? config.defaultWeight);
}

/** An agent's evidence on the wire, with its weight in this consensus. */
export function agentEvidence(outcome: AgentOutcome, month: MonthEvidence | null, book: Book, config: ConsensusConfig): EvidenceData {
  const kind = outcome.scope === 'market' ? 'market_timing' : 'cross_section';
  const prior = priorOf(outcome.id, outcome.scope ?? 'stock');
  return presentEvidence(month?.agents[outcome.id], { kind, prior }, book, agentWeight(outcome, month, config));
}

/** The regime's readings, each with its record as a market-timing signal. */
export function presentRegime(regime: Regime, month: MonthEvidence | null, book: Book): RegimeData {
  return Object.fromEntries(
    Object.entries(regime).map(([id, reading]) => [
      id,
      { ...reading, evidence: presentEvidence(month?.regime[id], { kind: 'market_timing', prior: priorOf(id, 'market') }, book) },
    ]),
  );
}

function voteReasoning(action: string, weight: number, outcomes: AgentOutcome[], agreeing: AgentOutcome[]): string[] {
  return [
    `${action}: ${agreeing.length} of ${outcomes.length} agents agree (${agreeing.map((o) => o.name).join(', ')}); consensus weight ${weight.toFixed(2)}`,
    ...agreeing.map((o) => `${o.name}: ${o.reasons[0] ?? ''}`),
  ];
}

/** The evidence consensus's reasons: the weighted agreement and who carried it, the calibrated chance, the verdict, the regime. */
function evidenceReasoning(
  result: Extract<ConsensusResult, { kind: 'signal' }>,
  outcomes: AgentOutcome[],
  config: ConsensusConfig,
  month: MonthEvidence | null,
  evidence: EvidenceData | undefined,
  regime: RegimeData | undefined,
): string[] {
  const weighing = outcomes.map((o) => ({ o, w: evidenceWeight(o, config, month) })).filter((x) => x.w > 0);
  const total = weighing.reduce((s, x) => s + x.w, 0);
  const chance = `P(beats SPY in ${CALL_HORIZON} days) ${result.probability!.toFixed(2)}`;
  const lines: string[] = [];
  if (weighing.length === 0) {
    lines.push(`${result.action}: no agent's record passes the edge test (strict mode), so no call; ${chance}`);
  } else {
    const shares = weighing
      .sort((x, y) => y.w - x.w)
      .map((x) => `${x.o.name} ${x.o.signal} ${(x.w / total).toFixed(2)}`)
      .join(', ');
    const gate = result.action === 'HOLD' ? ', short of the 0.5 a call needs' : '';
    lines.push(`${result.action}: weighted agreement ${result.agreement!.toFixed(2)}${gate} (${shares}); ${chance}`);
  }
  if (evidence) lines.push(`${evidence.label}; consensus on ${evidence.universe}`);
  if (regime && Object.keys(regime).length > 0)
    lines.push(
      `regime: ${Object.entries(regime)
        .map(([id, r]) => `${id} ${r.state}`)
        .join(', ')}`,
    );
  return lines;
}

/** A track record's shares and returns to 4 places, like every fraction on the wire. */
function roundRecord(record: TrackRecord): TrackRecord {
  const r = <T extends { hit_rate: number | null; mean_excess_return: number | null }>(c: T): T => ({
    ...c,
    hit_rate: c.hit_rate === null ? null : round(c.hit_rate),
    mean_excess_return: c.mean_excess_return === null ? null : round(c.mean_excess_return),
  });
  return { ...record, consensus: r(record.consensus), agents: Object.fromEntries(Object.entries(record.agents).map(([id, a]) => [id, r(a)])) };
}
