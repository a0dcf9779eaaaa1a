// One analysis of a symbol as of a time: the snapshot the agents may see, the agents, the consensus. Shared by serve, watch and analyze.
import type { Agent } from '../agents/agent.js';
import { crossSection, type CrossSection } from './cross-section.js';
import { snapshotAt } from '../market/snapshot.js';
import type { HistorySource } from '../market/history.js';
import type { UniverseName } from '../market/universe.js';
import { evidenceOf } from './evidence-store.js';
import type { Bar, Rows } from '../market/types.js';
import type { EvidenceSet } from '../evidence/book.js';
import type { ConsensusConfig } from '../orchestrator/consensus.js';
import { Orchestrator } from '../orchestrator/orchestrator.js';
import type { AgentInfo, AnalysisEvent, DecisionUpdate, SignalUpdate, Trigger } from '../protocol/messages.js';

export interface AnalystOptions {
  /** Where snapshots come from: the bundled data, or a provider's history. */
  store: HistorySource;
  agents: Agent[];
  /** Whose evidence the consensus reads: the bundled universe's book (default) or the S&P 500's. */
  universe?: UniverseName | undefined;
  consensus?: ConsensusConfig | undefined;
  /** Per-agent time limit (default 5 s). */
  agentTimeoutMs?: number | undefined;
  /**
   * false: signals carry an empty track record instead of replaying each symbol's past calls, which costs more than
   * the analysis itself; for a cross-section of hundreds of symbols that shows none (`signals rank`). Default true.
   */
  trackRecords?: boolean;
}

/**
 * @example
 * const analyst = new Analyst({ store, agents: defaultAgents({ bundledDir: store.bundledDir }) });
 * const result = await analyst.final('AAPL', '2024-06-14T20:00:00.000Z', 'cli');
 */
export class Analyst {
  private readonly orchestrator: Orchestrator;

  constructor(private readonly options: AnalystOptions) {
    let withoutSamples: Promise<EvidenceSet> | undefined;
    this.orchestrator = new Orchestrator({
      agents: options.agents,
      // Loaded on the first analysis (with a data folder's own symbols' samples run then) and kept for the process's life.
      evidence:
        options.trackRecords === false
          ? () => (withoutSamples ??= evidenceOf(options.store, options.agents, options.universe).then(({ book }) => ({ book, samplesOf: () => [] })))
          : () => evidenceOf(options.store, options.agents, options.universe),
      ...(options.consensus ? { consensus: options.consensus } : {}),
      ...(options.agentTimeoutMs ? { timeoutMs: options.agentTimeoutMs } : {}),
    });
  }

  /**
   * Loads the evidence now rather than in the first analysis: with a data folder, its symbols' monthly samples are
   * run (seconds, on one thread), which would hold up every client and, in a cluster, the renewal of the node's leases.
   */
  async prepare(): Promise<void> {
    await evidenceOf(this.options.store, this.options.agents, this.options.universe);
  }

  /** Every symbol that can be analysed, sorted. */
  symbols(): string[] {
    return this.options.store.symbols();
  }

  has(symbol: string): boolean {
    return this.options.store.has(symbol);
  }

  agents(): AgentInfo[] {
    return this.options.agents.map((a) => ({ id: a.id, name: a.name }));
  }

  /** The universe whose evidence the consensus reads. */
  get universe(): UniverseName {
    return this.options.universe ?? 'bundled';
  }

  get activeAnalyses(): number {
    return this.orchestrator.activeAnalyses;
  }

  get activeAgents(): number {
    return this.orchestrator.activeAgents;
  }

  /** The events of one analysis as of `asOf`, as they happen; `live` is today's bar so far, when the market is open. */
  async *analyze(symbol: string, asOf: string, trigger: Trigger, live?: Bar): AsyncGenerator<AnalysisEvent> {
    await this.options.store.load?.(symbol, asOf);
    yield* this.orchestrator.analyze(snapshotAt(this.options.store, symbol, asOf, live ? { live } : {}), trigger);
  }

  /** The symbol's daily bars, oldest first, as an analysis as of `asOf` reads them (a provider fetches them first). */
  async bars(symbol: string, asOf: string): Promise<Rows<Bar>> {
    await this.options.store.load?.(symbol, asOf);
    return this.options.store.barRows(symbol);
  }

  /** The calls of `symbols` (each with a bar on `day`) as of the day's close, as `final` gives each (src/core/cross-section.ts). */
  crossSection(symbols: readonly string[], day: string, onProgress?: (done: number) => void): Promise<CrossSection> {
    return crossSection(this.options.store, this.orchestrator, symbols, day, onProgress);
  }

  /** One analysis to its end: the signal or the no-signal decision. */
  async final(symbol: string, asOf: string, trigger: Trigger): Promise<SignalUpdate | DecisionUpdate> {
    await this.options.store.load?.(symbol, asOf);
    return this.orchestrator.final(snapshotAt(this.options.store, symbol, asOf), trigger);
  }
}
