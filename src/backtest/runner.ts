// The walk-forward backtest: plans each symbol's steps, runs the analyses, trades them at the next open, and measures it all.
import { defaultAgents } from '../agents/index.js';
import { regimeOf } from '../agents/regime.js';
import type { HistorySource } from '../market/history.js';
import { closeOf } from '../market/publication.js';
import { BENCHMARK, snapshotAt } from '../market/snapshot.js';
import { universeOf } from '../market/universe.js';
import { SignalsError } from '../protocol/errors.js';
import type { AgentInfo } from '../protocol/messages.js';
import { excessOver, yardstick, type Yardstick } from './benchmark.js';
import { checkLookahead, INPUTS, releaseDates, sampleDates } from './lookahead.js';
import { figures, type Path } from './metrics.js';
import { stepIndices } from './plan.js';
import { runWalks, type WalkPath } from './pool.js';
import { endEvidence, regimeSummary } from './evidence.js';
import type { AgentStats, BacktestResult, Coverage, SymbolResult } from './schema.js';
import { agentStats, consensusStats, signedScore, type Call } from './signals.js';
import { combine, forwardReturn, holdBetween, positionOf, simulate } from './simulate.js';
import { ACTIONS, decisionAt, SIGNALS, type StepColumns, type VoteColumns } from './track.js';
import { stepDays, universePlans, type Plan } from './universe-plan.js';
import { sourceOf, type AnalystSetup, type Decision } from './walk.js';

