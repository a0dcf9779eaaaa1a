// A universe's ranking on one day (src/protocol/rank.ts), from its cross-section: the ranking, the percentiles, each method's evidence once.
import type { Agent } from '../agents/agent.js';
import type { HistorySource } from '../market/history.js';
import { closeOf } from '../market/publication.js';
import { BENCHMARK } from '../market/snapshot.js';
import { lastDay, type MarketStore } from '../market/store.js';
import { upperBound } from '../market/types.js';
import { UniverseHistory } from '../market/universe-history.js';
import { universeOf, type UniverseName } from '../market/universe.js';
import type { ConsensusConfig } from '../orchestrator/consensus.js';
import { SignalsError } from '../protocol/errors.js';
import type { RankResult, RankRow } from '../protocol/rank.js';
import { Analyst } from './analyst.js';
import type { CrossSection, MemberCall } from './cross-section.js';

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

/**
 * The trading day of `date` (default: the last bundled day): that day, or the one before it when the market was
 * closed, on the benchmark's calendar, which the bundled stocks' last day ends. Throws DATE_OUT_OF_RANGE outside it,
 * naming the date as `who` (the flag, or the request's field).
 */
export function tradingDay(store: MarketStore, date: string | undefined, who = '--as-of'): string {
  const days = store.barRows(BENCHMARK);
  const first = days.at(0)!.date;
  const last = lastDay(store);
  if (date === undefined || date === last) return last;
  if (date < first || date > last) {
    throw new SignalsError('DATE_OUT_OF_RANGE', `${who} ${date} is outside the data (${first} to ${last}); pick a date in that range`);
  }
  return days.at(upperBound(days, date, (b) => b.date) - 1)!.date;
}

/** Whether `symbol` has a bar on `day` (a member that has since left the market may have none). */
function pricedOn(source: HistorySource, symbol: string, day: string): boolean {
  if (!source.has(symbol)) return false;
  const bars = source.barRows(symbol);
  const end = upperBound(bars, day, (b) => b.date);
  return end > 0 && bars.at(end - 1)!.date === day;
}

export interface RankDayOptions {
  universe: UniverseName;
  /** A trading day of the store (`tradingDay`). */
  day: string;
  /** The day asked for, if any (it may be a day the market was closed). */
  requested: string | undefined;
  agents: Agent[];
  consensus?: ConsensusConfig | undefined;
  agentTimeoutMs?: number | undefined;
  /** The vote formula (--reference-consensus): see `RankContext.signedByAction`. */
  signedByAction: boolean;
  onProgress?: (done: number, of: number) => void;
}

/**
 * The universe's members on `day` ranked as of its close, each call as `analyze --as-of` makes it, from the store's
 * files (the S&P 500's packed bars built only up to the day); without `data_source`, which depends on the wall clock.
 * @example await rankDay(store, { universe: 'sp500', day: '2008-09-12', requested: undefined, agents, signedByAction: false })
 */
export async function rankDay(store: MarketStore, options: RankDayOptions): Promise<RankResult> {
  const { day } = options;
  const universe = universeOf(options.universe, store, store.bundledDir);
  // Only the bars an analysis as of the day's close sees are built (the packed history is decoded up to them).
  const source: HistorySource = options.universe === 'sp500' ? new UniverseHistory(store, undefined, day) : store;
  const all = universe.members(day);
  const members = all.filter((s) => s !== BENCHMARK);
  const priced = members.filter((s) => pricedOn(source, s, day));
  const pricedSet = new Set(priced);
  const analyst = new Analyst({
    store: source,
    agents: options.agents,
    consensus: options.consensus,
    agentTimeoutMs: options.agentTimeoutMs,
    // The evidence of the universe ranked: its own book, as `analyze --universe` reads it.
    universe: options.universe,
    trackRecords: false,
  });
  const section = await analyst.crossSection(priced, day, (done) => options.onProgress?.(done, priced.length));
  return rankResult(section, {
    asOf: closeOf(day),
    requested: options.requested,
    barDate: day,
    universe: universe.name,
    members: all.length,
    withoutPrices: members.filter((s) => !pricedSet.has(s)),
    agents: analyst.agents(),
    signedByAction: options.signedByAction,
  });
}

/**
 * The ranking with only some rows: the top and the bottom `top`, and those of `symbols`, in rank order, each keeping its
 * rank among all; every row when neither is given.
 * @example pickRows(result, 10, ['AAPL']).rows.map((r) => r.rank) // [1, ..., 10, 212, 491, ..., 500]
 */
export function pickRows(result: RankResult, top: number | undefined, symbols: readonly string[] | undefined): RankResult {
  if (top === undefined && symbols === undefined) return result;
  const n = result.rows.length;
  const wanted = new Set(symbols);
  const rows = result.rows.filter((r, i) => wanted.has(r.symbol) || (top !== undefined && (i < top || i >= n - top)));
  return { ...result, rows };
}
