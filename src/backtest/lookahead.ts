// `--check-lookahead`: re-runs a sample of steps with every input dated after the as-of changed, one kind at a time; a decision that changes is a leak.
import type { Agent } from '../agents/agent.js';
import { Analyst } from '../core/analyst.js';
import { closeOf, publishedAt } from '../market/publication.js';
import { resolveAsOf } from '../market/snapshot.js';
import type { MarketStore } from '../market/store.js';
import { MACRO_SERIES, type Bar, type Headline, type MacroSeries } from '../market/types.js';
import type { ConsensusConfig } from '../orchestrator/consensus.js';
import { decisionOf, type Decision } from './walk.js';

/** Steps per symbol that `--check-lookahead` re-runs. */
export const LOOKAHEAD_SAMPLE = 12;

/** The kinds of input perturbed, one at a time: daily bars (the symbol's and SPY's), macro observations, headlines. */
export const INPUTS = ['bars', 'macro', 'headlines'] as const;
export type Input = (typeof INPUTS)[number];

/**
 * A decision that changed when only data after its as-of changed: `changed` names the consensus and the agents that
 * moved; `field` the data that leaked (`bars`, `headlines`, a macro series, or a macro observation seen before its
 * release, as `UNRATE 2019-12-01`).
 */
export interface Leak {
  symbol: string;
  date: string;
  input: Input;
  field: string;
  changed: string[];
}

/** After the symbol's cashtag, so that every such headline is about the symbol (market/headlines.ts) and would count. */
const LATE_TITLE = 'shares plunge as fraud probe widens; company withdraws guidance and suspends dividend';

const scaled = (b: Bar): Bar => ({ ...b, open: b.open * 1.7, high: b.high * 1.7, low: b.low * 1.7, close: b.close * 1.7, volume: b.volume * 10 });

/**
 * A view of `store` in which every input of kind `input` dated after `asOf` is changed beyond recognition (prices
 * scaled by 1.7, macro values tripled, later headlines turned alarming and ten more published a second after
 * `asOf`), and everything known at `asOf` is as it was. Macro observations count as later when the release calendar
 * (`publishedAt`) dates them after `asOf`, whatever the store says of them; `only` narrows macro to one series.
 * Everything else is the store's own (its prototype).
 */
export function perturbedView(store: MarketStore, asOf: string, input: Input, only?: MacroSeries): MarketStore {
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
      only !== undefined && series !== only
        ? store.macro(series)
        : store
            .macro(series)
            .slice()
            .map((o) => (publishedAt(series, o.date) > asOf ? { ...o, value: o.value * 3 + 10 } : o));
  }
  if (input === 'headlines') {
    const soon = new Date(Date.parse(asOf) + 1000).toISOString();
    view.headlines = (symbol) => {
      const rows = store.headlines(symbol).slice();
      const known = rows.filter((h) => h.published <= asOf);
      const late = rows.filter((h) => h.published > asOf).map((h): Headline => ({ ...h, title: `$${symbol} ${LATE_TITLE}` }));
      const injected = Array.from({ length: 10 }, (_, i): Headline => ({
        published: soon,
        title: `$${symbol} ${LATE_TITLE} (${i + 1})`,
        source: 'check',
      }));
      return [...known, ...injected, ...late];
    };
  }
  return view;
}

/**
 * What differs between two decisions of the same step: 'consensus', the ids of agents whose vote, confidence or raw
 * score moved, and 'regime' when a regime signal's state did.
 */
function differences(a: Decision, b: Decision): string[] {
  const changed = a.action !== b.action || a.confidence !== b.confidence ? ['consensus'] : [];
  for (const [id, vote] of Object.entries(a.votes)) {
    const other = b.votes[id];
    if (other?.signal !== vote.signal || other.confidence !== vote.confidence || other.score !== vote.score) changed.push(id);
  }
  if (JSON.stringify(a.regime) !== JSON.stringify(b.regime)) changed.push('regime');
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
  const changedBy = async (view: MarketStore, symbol: string, asOf: string, before: Decision) =>
    differences(before, decisionOf(before.date, await analystOn(view).final(symbol, asOf, 'cli')));
  for (const { symbol, date } of samples) {
    const asOf = resolveAsOf(options.store, symbol, date);
    const before = decisionOf(date, await plain.final(symbol, asOf, 'cli'));
    for (const input of INPUTS) {
      const changed = await changedBy(perturbedView(options.store, asOf, input), symbol, asOf, before);
      if (changed.length === 0) continue;
      if (input !== 'macro') {
        leaks.push({ symbol, date, input, field: input, changed });
        continue;
      }
      // Which series leaked: each perturbed on its own.
      for (const series of MACRO_SERIES) {
        const moved = await changedBy(perturbedView(options.store, asOf, input, series), symbol, asOf, before);
        if (moved.length > 0) leaks.push({ symbol, date, input, field: earlyObservation(options.store, series, asOf) ?? series, changed: moved });
      }
    }
  }
  return leaks;
}

/** The latest observation of `series` that `store` shows at `asOf` though the release calendar dates it later, as `SERIES date`. */
function earlyObservation(store: MarketStore, series: MacroSeries, asOf: string): string | undefined {
  const early = store
    .macro(series)
    .slice()
    .filter((o) => store.published(series, o.date) <= asOf && publishedAt(series, o.date) > asOf);
  return early.length > 0 ? `${series} ${early.at(-1)!.date}` : undefined;
}

/**
 * The steps among `dates` at which `store` shows a macro observation before the release calendar says it was out:
 * the first such step for each observation. A store that follows the calendar has none; one with a looser schedule
 * (a provider's, a user's) gets the very days its leaks could matter checked, which evenly spaced samples would miss.
 */
export function releaseDates(store: MarketStore, dates: readonly string[]): string[] {
  const found = new Set<string>();
  for (const series of MACRO_SERIES) {
    for (const o of store.macro(series).slice()) {
      const seen = store.published(series, o.date);
      const released = publishedAt(series, o.date);
      if (seen >= released) continue;
      const step = dates.find((d) => closeOf(d) >= seen && closeOf(d) < released);
      if (step !== undefined) found.add(step);
    }
  }
  return [...found].sort();
}

/**
 * `count` steps spread evenly over a symbol's dates, first and last included.
 * @example sampleDates(['a', 'b', 'c', 'd', 'e'], 3) // ['a', 'c', 'e']
 */
export function sampleDates(dates: readonly string[], count: number): string[] {
  if (dates.length <= count) return [...dates];
  return [...new Set(Array.from({ length: count }, (_, i) => dates[Math.round((i * (dates.length - 1)) / (count - 1))]!))];
}
