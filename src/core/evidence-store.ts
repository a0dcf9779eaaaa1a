// The evidence an analyst reads: the bundled and S&P 500 universes' books and monthly samples, saved by the build and loaded once per process.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CALL_HORIZON, type Agent } from '../agents/agent.js';
import { economicIndicator } from '../agents/economic.js';
import { momentumAgent } from '../agents/momentum.js';
import { technicalAnalyst } from '../agents/technical.js';
import { volatilityRisk } from '../agents/volatility.js';
import { Book, buildBook, type EvidenceSet } from '../evidence/book.js';
import { barSamples, collectStockSamples, collectTimingSamples, type MarketScores, type StockSample } from '../evidence/samples.js';
import type { HistorySource } from '../market/history.js';
import { BENCHMARK } from '../market/snapshot.js';
import { MarketStore } from '../market/store.js';
import { UniverseHistory } from '../market/universe-history.js';
import { sp500Universe, type UniverseName } from '../market/universe.js';

/** The agents whose record over the bundled history the build saves. */
const BUILT_IN: readonly Agent[] = [technicalAnalyst, momentumAgent, volatilityRisk, economicIndicator];

const dist = (bundledDir: string, file: string) => join(bundledDir, '..', 'dist', file);
const bookFile = (bundledDir: string, universe: UniverseName) =>
  dist(bundledDir, universe === 'bundled' ? 'evidence.jsonl' : `evidence-${universe}.jsonl`);
const samplesFile = (bundledDir: string, symbol: string) => dist(bundledDir, join('evidence-samples', `${symbol}.json`));
/** The market-wide agents' scores at every month end of the S&P 500's members, for their track records. */
const marketFile = (bundledDir: string) => dist(bundledDir, 'evidence-market.json');

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
  writeFileSync(
    bookFile(store.bundledDir, 'bundled'),
    Book.serialize(buildBook(samples, timing, BOOK_AGENTS, universe, CALL_HORIZON), compactNumbers),
  );
  mkdirSync(dirname(samplesFile(store.bundledDir, BENCHMARK)), { recursive: true });
  for (const [symbol, own] of bySymbol(samples)) writeFileSync(samplesFile(store.bundledDir, symbol), JSON.stringify(own));
}

const BOOK_AGENTS = BUILT_IN.map((a) => ({ id: a.id, scope: a.scope ?? ('stock' as const) }));

/**
 * Build step: the built-in agents' monthly record over every S&P 500 member with prices (the bundled CSVs and
 * data/universe/sp500-daily.bin), each stock counted only at the month ends when it was a member, and the book it
 * gives, pooled over the members counted. Its `universe.symbols` is every stock the book ever counted, so it reads
 * `sp500 (N stocks)` with N over the whole history (a month end counts a few hundred of them). The market-wide
 * agents' scores by day are saved beside it: a member's track record is computed from its bars when first asked for.
 */
export async function writeSp500Evidence(store: MarketStore): Promise<void> {
  const history = new UniverseHistory(store);
  const sp500 = sp500Universe(store.bundledDir);
  const ever = new Set(sp500.memberships().map((m) => m.symbol));
  const market: MarketScores = new Map();
  const all = await collectStockSamples(
    history,
    BUILT_IN,
    history.symbols().filter((s) => ever.has(s)),
    CALL_HORIZON,
    'bars',
    market,
  );
  const samples = all.filter((s) => sp500.isMember(s.symbol, s.date));
  const timing = await collectTimingSamples(store, BUILT_IN);
  const universe = { name: 'sp500', symbols: [...new Set(samples.filter((s) => s.excess !== null).map((s) => s.symbol))].sort() };
  writeFileSync(bookFile(store.bundledDir, 'sp500'), Book.serialize(buildBook(samples, timing, BOOK_AGENTS, universe, CALL_HORIZON), compactNumbers));
  writeFileSync(marketFile(store.bundledDir), JSON.stringify(Object.fromEntries([...market].sort(([x], [y]) => (x < y ? -1 : 1)))));
}

