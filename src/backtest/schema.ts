// The shape of `signals backtest --json` (docs/backtest.md): its zod schema, and the types every backtest module infers from it.
import { z } from 'zod';
import { EvidenceData } from '../protocol/messages.js';

const Fraction = z.number().describe('a fraction: 0.0123 is 1.23%');
const MaybeNumber = z.number().nullable().describe('null where undefined (no days, no variation, no calls)');
const Count = z.number().int().min(0);
const Day = z.string().describe('YYYY-MM-DD');

/** A return series' figures. Fractions, not percent; annualised over 252 trading days; zero risk-free rate. */
export const Figures = z.object({
  start: Day.nullable().describe('the first open traded at'),
  end: Day.nullable().describe('the open that ends the last holding period'),
  days: Count.describe('holding periods (open to next open)'),
  total_return: Fraction,
  annual_return: MaybeNumber.describe('compound: (1 + total_return) ^ (252 / days) - 1'),
  annual_volatility: MaybeNumber.describe('sample sd of daily returns * sqrt(252)'),
  sharpe: MaybeNumber.describe('mean / sd of daily returns * sqrt(252)'),
  sortino: MaybeNumber.describe('mean daily return / sqrt(mean of min(r, 0)^2) * sqrt(252)'),
  max_drawdown: Fraction.describe('largest fall from a peak of equity, as a positive fraction'),
  exposure: Fraction.describe('mean |position|'),
  turnover: MaybeNumber.describe('sum of |change of position| per year; an entry or an exit is 1'),
});
export type Figures = z.infer<typeof Figures>;

/** What followed the calls of one action at one horizon. */
export const ActionStats = z.object({
  count: Count,
  mean_return: MaybeNumber.describe('mean forward return from the next open'),
  hit_rate: MaybeNumber.describe('BUY: share followed by a rise; SELL: by a fall; null for the others'),
});

const Significance = {
  t_stat: MaybeNumber.describe('Newey-West (Bartlett) t with `lag`'),
  p_value: MaybeNumber.describe('two-sided, normal approximation of t_stat'),
  interval: z
    .tuple([z.number(), z.number()])
    .nullable()
    .describe('95% interval of the estimate, normal approximation: estimate +- 1.96 |estimate / t_stat|'),
  lag: Count.describe('overlap of consecutive forward returns, in steps: ceil(horizon / every) - 1'),
};

/** Rank information coefficient of the signed score against the forward return. */
export const Ic = z.object({
  pooled: z.object({ ic: MaybeNumber.describe('Spearman over every (symbol, step)'), n: Count, ...Significance }),
  per_date: z.object({
    mean: MaybeNumber.describe('mean of the cross-sectional Spearman of each date with 3 or more varying calls'),
    dates: Count,
    ...Significance,
  }),
});

export const CalibrationRow = z.object({
  from: z.number().describe('confidence bucket, from (inclusive)'),
  to: z.number().describe('to (exclusive; the last bucket includes 1)'),
  count: Count,
  mean_confidence: MaybeNumber,
  hit_rate: MaybeNumber.describe('share of the BUY and SELL calls in the bucket that were right: beat SPY in their direction'),
});

/** Brier score of the BUY and SELL calls' confidence as a forecast of being right (beating SPY in their direction), against the base-rate forecast. */
export const Brier = z.object({
  calls: Count,
  score: MaybeNumber.describe("mean of (confidence - right)^2, right being 1 (beat SPY in the call's direction; market-wide: SPY beat cash) or 0"),
  base_rate: MaybeNumber.describe(
    'the same for a constant forecast equal to the share of those calls that were right (a hindsight base rate): hit rate * (1 - hit rate)',
  ),
});

const horizonStats = <A extends z.ZodRawShape>(byAction: z.ZodObject<A>) =>
  z.object({
    horizon: Count.describe('trading days'),
    base: z.object({ count: Count, mean_return: MaybeNumber, up_rate: MaybeNumber.describe('share of steps followed by a rise') }),
    by_action: byAction,
    ic: Ic,
    calibration: z.array(CalibrationRow),
    brier: Brier,
  });

const ConsensusActions = z.object({ BUY: ActionStats, SELL: ActionStats, HOLD: ActionStats, NO_SIGNAL: ActionStats });
const VoteActions = z.object({ BUY: ActionStats, SELL: ActionStats, HOLD: ActionStats });

/** The consensus's calls: how many of each, and what followed them. */
export const SignalStats = z.object({
  steps: Count,
  actions: z.object({ BUY: Count, SELL: Count, HOLD: Count, NO_SIGNAL: Count }),
  horizons: z.array(horizonStats(ConsensusActions)),
});
export type SignalStats = z.infer<typeof SignalStats>;

/**
 * One agent's own votes, scored the same way: its own rule's vote from its raw score (`indicators[id.score]`) where
 * it has one, else its vote in agent_details; abstentions and failures are left out of IC.
 */
