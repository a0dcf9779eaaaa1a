// `--check-lookahead`: re-runs a sample of steps with every input dated after the as-of changed, one kind at a time; a decision that changes is a leak.
import type { Agent } from '../agents/agent.js';
import { Analyst } from '../core/analyst.js';
import { publishedAt } from '../market/publication.js';
import { resolveAsOf } from '../market/snapshot.js';
import type { MarketStore } from '../market/store.js';
import type { Bar, Headline } from '../market/types.js';
import type { ConsensusConfig } from '../orchestrator/consensus.js';
import { decisionOf, type Decision } from './walk.js';

/** Steps per symbol that `--check-lookahead` re-runs. */
export const LOOKAHEAD_SAMPLE = 12;

/** The kinds of input perturbed, one at a time: daily bars (the symbol's and SPY's), macro observations, headlines. */
export const INPUTS = ['bars', 'macro', 'headlines'] as const;
export type Input = (typeof INPUTS)[number];

/** A decision that changed when only data after its as-of changed: `changed` names the consensus and the agents that moved. */
export interface Leak {
  symbol: string;
  date: string;
  input: Input;
  changed: string[];
}

const LATE_TITLE = 'shares plunge as fraud probe widens; company withdraws guidance and suspends dividend';

const scaled = (b: Bar): Bar => ({ ...b, open: b.open * 1.7, high: b.high * 1.7, low: b.low * 1.7, close: b.close * 1.7, volume: b.volume * 10 });

/**
 * A view of `store` in which every input of kind `input` dated after `asOf` is changed beyond recognition (prices
 * scaled by 1.7, macro values tripled, later headlines turned alarming and ten more published a second after
 * `asOf`), and everything known at `asOf` is as it was. Everything else is the store's own (its prototype).
 */
export function perturbedView(store: MarketStore, asOf: string, input: Input): MarketStore {
  const view = Object.create(store) as MarketStore;
  const day = asOf.slice(0, 10);
  if (input === 'bars')
    view.barRows = (symbol) =>
      store
        .barRows(symbol)
        .slice()
        .map((b) => (b.date > day ? scaled(b) : b));
  if (input === 'macro') {
    view.macro = (series) =>
      store
        .macro(series)
        .slice()
        .map((o) => (publishedAt(series, o.date) > asOf ? { ...o, value: o.value * 3 + 10 } : o));
  }
  if (input === 'headlines') {
    const soon = new Date(Date.parse(asOf) + 1000).toISOString();
    view.headlines = (symbol) => {
      const rows = store.headlines(symbol).slice();
      const known = rows.filter((h) => h.published <= asOf);
      const late = rows.filter((h) => h.published > asOf).map((h): Headline => ({ ...h, title: `${symbol} ${LATE_TITLE}` }));
      const injected = Array.from({ length: 10 }, (_, i): Headline => ({
        published: soon,
        title: `${symbol} ${LATE_TITLE} (${i + 1})`,
        source: 'check',
      }));
      return [...known, ...injected, ...late];
    };
  }
  return view;
}

/** What differs between two decisions of the same step: 'consensus' and the ids of agents whose vote or confidence moved. */
function differences(a: Decision, b: Decision): string[] {
  const changed = a.action !== b.action || a.confidence !== b.confidence ? ['consensus'] : [];
  for (const [id, vote] of Object.entries(a.votes)) {
    const other = b.votes[id];
    if (other?.signal !== vote.signal || other.confidence !== vote.confidence) changed.push(id);
  }
  return changed;
}

export interface LookaheadOptions {
  store: MarketStore;
  consensus: ConsensusConfig;
  /** The agents to run against a store (the perturbed view for the checks); the analysis's own agents by default. */
  agentsFor: (store: MarketStore) => Agent[];
  agentTimeoutMs?: number;
}

/**
 * Re-runs each sampled step once per kind of input with that input perturbed after the as-of, and reports every
 * decision that changed. Nothing after the as-of may reach an analysis, so the list must be empty.
 */
export async function checkLookahead(samples: readonly { symbol: string; date: string }[], options: LookaheadOptions): Promise<Leak[]> {
  const analystOn = (store: MarketStore) =>
    new Analyst({ store, agents: options.agentsFor(store), consensus: options.consensus, agentTimeoutMs: options.agentTimeoutMs });
  const plain = analystOn(options.store);
  const leaks: Leak[] = [];
  for (const { symbol, date } of samples) {
    const asOf = resolveAsOf(options.store, symbol, date);
    const before = decisionOf(date, await plain.final(symbol, asOf, 'cli'));
    for (const input of INPUTS) {
      const after = decisionOf(date, await analystOn(perturbedView(options.store, asOf, input)).final(symbol, asOf, 'cli'));
      const changed = differences(before, after);
      if (changed.length > 0) leaks.push({ symbol, date, input, changed });
    }
  }
  return leaks;
}

/**
 * `count` steps spread evenly over a symbol's dates, first and last included.
 * @example sampleDates(['a', 'b', 'c', 'd', 'e'], 3) // ['a', 'c', 'e']
 */
export function sampleDates(dates: readonly string[], count: number): string[] {
  if (dates.length <= count) return [...dates];
  return [...new Set(Array.from({ length: count }, (_, i) => dates[Math.round((i * (dates.length - 1)) / (count - 1))]!))];
}
