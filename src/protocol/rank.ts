// The one shape of a day's ranking, `signals rank --json` and the data of the `rank` message: its zod schema and the types inferred from it (built by src/core/rank.ts).
import * as z from 'zod';
import { DataSource } from './data-source.js';
import { ErrorCode } from './errors.js';
import { EvidenceData, RegimeData } from './evidence.js';
import { UNIVERSES } from './universes.js';

const Percentile = z.number().min(0).max(100).describe('0 the lowest of the day, 100 the highest; ties share their mean rank');

/** One agent's raw score on the stock and where it stands in the day's cross-section; null when the agent did not vote. */
const AgentScore = z.object({
  signal: z.enum(['BUY', 'SELL', 'HOLD', 'ABSTAINED', 'FAILED']),
  score: z.number().nullable(),
  percentile: Percentile.nullable(),
});

const Row = z.object({
  /** 1 for the highest weighted agreement (then confidence), as in the table. */
  rank: z.number().int().min(1),
  symbol: z.string(),
  action: z.enum(['BUY', 'SELL', 'HOLD']),
  confidence: z.number().min(0).max(1).describe('the chance the call is right in 21 days, as `analyze` gives it'),
  agreement: z.number().min(-1).max(1).describe("the consensus's signed weighted agreement A (docs/evidence.md)"),
  consensus_percentile: Percentile,
  agents: z.record(z.string(), AgentScore).describe('by agent id'),
  price: z.number().describe('the close of bar_date, to the cent'),
  bar_date: z.string(),
});

/** A member with prices that has no place in the ranking: too little history for a call (NO_SIGNAL), or its analysis failed. */
const Unranked = z.object({
  symbol: z.string(),
  action: z.enum(['NO_SIGNAL', 'ERROR']),
  reason: z.string(),
  code: z.enum(ErrorCode).nullable().describe('the error code of an ERROR'),
});

/** Evidence is per method, not per stock: each method's record once, as every row's analysis carries it. */
const Evidence = z.object({
  consensus: EvidenceData.nullable(),
  agents: z.record(z.string(), EvidenceData.extend({ name: z.string() })).describe('by agent id, for the agents that voted'),
});

export const RankResult = z.object({
  as_of: z.string().describe('ISO time the cross-section is analysed as of: the close of bar_date'),
  /** The trading day analysed: the --as-of day, or the trading day before it when the market was closed. */
  bar_date: z.string(),
  requested: z.string().nullable().describe('the --as-of given; null for the default, the last bundled day'),
  universe: z.object({
    name: z.enum(UNIVERSES),
    members: z.number().int().describe('members on bar_date, the benchmark too when it is one'),
    ranked: z.number().int(),
    /** Members without a bar on bar_date (docs/universe.md): counted here, never ranked. */
    without_prices: z.array(z.string()),
    /** Left out of the ranking as the benchmark every excess return is measured against. */
    benchmark: z.string(),
  }),
  regime: RegimeData.nullable(),
  evidence: Evidence,
  rows: z.array(Row).describe('ranked, best first'),
  unranked: z.array(Unranked),
  /** Where the prices come from and how old they are, as in `analyze --json`. */
  data_source: DataSource.optional(),
});
export type RankResult = z.infer<typeof RankResult>;
export type RankRow = RankResult['rows'][number];