export const AgentStats = z.object({
  name: z.string(),
  steps: Count,
  coverage: Fraction.describe('share of steps on which the agent voted'),
  actions: z.object({ BUY: Count, SELL: Count, HOLD: Count, ABSTAINED: Count, FAILED: Count }),
  horizons: z.array(horizonStats(VoteActions)),
});
export type AgentStats = z.infer<typeof AgentStats>;

export const SymbolResult = z.object({
  symbol: z.string(),
  from: Day.describe('first step (as of its close)'),
  to: Day.describe('last step'),
  steps: Count,
  strategy: Figures.describe('long on BUY, short on SELL with --allow-short, flat otherwise; at the next open; after costs'),
  buy_and_hold: Figures.describe('the symbol held over the same days, no costs'),
  signals: SignalStats,
  agents: z.record(z.string(), AgentStats),
});
export type SymbolResult = z.infer<typeof SymbolResult>;

export const Settings = z.object({
  from: Day.nullable().describe('--from, or null: each symbol from its first day with 300 days of history'),
  to: Day.nullable().describe('--to, or null: each symbol to its last day with a next open'),
  every: Count,
  horizons: z.array(Count),
  cost_bps: z.number(),
  allow_short: z.boolean(),
  consensus: z.object({
    weights: z.record(z.string(), z.number()),
    default_weight: z.number(),
    min_confidence: z.number(),
    gate: z.number(),
    quorum: Count,
    denominator: z.enum(['all', 'completed']),
  }),
  agents: z.array(z.object({ id: z.string(), name: z.string() })),
  analyses: Count,
});

/** `--check-lookahead`: the sampled steps re-run with each kind of later input perturbed; any decision that changed. */
export const Lookahead = z.object({
  steps: Count.describe('steps re-run, each once per input'),
  inputs: z.array(z.enum(['bars', 'macro', 'headlines'])),
  leaks: z.array(
    z.object({
      symbol: z.string(),
      date: Day,
      input: z.enum(['bars', 'macro', 'headlines']),
      field: z
        .string()
        .describe("what leaked: 'bars', 'headlines', a macro series, or a macro observation seen before its release ('UNRATE 2019-12-01')"),
      changed: z.array(z.string()).describe("'consensus', the ids of agents whose vote or confidence changed, and 'regime' when a regime state did"),
    }),
  ),
});

/** The records the analyses carried at the window's last step: what the evidence showed as the window ended. */
export const EndEvidence = z.object({
  as_of: Day.describe('the last step of the window'),
  consensus: EvidenceData.nullable().describe(
    "the consensus's record and verdict (`label`); null when the consensus carries none (--reference-consensus)",
  ),
  agents: z.record(z.string(), EvidenceData).describe("each agent's record, with its weight in the consensus"),
});
export type EndEvidence = z.infer<typeof EndEvidence>;

/** The market regime over the window: the share of step days in each state, per signal, and its record at the end. */
export const RegimeSummary = z.object({
  days: Count.describe('distinct step days (the regime is the same for every symbol on a day)'),
  signals: z.record(
    z.string(),
    z.object({
      days: Count.describe('step days on which the signal had data'),
      states: z.record(z.string(), Fraction).describe('share of those days in each state'),
      evidence: EvidenceData.nullable().describe('its record as a market-timing signal at the last step'),
    }),
  ),
});
export type RegimeSummary = z.infer<typeof RegimeSummary>;

/** `--universe sp500`: what the walk counted of the members on the step days, and what it could not. */
export const Coverage = z.object({
  name: z.string().describe('the universe'),
  member_steps: Count.describe('step days times the members on each: what a full count would hold'),
  counted: Count.describe('member steps analysed: the member had a bar that day and a next open to trade at'),
  without_prices: Count.describe('member steps with no bar that day (a member whose prices the data lacks)'),
  without_next_open: Count.describe("member steps on the member's last bar, with no open after it to trade at"),
  symbols_without_prices: z.array(z.string()).describe('members on some step day with a bar on none of them'),
});
export type Coverage = z.infer<typeof Coverage>;

export const BacktestResult = z.object({
  settings: Settings,
  universe: Coverage.optional().describe('(addition) only with --universe sp500'),
  symbols: z.array(SymbolResult),
  portfolio: z.object({
    symbols: Count,
    strategy: Figures.describe('equal weight across symbols, rebalanced daily'),
    buy_and_hold: Figures,
    signals: SignalStats.describe('every symbol pooled'),
    agents: z.record(z.string(), AgentStats),
  }),
  spy: Figures.nullable().describe('SPY held from the first to the last day of the portfolio; null without SPY data'),
  evidence: EndEvidence.nullable().describe('(addition) the records as of the end of the window; null when the analyses carried none'),
  regime: RegimeSummary.describe('(addition) the market regime over the window'),
  lookahead: Lookahead.optional().describe('only with --check-lookahead'),
});
export type BacktestResult = z.infer<typeof BacktestResult>;
