// The cross-section (one day's calls of many symbols at once) against `analyze --as-of` of each symbol: the same call, numbers and evidence.
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAgents } from '../../src/agents/index.js';
import { fromOutcome } from '../../src/cli/analyze-result.js';
import type { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { Analyst } from '../../src/core/analyst.js';
import type { CrossSection } from '../../src/core/cross-section.js';
import type { HistorySource } from '../../src/market/history.js';
import { closeOf } from '../../src/market/publication.js';
import { BENCHMARK } from '../../src/market/snapshot.js';
import { MarketStore } from '../../src/market/store.js';
import { upperBound } from '../../src/market/types.js';
import { UniverseHistory } from '../../src/market/universe-history.js';
import { universeOf, type UniverseName } from '../../src/market/universe.js';

const store = new MarketStore();

/** Whether the symbol has a bar on `day` (a member may have none: docs/universe.md). */
function barOn(source: HistorySource, symbol: string, day: string): boolean {
  const bars = source.barRows(symbol);
  const end = upperBound(bars, day, (b) => b.date);
  return end > 0 && bars.at(end - 1)!.date === day;
}

/** Every `step`-th member of the universe with a bar on `day`: a spread of the alphabet, young listings and old. */
function sample(source: HistorySource, universe: UniverseName, day: string, step: number): string[] {
  return universeOf(universe, store, store.bundledDir)
    .members(day)
    .filter((s) => s !== BENCHMARK && source.has(s) && barOn(source, s, day))
    .filter((_, i) => i % step === 0);
}

/** The per-symbol analysis, as `analyze SYMBOL --as-of DAY --json` prints it. */
async function analysed(analyst: Analyst, symbol: string, day: string): Promise<AnalyzeResult> {
  const outcome = await analyst.final(symbol, closeOf(day), 'cli');
  return fromOutcome(outcome, { agents: analyst.agents(), indicators: {}, barDate: day });
}

const cases: { universe: UniverseName; day: string; step: number }[] = [
  { universe: 'bundled', day: '2022-06-15', step: 1 },
  { universe: 'bundled', day: '2008-10-10', step: 1 },
  { universe: 'sp500', day: '2008-09-12', step: 9 },
  { universe: 'sp500', day: '2020-03-23', step: 11 },
  { universe: 'sp500', day: '2025-10-08', step: 13 },
];

describe.each(cases)('crossSection: $universe on $day', ({ universe, day, step }) => {
  let section: CrossSection;
  let expected: AnalyzeResult[];
  beforeAll(async () => {
    // The source `signals rank` reads: the S&P 500's packed bars read up to the day.
    const source = universe === 'sp500' ? new UniverseHistory(store, undefined, day) : store;
    const make = () => new Analyst({ store: source, agents: defaultAgents({ bundledDir: store.bundledDir }), universe, trackRecords: false });
    const symbols = sample(source, universe, day, step);
    section = await make().crossSection(symbols, day);
    const analyst = make();
    expected = [];
    for (const symbol of symbols) expected.push(await analysed(analyst, symbol, day));
  }, 120_000);

  it('makes the call analyze makes for each member, with its numbers and each agent’s signal, score and weight', () => {
    const called = expected.filter((r) => r.action === 'BUY' || r.action === 'SELL' || r.action === 'HOLD');
    expect(called.length).toBeGreaterThan(5);
    expect(section.calls.map((c) => c.symbol)).toEqual(called.map((r) => r.symbol));
    for (const [k, r] of called.entries()) {
      if (r.action !== 'BUY' && r.action !== 'SELL' && r.action !== 'HOLD') continue;
      const call = section.calls[k]!;
      expect(call).toMatchObject({ symbol: r.symbol, action: r.action, confidence: r.confidence, weight: r.consensus_weight, price: r.price });
      for (const [id, detail] of Object.entries(r.agents_consensus.agent_details)) {
        const score = r.metadata.indicators[`${id}.score`];
        expect(call.agents[id], `${r.symbol} ${id}`).toEqual({
          signal: detail.signal,
          score: typeof score === 'number' ? score : null,
          weight: detail.evidence?.weight ?? null,
        });
      }
    }
  });

  it('says why a member has no call, as analyze does', () => {
    const missed = expected.filter((r) => r.action === 'NO_SIGNAL' || r.action === 'ERROR');
    expect(section.misses).toEqual(missed.map((r) => ({ symbol: r.symbol, action: r.action, reason: r.reason, code: null })));
  });

  it("carries the day's regime and each method's evidence as every analysis does", () => {
    const called = expected.filter((r) => r.action === 'BUY' || r.action === 'SELL' || r.action === 'HOLD');
    expect(section.regime).toEqual(called[0]!.regime);
    expect(section.evidence.consensus).toEqual(called[0]!.evidence ?? null);
    for (const [id, evidence] of Object.entries(section.evidence.agents)) {
      const carried = called.find((r) => r.agents_consensus.agent_details[id]?.evidence)!.agents_consensus.agent_details[id]!;
      expect(evidence).toEqual({ ...carried.evidence, name: carried.name });
    }
    expect(Object.keys(section.evidence.agents)).toEqual(expect.arrayContaining(['technical', 'momentum', 'volatility']));
  });
});
