// Runs the agents for one symbol concurrently, each with a timeout, and yields progress, votes and the consensus.
import { randomUUID } from 'node:crypto';
import { CALL_HORIZON, cents, round, type Agent, type Indicators, type Vote } from '../agents/agent.js';
import { atr } from '../agents/technical.js';
import type { MarketSnapshot } from '../market/types.js';
import type { AgentUpdate, AnalysisEvent, DecisionUpdate, SignalUpdate, TrackRecord, Trigger } from '../protocol/messages.js';
import { readScore, type Calibration, type Fit } from './calibration.js';
import { calibratedWeight, consensus, DEFAULT_CONSENSUS, type AgentOutcome, type ConsensusConfig } from './consensus.js';
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
   * The calibration of the agents that declare a horizon (built once, on first use). Without one, votes are
   * published raw, the calibrated consensus gives no signal and signals carry no track record.
   */
  calibration?: () => Promise<Calibration>;
}

type Settled = { agent: Agent; vote?: Vote; error?: string; ms: number };

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
  private readonly calibration: (() => Promise<Calibration>) | undefined;
  private records: TrackRecords | undefined;
  activeAnalyses = 0;
  activeAgents = 0;

  constructor(options: OrchestratorOptions) {
    this.agents = options.agents;
    this.config = options.consensus ?? DEFAULT_CONSENSUS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
    this.now = options.now ?? (() => new Date());
    this.calibration = options.calibration;
  }

  private trackRecords(calibration: Calibration): TrackRecords {
    this.records ??= new TrackRecords(calibration, this.config, this.agents);
    return this.records;
  }

  private runAgent(agent: Agent, snapshot: MarketSnapshot): Promise<Settled> {
    const started = performance.now();
    const controller = new AbortController();
    this.activeAgents += 1;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new Error(`timed out after ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    const work = (async () => agent.analyze(snapshot, controller.signal))();
    return Promise.race([work, timeout])
      .then(
        (vote): Settled => ({ agent, vote, ms: performance.now() - started }),
        (error: unknown): Settled => ({ agent, error: error instanceof Error ? error.message : String(error), ms: performance.now() - started }),
      )
      .finally(() => {
        clearTimeout(timer);
        this.activeAgents -= 1;
      });
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
      const calibration = this.calibration ? await this.calibration() : null;
      const fit = calibration?.fitAt(snapshot.asOf) ?? null;

      const pending = new Map(this.agents.map((a) => [a.id, this.runAgent(a, snapshot).then((s) => ({ id: a.id, s }))]));
      const outcomes = new Map<string, AgentOutcome>();
      const indicators: Indicators = {};
      while (pending.size > 0) {
        const { id, s } = await Promise.race(pending.values());
        pending.delete(id);
        const outcome = toOutcome(s, fit);
        outcomes.set(id, outcome);
        const agentIndicators = s.vote?.kind === 'vote' ? withReading(s.vote.indicators, outcome) : s.vote?.indicators;
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
          },
        };
      }
      const ordered = this.agents.map((a) => outcomes.get(a.id)!);
      const record = calibration ? this.trackRecords(calibration).at(symbol, snapshot.asOf, ordered) : undefined;
      yield this.decide(snapshot, ordered, indicators, analysisId, trigger, stamp(), fit, record);
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
    analysisId: string,
    trigger: Trigger,
    timestamp: string,
    fit: Fit | null,
    record: TrackRecord | undefined,
  ): SignalUpdate | DecisionUpdate {
    const symbol = snapshot.symbol;
    // To the cent at the source, so the wire and every client show a price as a person would write it.
    const price = cents(snapshot.bars.at(-1)?.close ?? 0);
    const result = consensus(outcomes, this.config, fit?.baseRate ?? null);
    const common = { timestamp, as_of: snapshot.asOf, trigger, analysis_id: analysisId, ...(record ? { track_record: roundRecord(record) } : {}) };
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
                { name: outcomes[i]!.name, signal: label(outcomes[i]!), confidence: outcomes[i]!.confidence, reasoning: outcomes[i]!.reasons },
              ]),
            ),
          },
          price,
          ...common,
        },
      };
    }
    const agreeing = outcomes.filter((o) => o.status === 'voted' && o.signal === result.action);
    const reasoning =
      result.probability === undefined
        ? voteReasoning(result.action, result.weight, outcomes, agreeing)
        : calibratedReasoning(result, outcomes, fit!, this.config);
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
              return [a.id, { name: o.name, signal: label(o), confidence: o.confidence, reasoning: o.reasons }];
            }),
          ),
        },
        metadata: { reasoning, indicators, ...levels(result.action, price, atr(snapshot.bars)) },
        ...common,
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

const label = (o: AgentOutcome) => (o.status === 'voted' ? o.signal! : o.status === 'abstained' ? 'ABSTAINED' : 'FAILED');

/**
 * An agent's outcome. A calibrated agent (one with a horizon, under a fit) publishes the call its calibrated
 * probability makes (HOLD while its record shows no information), with the probability of the likelier outcome
 * as its confidence; its own reasons follow the calibration's.
 */
function toOutcome(s: Settled, fit: Fit | null): AgentOutcome {
  const base = { id: s.agent.id, name: s.vote?.name ?? s.agent.name };
  if (s.error !== undefined) return { ...base, status: 'failed', confidence: 0, reasons: [`failed: ${s.error}`] };
  const vote = s.vote!;
  if (vote.kind === 'abstain') return { ...base, status: 'abstained', confidence: 0, reasons: [vote.reason] };
  const horizon = s.agent.horizon;
  if (horizon === undefined || fit === null || vote.score === undefined) {
    return { ...base, status: 'voted', signal: vote.signal, confidence: round(vote.confidence), reasons: vote.reasons };
  }
  const reading = readScore(fit, s.agent.id, vote.score);
  const agentFit = fit.agents[s.agent.id];
  const chance = `P(rise in ${horizon} days) ${reading.probability.toFixed(2)}`;
  const why = reading.informative
    ? `${chance} from its record (z ${agentFit!.z.toFixed(1)} over ${agentFit!.n} past calls)`
    : `${chance}, the base rate: its record shows no information yet (z ${(agentFit?.z ?? 0).toFixed(1)}), so no call; its own rule says ${vote.signal}`;
  return {
    ...base,
    status: 'voted',
    signal: reading.signal,
    confidence: round(reading.confidence),
    probability: reading.probability,
    informative: reading.informative,
    reasons: [why, ...vote.reasons],
  };
}

function voteReasoning(action: string, weight: number, outcomes: AgentOutcome[], agreeing: AgentOutcome[]): string[] {
  return [
    `${action}: ${agreeing.length} of ${outcomes.length} agents agree (${agreeing.map((o) => o.name).join(', ')}); consensus weight ${weight.toFixed(2)}`,
    ...agreeing.map((o) => `${o.name}: ${o.reasons[0] ?? ''}`),
  ];
}

function calibratedReasoning(
  result: { action: string; probability?: number },
  outcomes: AgentOutcome[],
  fit: Fit,
  config: ConsensusConfig,
): string[] {
  const weighing = outcomes.filter((o) => calibratedWeight(o, config) > 0);
  const chance = `P(rise in ${CALL_HORIZON} days) ${result.probability!.toFixed(2)}`;
  const base = `the base rate of a rise is ${(fit.baseRate * 100).toFixed(0)}% over ${fit.calls} past calls`;
  if (weighing.length === 0) {
    const why = outcomes.some((o) => o.informative === true)
      ? 'no agent whose record before this date shows information weighs in this consensus'
      : "no agent's record before this date shows information";
    return [`${result.action}: ${chance}, the base rate: ${why}, so no call`, base];
  }
  return [
    `${result.action}: ${chance} from ${weighing.map((o) => o.name).join(', ')}, whose records show information; ${base}`,
    ...weighing.map((o) => `${o.name}: ${o.reasons.slice(1, 2).join('') || o.reasons[0]}`),
  ];
}

/** An agent's indicators with its calibrated reading, when it has one. */
function withReading(indicators: Indicators, outcome: AgentOutcome): Indicators {
  if (outcome.probability === undefined) return indicators;
  return { ...indicators, probability_up: round(outcome.probability), informative: outcome.informative ?? false };
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
