// The evidence an analyst reads: the bundled history's book and monthly samples, saved by the build and loaded once per process.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CALL_HORIZON, type Agent } from '../agents/agent.js';
import { economicIndicator } from '../agents/economic.js';
import { momentumAgent } from '../agents/momentum.js';
import { technicalAnalyst } from '../agents/technical.js';
import { volatilityRisk } from '../agents/volatility.js';
import { Book, buildBook, type EvidenceSet } from '../evidence/book.js';
import { collectStockSamples, collectTimingSamples, type StockSample } from '../evidence/samples.js';
import type { HistorySource } from '../market/history.js';
import { BENCHMARK } from '../market/snapshot.js';
import { MarketStore } from '../market/store.js';

/** The agents whose record over the bundled history the build saves. */
const BUILT_IN: readonly Agent[] = [technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator];

const bookFile = (bundledDir: string) => join(bundledDir, '..', 'dist', 'evidence.jsonl');
const samplesFile = (bundledDir: string, symbol: string) => join(bundledDir, '..', 'dist', 'evidence-samples', `${symbol}.json`);

/** Numbers of the saved book to 6 decimal places: its figures are printed to 4 at most. */
const compactNumbers = (_key: string, value: unknown) => (typeof value === 'number' ? Math.round(value * 1e6) / 1e6 : value);

/**
 * Build step: the built-in agents' monthly record over every bundled symbol, and the book it gives, pooled over
 * the bundled universe (every bundled stock but SPY, the benchmark).
 */
export async function writeBundledEvidence(store: MarketStore): Promise<void> {
  const samples = await collectStockSamples(store, BUILT_IN);
  const timing = await collectTimingSamples(store, BUILT_IN);
  const universe = { name: 'bundled', symbols: store.symbols().filter((s) => s !== BENCHMARK) };
  const agents = BUILT_IN.map((a) => ({ id: a.id, scope: a.scope ?? ('stock' as const) }));
  writeFileSync(bookFile(store.bundledDir), Book.serialize(buildBook(samples, timing, agents, universe, CALL_HORIZON), compactNumbers));
  mkdirSync(dirname(samplesFile(store.bundledDir, BENCHMARK)), { recursive: true });
  for (const [symbol, own] of bySymbol(samples)) writeFileSync(samplesFile(store.bundledDir, symbol), JSON.stringify(own));
}

/** The book of a history with no record: every agent has only its prior. */
const emptyBook = () => Book.of({ version: 1, horizon: CALL_HORIZON, universe: { name: 'none', symbols: [] }, agents: [], months: [] });

/** Samples by symbol. */
function bySymbol(samples: readonly StockSample[]): Map<string, StockSample[]> {
  const map = new Map<string, StockSample[]>();
  for (const s of samples) {
    const list = map.get(s.symbol);
    if (list) list.push(s);
    else map.set(s.symbol, [s]);
  }
  return map;
}

const loaded = new Map<string, EvidenceSet>();

/**
 * The saved evidence of the bundled data, read once per process; without a build's files, an empty book. A symbol's
 * samples are read when its track record is first asked for, so an analysis reads one small file, not all of them.
 */
function bundledEvidence(bundledDir: string): EvidenceSet {
  let set = loaded.get(bundledDir);
  if (set === undefined) {
    const book = existsSync(bookFile(bundledDir)) ? Book.parse(readFileSync(bookFile(bundledDir), 'utf8')) : null;
    const read = new Map<string, StockSample[]>();
    set = {
      book: book?.horizon === CALL_HORIZON ? book : emptyBook(),
      samplesOf(symbol) {
        let samples = read.get(symbol);
        if (samples === undefined) {
          const file = samplesFile(bundledDir, symbol);
          samples = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StockSample[]) : [];
          read.set(symbol, samples);
        }
        return samples;
      },
    };
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
      if (!(store instanceof MarketStore)) {
        const samples = bySymbol(await collectStockSamples(store, agents));
        return { book: emptyBook(), samplesOf: (symbol: string) => samples.get(symbol) ?? [] };
      }
      const bundled = bundledEvidence(store.bundledDir);
      const own = store.symbols().filter((s) => store.range(s).source === 'data-dir');
      if (own.length === 0) return bundled;
      const samples = bySymbol(await collectStockSamples(store, agents, own));
      return { book: bundled.book, samplesOf: (symbol: string) => samples.get(symbol) ?? (own.includes(symbol) ? [] : bundled.samplesOf(symbol)) };
    })();
    built.set(store, set);
  }
  return set;
}
