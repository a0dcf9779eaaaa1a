// The walk-forward backtest: plans each symbol's steps, runs the analyses, trades them at the next open, and measures it all.
import { BENCHMARK } from '../market/snapshot.js';
import { MarketStore } from '../market/store.js';
import type { Bar, Rows } from '../market/types.js';
import { SignalsError } from '../protocol/errors.js';
import { defaultAgents } from '../agents/index.js';
import { excessOver, yardstick } from './benchmark.js';
import { checkLookahead, INPUTS, releaseDates, sampleDates } from './lookahead.js';
import { figures, type Path } from './metrics.js';
import { stepIndices } from './plan.js';
import { runWalks } from './pool.js';
import { endEvidence, regimeSummary } from './evidence.js';
import type { AgentStats, BacktestResult, SymbolResult } from './schema.js';
import { agentStats, consensusStats, signedScore, type Call } from './signals.js';
import { combine, forwardReturn, holdBetween, positionOf, simulate } from './simulate.js';
import type { AnalystSetup, Decision } from './walk.js';

export interface BacktestOptions {
  /** Canonical symbols, without repeats. */
  symbols: string[];
  from?: string | undefined;
  to?: string | undefined;
  every: number;
  /** Forward-return horizons in trading days, ascending. */
  horizons: number[];
  costBps: number;
  allowShort: boolean;
  setup: AnalystSetup;
  workers: number;
  /** Steps per symbol to re-run with later inputs perturbed (`--check-lookahead`); 0 or absent: none. */
  checkLookahead?: number | undefined;
  /** Called once the steps are planned, with their number, and after analyses finish with how many did. */
  onPlan?: (analyses: number) => void;
  onProgress?: (analyses: number) => void;
}

/** One step as the CSV writes it: the decision, the position it leads to and what followed. */
export interface StepRow extends Decision {
  symbol: string;
  score: number;
  position: number;
  /** The open the decision trades at. */
  nextOpen: number;
  forward: (number | null)[];
}

/** The daily paths behind the figures, for the report's charts. */
export interface Curves {
  symbols: { symbol: string; strategy: Path; buyAndHold: Path }[];
  portfolio: { strategy: Path; buyAndHold: Path };
  spy: Path | null;
}

export interface BacktestRun {
  result: BacktestResult;
  rows: StepRow[];
  curves: Curves;
}

/** Every number of the JSON to 4 decimal places, as a person reads fractions (0.0123 is 1.23%); -0 as 0. */
function rounded<T>(value: T): T {
  if (typeof value === 'number') return (Math.round(value * 10_000) / 10_000 || 0) as T;
  if (Array.isArray(value)) return value.map(rounded) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rounded(v)])) as T;
  return value;
}

const consensusSettings = (setup: AnalystSetup): BacktestResult['settings']['consensus'] => ({
  weights: setup.consensus.weights,
  default_weight: setup.consensus.defaultWeight,
  min_confidence: setup.consensus.minConfidence,
  gate: setup.consensus.gate,
  quorum: setup.consensus.quorum,
  denominator: setup.consensus.denominator,
});

/** The agents' ids in report order, with the name each last ran under. */
function agentsOf(decisions: readonly Decision[]): { id: string; name: string }[] {
  const last = decisions.at(-1);
  return last === undefined ? [] : Object.entries(last.votes).map(([id, v]) => ({ id, name: v.name }));
}

function agentBlock(
  agents: readonly { id: string; name: string }[],
  calls: (id: string) => Call[],
  options: BacktestOptions,
): Record<string, AgentStats> {
  return Object.fromEntries(agents.map((a) => [a.id, agentStats(a.name, calls(a.id), options.horizons, options.every)]));
}

