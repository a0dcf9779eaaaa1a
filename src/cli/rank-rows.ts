// Builds the `rank --json` shape (rank-json.ts) from a day's cross-section: the ranking, the percentiles, each method's evidence once.
import type { CrossSection, MemberCall } from '../core/cross-section.js';
import type { UniverseName } from '../market/universe.js';
import { BENCHMARK } from '../market/snapshot.js';
import type { RankResult, RankRow } from './rank-json.js';

export interface RankContext {
  asOf: string;
  requested: string | undefined;
  barDate: string;
  universe: UniverseName;
  members: number;
  withoutPrices: string[];
  agents: { id: string; name: string }[];
  /** The vote formula (--reference-consensus) has no weighted agreement: its sign is the action's, a HOLD's 0. */
  signedByAction: boolean;
}

const DIRECTION: Record<string, number> = { BUY: 1, SELL: -1 };

/**
 * The consensus's signed weighted agreement A: |A| is the consensus weight, the sign the action's, or for a HOLD the
 * sign of the agents' weighted directions (the weights the analysis published, which are A's own).
 * @example agreementOf(hold with weight 0.13 and a weighted SELL majority) // -0.13
 */
export function agreementOf(r: Pick<MemberCall, 'action' | 'weight' | 'agents'>, signedByAction = false): number {
  const size = r.weight;
  if (r.action !== 'HOLD') return (DIRECTION[r.action] ?? 0) * size;
  if (signedByAction || size === 0) return 0;
  const net = Object.values(r.agents).reduce((s, a) => s + (a.weight ?? 0) * (DIRECTION[a.signal] ?? 0), 0);
  return net < 0 ? -size : size;
}

/**
 * Percentiles 0 to 100 of items under `compare` (ascending): the lowest 0, the highest 100, ties their mean rank;
 * a lone item 50. Undefined items (an agent that did not vote) get null and do not count.
 * @example percentiles([3, 1, 2, 2], (a, b) => a - b) // [100, 0, 50, 50]
 */
export function percentiles<T>(items: readonly (T | undefined)[], compare: (a: T, b: T) => number): (number | null)[] {
  const order = items.flatMap((item, i) => (item === undefined ? [] : [i])).sort((i, j) => compare(items[i]!, items[j]!));
  const out = new Array<number | null>(items.length).fill(null);
  const n = order.length;
  for (let start = 0; start < n;) {
    let end = start + 1;
    while (end < n && compare(items[order[start]!]!, items[order[end]!]!) === 0) end++;
    const mid = (start + end - 1) / 2;
    for (let k = start; k < end; k++) out[order[k]!] = n === 1 ? 50 : Math.round((1000 * mid) / (n - 1)) / 10;
    start = end;
  }
  return out;
}

type Keyed = { agreement: number; confidence: number; symbol: string };
/** The consensus's order, lowest first: the weighted agreement, then the confidence. */
const consensusOrder = (a: Keyed, b: Keyed) => a.agreement - b.agreement || a.confidence - b.confidence;
/** Best first, the symbol settling a tie. */
const byConsensus = (a: Keyed, b: Keyed) => consensusOrder(b, a) || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);

/** The day's ranking from its cross-section (every member with prices but the benchmark). */
export function rankResult(section: CrossSection, context: RankContext): RankResult {
  const keyed = section.calls.map((r) => ({ r, symbol: r.symbol, confidence: r.confidence, agreement: agreementOf(r, context.signedByAction) }));
  keyed.sort(byConsensus);
  const consensusPct = percentiles(keyed, consensusOrder);
  const agentPct = Object.fromEntries(
    context.agents.map((a) => [
      a.id,
      percentiles(
        keyed.map((k) => k.r.agents[a.id]?.score ?? undefined),
        (x, y) => x - y,
      ),
    ]),
  );
  const rows = keyed.map(({ r, agreement }, i): RankRow => ({
    rank: i + 1,
    symbol: r.symbol,
    action: r.action,
    confidence: r.confidence,
    agreement,
    consensus_percentile: consensusPct[i]!,
    agents: Object.fromEntries(
      context.agents.map((a) => {
        const vote = r.agents[a.id];
        return [a.id, { signal: vote?.signal ?? 'FAILED', score: vote?.score ?? null, percentile: agentPct[a.id]![i]! }];
      }),
    ),
    price: r.price,
    bar_date: context.barDate,
  }));
  return {
    as_of: context.asOf,
    bar_date: context.barDate,
    requested: context.requested ?? null,
    universe: {
      name: context.universe,
      members: context.members,
      ranked: rows.length,
      without_prices: context.withoutPrices,
      benchmark: BENCHMARK,
    },
    regime: section.regime,
    evidence: section.evidence,
    rows,
    unranked: [...section.misses].sort((a, b) => (a.symbol < b.symbol ? -1 : 1)),
  };
}