/** The book of a history with no record (or a universe whose book was not built): every agent has only its prior. */
const emptyBook = (name = 'none') => Book.of({ version: 1, horizon: CALL_HORIZON, universe: { name, symbols: [] }, agents: [], months: [] });

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
 * The saved evidence of a universe, read once per process; without a build's files, an empty book. A bundled
 * symbol's samples are read when its track record is first asked for, so an analysis reads one small file, not all
 * of them; another S&P 500 member's are computed then from its bars (`other`).
 */
function savedEvidence(bundledDir: string, universe: UniverseName, other: (symbol: string) => StockSample[]): EvidenceSet {
  const key = `${universe}:${bundledDir}`;
  let set = loaded.get(key);
  if (set === undefined) {
    const file = bookFile(bundledDir, universe);
    const book = existsSync(file) ? Book.parse(readFileSync(file, 'utf8')) : null;
    const read = new Map<string, StockSample[]>();
    set = {
      book: book?.horizon === CALL_HORIZON ? book : emptyBook(universe),
      samplesOf(symbol) {
        let samples = read.get(symbol);
        if (samples === undefined) {
          const file = samplesFile(bundledDir, symbol);
          samples = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StockSample[]) : universe === 'bundled' ? [] : other(symbol);
          read.set(symbol, samples);
        }
        return samples;
      },
    };
    loaded.set(key, set);
  }
  return set;
}

/** The track record samples of an S&P 500 member outside the bundled set, from its bars (none for an unknown symbol). */
function memberSamples(store: MarketStore, agents: readonly Agent[]): (symbol: string) => StockSample[] {
  let history: UniverseHistory | undefined;
  let market: MarketScores | undefined;
  return (symbol) => {
    history ??= new UniverseHistory(store);
    if (!history.has(symbol)) return [];
    const file = marketFile(store.bundledDir);
    market ??= new Map(
      existsSync(file) ? Object.entries(JSON.parse(readFileSync(file, 'utf8')) as Record<string, Record<string, number | null>>) : [],
    );
    return barSamples(history, agents, symbol, market);
  };
}

const built = new WeakMap<HistorySource, Map<UniverseName, Promise<EvidenceSet>>>();

/**
 * The evidence for analyses of `store`: the saved book of `universe` (the bundled one by default, or the S&P 500's),
 * so that a data folder's symbols never change what the universe's evidence says, with the monthly samples of a
 * data folder's own symbols run here for their track records. A source that names a `calibrationSource` (a
 * provider's, the S&P 500 history's) reads that one's. Built once per store and universe.
 * @example (await evidenceOf(store, agents, 'sp500')).book.at('2019-01-31')
 */
export function evidenceOf(store: HistorySource, agents: readonly Agent[], universe: UniverseName = 'bundled'): Promise<EvidenceSet> {
  if (store.calibrationSource) return evidenceOf(store.calibrationSource, agents, universe);
  let sets = built.get(store);
  if (sets === undefined) built.set(store, (sets = new Map<UniverseName, Promise<EvidenceSet>>()));
  let set = sets.get(universe);
  if (set === undefined) {
    set = (async () => {
      if (!(store instanceof MarketStore)) {
        const samples = bySymbol(await collectStockSamples(store, agents));
        return { book: emptyBook(), samplesOf: (symbol: string) => samples.get(symbol) ?? [] };
      }
      const saved = savedEvidence(store.bundledDir, universe, memberSamples(store, agents));
      const own = store.ownSymbols();
      if (own.length === 0) return saved;
      const samples = bySymbol(await collectStockSamples(store, agents, own));
      return { book: saved.book, samplesOf: (symbol: string) => samples.get(symbol) ?? (own.includes(symbol) ? [] : saved.samplesOf(symbol)) };
    })();
    sets.set(universe, set);
  }
  return set;
}
