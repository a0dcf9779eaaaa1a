// The evidence an analyst reads: the bundled history's book and monthly samples, saved by the build and loaded once per process.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CALL_HORIZON, type Agent } from '../agents/agent.js';
import { economicIndicator } from '../agents/economic.js';
import { momentumAgent } from '../agents/momentum.js';
import { technicalAnalyst } from '../agents/technical.js';
import { volatilityRisk } from '../agents/volatility.js';
import { buildBook, type BookFile, type EvidenceSet } from '../evidence/book.js';
import { collectStockSamples, collectTimingSamples, type StockSample } from '../evidence/samples.js';
import type { HistorySource } from '../market/history.js';
import { BENCHMARK } from '../market/snapshot.js';
import { MarketStore } from '../market/store.js';

/** The agents whose record over the bundled history the build saves. */
const BUILT_IN: readonly Agent[] = [technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator];

const bookFile = (bundledDir: string) => join(bundledDir, '..', 'dist', 'evidence.json');
const samplesFile = (bundledDir: string) => join(bundledDir, '..', 'dist', 'evidence-samples.json');

/**
 * Build step: the built-in agents' monthly record over every bundled symbol, and the book it gives, pooled over
 * the bundled universe (every bundled stock but SPY, the benchmark).
 */
export async function writeBundledEvidence(store: MarketStore): Promise<void> {
  const samples = await collectStockSamples(store, BUILT_IN);
  const timing = await collectTimingSamples(store, BUILT_IN);
  const universe = { name: 'bundled', symbols: store.symbols().filter((s) => s !== BENCHMARK) };
  const agents = BUILT_IN.map((a) => ({ id: a.id, scope: a.scope ?? ('stock' as const) }));
  writeFileSync(bookFile(store.bundledDir), JSON.stringify(buildBook(samples, timing, agents, universe, CALL_HORIZON)));
  writeFileSync(samplesFile(store.bundledDir), JSON.stringify(samples));
}

/** The book of a history with no record: every agent has only its prior. */
const emptyBook = (): BookFile => ({ version: 1, horizon: CALL_HORIZON, universe: { name: 'none', symbols: [] }, agents: [], months: [] });

const loaded = new Map<string, EvidenceSet>();

/** The saved evidence of the bundled data, read once per process; without a build's files, an empty book. */
function bundledEvidence(bundledDir: string): EvidenceSet {
  let set = loaded.get(bundledDir);
  if (set === undefined) {
    const book = existsSync(bookFile(bundledDir)) ? (JSON.parse(readFileSync(bookFile(bundledDir), 'utf8')) as BookFile) : null;
    const samples = existsSync(samplesFile(bundledDir)) ? (JSON.parse(readFileSync(samplesFile(bundledDir), 'utf8')) as StockSample[]) : [];
    set = { book: book?.horizon === CALL_HORIZON ? book : emptyBook(), samples };
    loaded.set(bundledDir, set);
  }
  return set;
}

const built = new WeakMap<HistorySource, Promise<EvidenceSet>>();

/**
 * The evidence for analyses of `store`: always the bundled universe's book, so that a data folder's symbols never
 * change what the bundled symbols' evidence says, with the monthly samples of a data folder's own symbols run here
 * for their track records. A source that names a `calibrationSource` (a provider's) reads that one's. Built once per store.
 */
export function evidenceOf(store: HistorySource, agents: readonly Agent[]): Promise<EvidenceSet> {
  if (store.calibrationSource) return evidenceOf(store.calibrationSource, agents);
  let set = built.get(store);
  if (set === undefined) {
    set = (async () => {
      if (!(store instanceof MarketStore)) return { book: emptyBook(), samples: await collectStockSamples(store, agents) };
      const bundled = bundledEvidence(store.bundledDir);
      const own = store.symbols().filter((s) => store.range(s).source === 'data-dir');
      if (own.length === 0) return bundled;
      const kept = bundled.samples.filter((s) => !own.includes(s.symbol));
      return { book: bundled.book, samples: [...kept, ...(await collectStockSamples(store, agents, own))] };
    })();
    built.set(store, set);
  }
  return set;
}