export interface BacktestOptions {
  /** Canonical symbols, without repeats; ignored with a universe (`setup.universe` 'sp500'), whose members are walked. */
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
  /** How each step's decision is made (same numbers either way); default 'track', or 'steps' with an LLM. */
  path?: WalkPath | undefined;
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
  /** Every step, symbol by symbol, built as it is read (a universe's millions of steps are kept as columns). */
  rows: () => Iterable<StepRow>;
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

function agentBlock(agents: readonly AgentInfo[], calls: (id: string) => Call[], options: BacktestOptions): Record<string, AgentStats> {
  return Object.fromEntries(agents.map((a) => [a.id, agentStats(a.name, calls(a.id), options.horizons, options.every)]));
}

/** One symbol's walk with what followed each step: kept for the pooled figures and the rows. */
interface Walked {
  plan: Plan;
  columns: StepColumns;
  forward: (number | null)[][];
  yardsticks: Yardstick[];
  excess: (number | null)[][];
}

/** The decision of a walk's step k, as `analyze --as-of` made it, with the regime of its day. */
const decisionOf = (w: Walked, k: number, regime: (symbol: string, date: string) => Record<string, string>) =>
  decisionAt(w.columns, k, w.plan.dates[k]!, regime(w.plan.symbol, w.plan.dates[k]!));

/** The steps of `symbols`, each from its own first day with 300 days of history (or --from) to its last with a next open. */
function symbolPlans(store: HistorySource, options: BacktestOptions): Plan[] {
  return options.symbols.map((symbol) => {
    const bars = store.barRows(symbol);
    const steps = stepIndices(symbol, bars, options);
    return { symbol, bars, steps, dates: steps.map((i) => bars.at(i)!.date), runs: [0] };
  });
}

/** A symbol's paths over its runs of consecutive steps, joined: a stock is held only while it is a member. */
function simulateRuns(plan: Plan, positions: readonly number[], costBps: number): { strategy: Path; buyAndHold: Path } {
  const parts = plan.runs.map((start, r) => {
    const end = plan.runs[r + 1] ?? plan.steps.length;
    return simulate(plan.bars, plan.steps.slice(start, end), positions.slice(start, end), costBps);
  });
  if (parts.length === 1) return parts[0]!;
  const join = (paths: Path[]): Path => ({
    dates: paths.flatMap((p) => p.dates),
    end: paths.at(-1)!.end,
    returns: paths.flatMap((p) => p.returns),
    exposure: paths.flatMap((p) => p.exposure),
    traded: paths.flatMap((p) => p.traded),
  });
  return { strategy: join(parts.map((p) => p.strategy)), buyAndHold: join(parts.map((p) => p.buyAndHold)) };
}

/**
 * Runs the backtest. Checks everything before the first analysis: the window (BAD_ARGUMENT when --from is after
 * --to), each symbol (UNKNOWN_SYMBOL) and its dates (DATE_OUT_OF_RANGE). With a universe, each member is walked on
 * the step days it was a member and had a price, and the result says what could not be counted.
 */
export async function runBacktest(options: BacktestOptions): Promise<BacktestRun> {
  if (options.from !== undefined && options.to !== undefined && options.from > options.to) {
    throw new SignalsError('BAD_ARGUMENT', `--from ${options.from} is after --to ${options.to}`);
  }
  const walkSource = sourceOf(options.setup);
  const { store, source } = walkSource;
  let plans: Plan[];
  let coverage: Coverage | undefined;
  if (options.setup.universe === 'sp500') {
    ({ plans, coverage } = universePlans(source, universeOf('sp500', source, store.bundledDir), stepDays(source, options)));
  } else plans = symbolPlans(store, options);
  options.onPlan?.(plans.reduce((n, p) => n + p.steps.length, 0));
  const walks = await runWalks(
    plans.map((p) => ({ symbol: p.symbol, steps: p.steps, dates: p.dates })),
    options.setup,
    {
      workers: options.workers,
      path: options.path ?? (options.setup.llm ? 'steps' : 'track'),
      source: walkSource,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    },
  );

  const measured = new Map<string, Yardstick>();
  const measureDay = yardstick(store, options.horizons);
  const measure = (date: string) => {
    let y = measured.get(date);
    if (y === undefined) measured.set(date, (y = measureDay(date)));
    return y;
  };
  // The regime is the same for every symbol on a day (SPY's trend and macro data): read once a day.
  const regimes = new Map<string, Record<string, string>>();
  const regimeOn = (symbol: string, date: string) => {
    let states = regimes.get(date);
    if (states === undefined) {
      states = Object.fromEntries(Object.entries(regimeOf(snapshotAt(source, symbol, closeOf(date)))).map(([id, r]) => [id, r.state]));
      regimes.set(date, states);
    }
    return states;
  };
  // A market-wide agent's confidence is a probability that the market beats cash, so it is judged by that.
  const marketWide = new Set(
    defaultAgents({ bundledDir: store.bundledDir, llm: options.setup.llm })
      .filter((a) => a.scope === 'market')
      .map((a) => a.id),
  );
  const symbols: SymbolResult[] = [];
  const curves: Curves['symbols'] = [];
  const walked: Walked[] = [];
  /** Steps whose decisions the summary of the evidence and the regime reads: each day's first, and each walk's last. */
  const marks: Decision[] = [];
  const consensusCall = (w: Walked, k: number): Call => ({
    date: w.plan.dates[k]!,
    action: ACTIONS[w.columns.action[k]!]!,
    confidence: w.columns.confidence[k]!,
    forward: w.forward[k]!,
    excess: w.excess[k]!,
  });
  // An agent is judged by what it published: its own rule's call, with the probability that the call is right.
  const agentCall = (w: Walked, k: number, votes: VoteColumns | undefined, id: string): Call => ({
    date: w.plan.dates[k]!,
    action: votes === undefined ? 'FAILED' : SIGNALS[votes.signal[k]!]!,
    confidence: votes?.confidence[k] ?? 0,
    forward: w.forward[k]!,
    excess: marketWide.has(id) ? w.yardsticks[k]!.spyOverCash : w.excess[k]!,
  });
  const callsOf = (w: Walked, id: string) => {
    const votes = w.columns.agents.find((a) => a.id === id);
    return w.plan.steps.map((_, k) => agentCall(w, k, votes, id));
  };
  let agents: AgentInfo[] = [];
  for (const plan of plans) {
    const columns = walks.get(plan.symbol)!;
    const yardsticks = plan.dates.map(measure);
    const forward = plan.steps.map((i) => options.horizons.map((h) => forwardReturn(plan.bars, i, h)));
    const w: Walked = { plan, columns, forward, yardsticks, excess: forward.map((f, k) => excessOver(plan.symbol, f, yardsticks[k]!.spy)) };
    walked.push(w);
    const positions = Array.from(columns.action, (a) => positionOf(ACTIONS[a]!, options.allowShort));
    const { strategy, buyAndHold } = simulateRuns(plan, positions, options.costBps);
    plan.dates.forEach((date, k) => {
      if (!regimes.has(date)) marks.push(decisionOf(w, k, regimeOn));
    });
    const last = decisionOf(w, plan.steps.length - 1, regimeOn);
    marks.push(last);
    agents = Object.entries(last.votes).map(([id, v]) => ({ id, name: v.name }));
    curves.push({ symbol: plan.symbol, strategy, buyAndHold });
    symbols.push({
      symbol: plan.symbol,
      from: plan.dates[0]!,
      to: plan.dates.at(-1)!,
      steps: plan.steps.length,
      strategy: figures(strategy),
      buy_and_hold: figures(buyAndHold),
      signals: consensusStats(
        plan.steps.map((_, k) => consensusCall(w, k)),
        options.horizons,
        options.every,
      ),
      agents: agentBlock(agents, (id) => callsOf(w, id), options),
    });
  }

  const portfolio = { strategy: combine(curves.map((c) => c.strategy)), buyAndHold: combine(curves.map((c) => c.buyAndHold)) };
  const start = portfolio.strategy.dates[0];
  const end = portfolio.strategy.end;
  const spy = store.has(BENCHMARK) && start !== undefined && end !== null ? holdBetween(store.barRows(BENCHMARK), start, end) : null;
  const analyses = walked.reduce((n, w) => n + w.plan.steps.length, 0);
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
      analyses,
    },
    ...(coverage ? { universe: coverage } : {}),
    symbols,
    portfolio: {
      symbols: symbols.length,
      strategy: figures(portfolio.strategy),
      buy_and_hold: figures(portfolio.buyAndHold),
      // Pooled one method at a time, so that only one method's calls are in memory at once.
      signals: consensusStats(
        walked.flatMap((w) => w.plan.steps.map((_, k) => consensusCall(w, k))),
        options.horizons,
        options.every,
      ),
      agents: agentBlock(agents, (id) => walked.flatMap((w) => callsOf(w, id)), options),
    },
    spy: spy === null || spy.returns.length === 0 ? null : figures(spy),
    evidence: endEvidence(marks),
    regime: regimeSummary(marks),
    ...(lookahead ? { lookahead } : {}),
  };
  function* rows(): Generator<StepRow> {
    for (const w of walked) {
      const positions = Array.from(w.columns.action, (a) => positionOf(ACTIONS[a]!, options.allowShort));
      for (let k = 0; k < w.plan.steps.length; k++) {
        const d = decisionOf(w, k, regimeOn);
        yield {
          ...d,
          symbol: w.plan.symbol,
          score: signedScore(d.action, d.confidence)!,
          position: positions[k]!,
          nextOpen: w.plan.bars.at(w.plan.steps[k]! + 1)!.open,
          forward: w.forward[k]!,
        };
      }
    }
  }
  return { result: rounded(result), rows, curves: { symbols: curves, portfolio, spy } };
}
