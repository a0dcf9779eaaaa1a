// The evidence beside every vote and signal, and the market regime: zod schemas shared by the wire messages and the ranking.
import * as z from 'zod';

/**
 * (addition) What a method's record showed before the as-of time, computed only from outcomes known by then. A
 * stock-picking method ('cross_section') is judged by its monthly rank IC across the universe's stocks (its score,
 * demeaned across them, against each stock's forward return in excess of SPY); a market-wide one ('market_timing')
 * by the rank correlation over time of its score with SPY's forward return over cash.
 */
export const EvidenceData = z.object({
  kind: z.enum(['cross_section', 'market_timing']),
  universe: z.string().describe('the universe whose stocks the record pools, e.g. "bundled (29 stocks)"; "SPY against cash" for market timing'),
  horizon_days: z.number().int().min(1),
  months: z.number().int().min(0).describe('months of known outcomes in the IC series'),
  since: z.string().nullable().describe('YYYY-MM-DD of the first call counted'),
  until: z.string().nullable().describe('YYYY-MM-DD of the last call counted'),
  ic: z.number().nullable().describe('mean monthly IC; null under 24 months'),
  t: z.number().nullable().describe('its Newey-West t'),
  interval: z.tuple([z.number(), z.number()]).nullable().describe('95% interval of the mean IC'),
  calls: z.number().int().min(0).describe("the method's own BUY and SELL calls with a known outcome"),
  hit_rate: z.number().min(0).max(1).nullable().describe('share of those that were right: beat SPY (or, market-wide, cash) in their direction'),
  prior_ic: z.number().describe('the IC expected before any record (docs/evidence.md)'),
  shrunk_ic: z.number().describe('the prior updated by the record'),
  edge: z.boolean().describe("whether the record passes the one-sided test: t >= 2 in the method's published direction"),
  weight: z.number().min(0).optional().describe("an agent's weight in this consensus"),
  label: z.string().describe('the verdict in words, e.g. "edge: none demonstrated (IC 0.03, t 1.5 over 145 months)"'),
});
export type EvidenceData = z.infer<typeof EvidenceData>;

/** (addition) One signal of the market regime: its reading, the state it names, and its own record as a market-timing signal. */
export const RegimeReadingData = z.object({
  state: z.string(),
  value: z.number(),
  label: z.string().describe('what the value is'),
  score: z.number().min(-1).max(1).describe('risk-on positive'),
  evidence: EvidenceData.optional(),
});
export const RegimeData = z.record(z.string(), RegimeReadingData).describe('trend, volatility, curve, recession: each present when its data is');
export type RegimeData = z.infer<typeof RegimeData>;