/**
 * Runs the backtest. Checks everything before the first analysis: the window (BAD_ARGUMENT when --from is after
 * --to), each symbol (UNKNOWN_SYMBOL) and its dates (DATE_OUT_OF_RANGE).
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestRun> {
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) {
    throw new SignalsError('BAD_ARGUMENT', `--from ${options.from} is after --to ${options.to}`);
  }
  const store = new MarketStore({ dataDir: options.setup.dataDir });
  const plans = options.symbols.map((symbol) => {
    const bars: Rows<Bar> = store.barRows(symbol);
    const steps = stepIndices(symbol, bars, options);
    return { symbol, bars, steps, dates: steps.map((i) => bars.at(i)!.date) };
  });
  options.onPlan?.(plans.reduce((n, p) => n + p.steps.length, 0));
  const walks = await runWalks(
    plans.map((p) => ({ symbol: p.symbol, dates: p.dates })),
    options.setup,
    { workers: options.workers, store, ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
  );

  const measure = yardstick(store, options.horizons);
  // A market-wide agent's confidence is a probability that the market beats cash, so it is judged by that.
  const marketWide = new Set(
    defaultAgents({ bundledDir: store.bundledDir, llm: options.setup.llm })
      .filter((a) => a.scope === 'market')
      .map((a) => a.id),
  );
  const rows: StepRow[] = [];
  const symbols: SymbolResult[] = [];
  const curves: Curves['symbols'] = [];
  const allDecisions: Decision[] = [];
  const consensusCalls: Call[] = [];
  const votes = new Map<string, Call[]>();
  for (const plan of plans) {
    const decisions = walks.get(plan.symbol)!;
    const positions = decisions.map((d) => positionOf(d.action, options.allowShort));
    const forward = plan.steps.map((i) => options.horizons.map((h) => forwardReturn(plan.bars, i, h)));
    const yardsticks = plan.dates.map(measure);
    const excess = forward.map((f, k) => excessOver(plan.symbol, f, yardsticks[k]!.spy));
    const { strategy, buyAndHold } = simulate(plan.bars, plan.steps, positions, options.costBps);
    const calls = decisions.map((d, k): Call => ({
      date: d.date,
      action: d.action,
      confidence: d.confidence,
      forward: forward[k]!,
      excess: excess[k]!,
    }));
    const agents = agentsOf(decisions);
    // An agent is judged by what it published: its own rule's call, with the probability that the call is right.
    const agentCalls = (id: string) =>
      decisions.map((d, k): Call => {
        const vote = d.votes[id];
        return {
          date: d.date,
          action: vote?.signal ?? 'FAILED',
          confidence: vote?.confidence ?? 0,
          forward: forward[k]!,
          excess: marketWide.has(id) ? yardsticks[k]!.spyOverCash : excess[k]!,
        };
      });
    decisions.forEach((d, k) =>
      rows.push({
        ...d,
        symbol: plan.symbol,
        score: signedScore(d.action, d.confidence)!,
        position: positions[k]!,
        nextOpen: plan.bars.at(plan.steps[k]! + 1)!.open,
        forward: forward[k]!,
      }),
    );
    for (const a of agents) {
      const pooled = votes.get(a.id) ?? [];
      pooled.push(...agentCalls(a.id));
      votes.set(a.id, pooled);
    }
    consensusCalls.push(...calls);
    allDecisions.push(...decisions);
    curves.push({ symbol: plan.symbol, strategy, buyAndHold });
    symbols.push({
      symbol: plan.symbol,
      from: plan.dates[0]!,
      to: plan.dates.at(-1)!,
      steps: decisions.length,
      strategy: figures(strategy),
      buy_and_hold: figures(buyAndHold),
      signals: consensusStats(calls, options.horizons, options.every),
      agents: agentBlock(agents, agentCalls, options),
    });
  }

  const portfolio = { strategy: combine(curves.map((c) => c.strategy)), buyAndHold: combine(curves.map((c) => c.buyAndHold)) };
  const start = portfolio.strategy.dates[0];
  const end = portfolio.strategy.end;
  const spy = store.has(BENCHMARK) && start !== undefined && end !== null ? holdBetween(store.barRows(BENCHMARK), start, end) : null;
  const agents = agentsOf(allDecisions);
  let lookahead: BacktestResult['lookahead'];
  if (options.checkLookahead) {
    const samples = plans.flatMap((p) =>
      [...new Set([...sampleDates(p.dates, options.checkLookahead!), ...releaseDates(store, p.dates)])]
        .sort()
        .map((date) => ({ symbol: p.symbol, date })),
    );
    const leaks = await checkLookahead(samples, {
      store,
      consensus: options.setup.consensus,
      agentsFor: (view) => defaultAgents({ bundledDir: view.bundledDir, llm: options.setup.llm }),
      agentTimeoutMs: options.setup.agentTimeoutMs,
    });
    lookahead = { steps: samples.length, inputs: [...INPUTS], leaks };
  }
  const result: BacktestResult = {
    settings: {
      from: options.from ?? null,
      to: options.to ?? null,
      every: options.every,
      horizons: options.horizons,
      cost_bps: options.costBps,
      allow_short: options.allowShort,
      consensus: consensusSettings(options.setup),
      agents,
      analyses: allDecisions.length,
    },
    symbols,
    portfolio: {
      symbols: symbols.length,
      strategy: figures(portfolio.strategy),
      buy_and_hold: figures(portfolio.buyAndHold),
      signals: consensusStats(consensusCalls, options.horizons, options.every),
      agents: agentBlock(agents, (id) => votes.get(id) ?? [], options),
    },
    spy: spy === null || spy.returns.length === 0 ? null : figures(spy),
    evidence: endEvidence(allDecisions),
    regime: regimeSummary(allDecisions),
    ...(lookahead ? { lookahead } : {}),
  };
  return { result: rounded(result), rows, curves: { symbols: curves, portfolio, spy } };
}
