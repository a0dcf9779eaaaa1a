// The evidence book: for every month, what each agent's, the consensus's and each regime signal's record showed before it began.
import { VOTE_THRESHOLD } from '../agents/agent.js';
import { REGIME_SIGNALS } from '../agents/regime.js';
import { crossSectionIc, edgeTest, timingSeries } from './edge-test.js';
import { fitLogistic, sigmoid } from './logistic.js';
import { priorOf } from './priors.js';
import type { StockSample, TimingSample } from './samples.js';
import { shrink, type Prior } from './stats.js';
import { agreement, callOf, CONSENSUS_GATE, weightOf, type Weighable } from './weights.js';
import type { Action } from '../protocol/messages.js';

/** 'cross_section': a stock-picking record (IC across stocks each month); 'market_timing': a record over time. */
export type EvidenceKind = 'cross_section' | 'market_timing';

/** What one method's record showed before a month began. */
export interface MethodRecord {
  kind: EvidenceKind;
  /** Months in the IC series. */
  months: number;
  /** Days of the first and last calls counted. */
  since: string | null;
  until: string | null;
  /** Mean monthly IC, its Newey-West standard error and t, the 95% interval; null under MIN_MONTHS months. */
  ic: number | null;
  se: number | null;
  t: number | null;
  lo: number | null;
  hi: number | null;
  /** The method's own BUY and SELL calls with a known outcome, and how many were right. */
  calls: number;
  hits: number;
  prior: Prior;
  /** The prior updated by the record (`shrink`). */
  shrunk: number;
  /** Whether the record passes the one-sided edge test (`edgeTest`). */
  edge: boolean;
  /** The calibration: P(the stock beats SPY, or the market beats cash) = sigmoid(a + b x score); null under MIN_MONTHS months. */
  fit: { a: number; b: number } | null;
}

/** The evidence in force during one month. */
export interface MonthEvidence {
  month: string;
  /** Share of every stock's monthly outcomes known before the month that beat SPY; null with none. */
  baseRate: number | null;
  agents: Record<string, MethodRecord>;
  /** The default consensus's record, and strict mode's. */
  consensus: MethodRecord;
  strict: MethodRecord;
  regime: Record<string, MethodRecord>;
}

export interface BookAgent {
  id: string;
  scope: 'stock' | 'market';
}

/** The evidence a process reads: the book, and a symbol's monthly samples (which its track record replays). */
export interface EvidenceSet {
  book: Book;
  samplesOf(symbol: string): readonly StockSample[];
}

/** The book as the build saves it. */
export interface BookFile {
  version: 1;
  horizon: number;
  /** The stocks whose records are pooled: a universe named and listed, so that what it covers is explicit. */
  universe: { name: string; symbols: string[] };
  agents: BookAgent[];
  months: MonthEvidence[];
}

interface Observation {
  date: string;
  known: string;
  score: number;
  excess: number;
}

const monthOf = (date: string) => date.slice(0, 7);
const byKnown = (x: { known: string }, y: { known: string }) => (x.known < y.known ? -1 : x.known > y.known ? 1 : 0);

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** One method's observations, grown as their outcomes become known. */
class Method {
  private readonly pending: Observation[] = [];
  private readonly known: Observation[] = [];
  private sorted = true;

  constructor(
    readonly kind: EvidenceKind,
    readonly prior: Prior,
    /** |score| at or above this is the method's own BUY or SELL. */
    private readonly callAt: number,
  ) {}

  add(observation: Observation): void {
    this.pending.push(observation);
    this.sorted = false;
  }

  /** The record from every observation known before `cutoff` (YYYY-MM-DD). */
  recordBefore(cutoff: string): MethodRecord {
    if (!this.sorted) {
      this.pending.sort(byKnown);
      this.sorted = true;
    }
    let take = 0;
    while (take < this.pending.length && this.pending[take]!.known < cutoff) take += 1;
    this.known.push(...this.pending.splice(0, take));
    const known = this.known;
    const ics =
      this.kind === 'cross_section'
        ? crossSectionSeries(known)
        : timingSeries(
            known.map((o) => o.score),
            known.map((o) => o.excess),
          );
    const tested = edgeTest(ics);
    let calls = 0;
    let hits = 0;
    const dates = known.map((o) => o.date).sort();
    for (const o of known) {
      if (Math.abs(o.score) < this.callAt) continue;
      calls += 1;
      if (Math.sign(o.score) * o.excess > 0) hits += 1;
    }
    const fit =
      tested === null
        ? null
        : fitLogistic(
            known.map((o) => o.score),
            known.map((o) => (o.excess > 0 ? 1 : 0)),
            known.map((o) => o.date),
          );
    return {
      kind: this.kind,
      months: ics.length,
      since: dates[0] ?? null,
      until: dates.at(-1) ?? null,
      ic: tested?.estimate.mean ?? null,
      se: tested?.estimate.se ?? null,
      t: tested?.t ?? null,
      lo: tested?.lo ?? null,
      hi: tested?.hi ?? null,
      calls,
      hits,
      prior: this.prior,
      shrunk: shrink(this.prior, tested?.estimate ?? null),
      edge: tested?.passes ?? false,
      fit: fit === null ? null : { a: fit.a, b: fit.b },
    };
  }
}

/** The monthly ICs of observations grouped by day, in day order. */
function crossSectionSeries(known: readonly Observation[]): number[] {
  const byDate = new Map<string, Observation[]>();
  for (const o of known) {
    const day = byDate.get(o.date);
    if (day) day.push(o);
    else byDate.set(o.date, [o]);
  }
  return [...byDate.keys()].sort().flatMap((date) => {
    const day = byDate.get(date)!;
    const ic = crossSectionIc(
      day.map((o) => o.score),
      day.map((o) => o.excess),
    );
    return ic === null ? [] : [ic];
  });
}

/** The consensus's weighted agreement at one stock's sample, under the agents' records of that month. */
function consensusScore(sample: StockSample, agents: readonly BookAgent[], records: Record<string, MethodRecord>, strict: boolean): number | null {
  const votes = agents.flatMap((a) => {
    const score = sample.scores[a.id];
    if (a.scope !== 'stock' || score === undefined) return [];
    const signal: Action = callOf(score, VOTE_THRESHOLD);
    return [{ signal, weight: weightOf(records[a.id]!, strict) }];
  });
  return agreement(votes);
}

/**
 * Builds the book from the record: each month's evidence uses only outcomes known before the month's first day.
 * Stock agents are judged across stocks (cross-sectional IC of the score against the return in excess of SPY);
 * market-wide agents and the regime's signals over time (against SPY's return over cash). The consensus's record
 * is that of its weighted agreement, each month under the weights that month's evidence gave.
 */
export function buildBook(
  stock: readonly StockSample[],
  timing: readonly TimingSample[],
  agents: readonly BookAgent[],
  universe: BookFile['universe'],
  horizon: number,
): BookFile {
  const methods = new Map<string, Method>();
  for (const a of agents) {
    methods.set(a.id, new Method(a.scope === 'stock' ? 'cross_section' : 'market_timing', priorOf(a.id, a.scope), VOTE_THRESHOLD));
  }
  const regime = new Map(REGIME_SIGNALS.map((id) => [id, new Method('market_timing', priorOf(id, 'market'), VOTE_THRESHOLD)]));
  const consensus = new Method('cross_section', priorOf('consensus', 'stock'), CONSENSUS_GATE);
  const strict = new Method('cross_section', priorOf('consensus', 'stock'), CONSENSUS_GATE);
  const pooled = new Set(universe.symbols);
  const members = stock.filter((s) => s.excess !== null && pooled.has(s.symbol));
  for (const s of members) {
    for (const a of agents) {
      const score = s.scores[a.id];
      if (a.scope === 'stock' && score !== undefined) methods.get(a.id)!.add({ date: s.date, known: s.known, score, excess: s.excess! });
    }
  }
  for (const s of timing) {
    const at = (score: number) => ({ date: s.date, known: s.known, score, excess: s.excess });
    for (const a of agents) if (a.scope === 'market' && s.scores[a.id] !== undefined) methods.get(a.id)!.add(at(s.scores[a.id]!));
    for (const [id, method] of regime) if (s.regime[id] !== undefined) method.add(at(s.regime[id]));
  }
  const byMonth = new Map<string, StockSample[]>();
  for (const s of members) {
    const list = byMonth.get(monthOf(s.date));
    if (list) list.push(s);
    else byMonth.set(monthOf(s.date), [s]);
  }
  const dates = [...members, ...timing].map((s) => s.date).sort();
  const knowns = [...members, ...timing].map((s) => s.known).sort();
  const months: MonthEvidence[] = [];
  if (dates.length === 0) return { version: 1, horizon, universe, agents: [...agents], months };
  const last = nextMonth(monthOf(knowns.at(-1)!));
  const sortedKnown = [...members].sort(byKnown);
  let beat = 0;
  let seen = 0;
  for (let month = monthOf(dates[0]!); month <= last; month = nextMonth(month)) {
    const cutoff = `${month}-01`;
    while (seen < sortedKnown.length && sortedKnown[seen]!.known < cutoff) {
      if (sortedKnown[seen]!.excess! > 0) beat += 1;
      seen += 1;
    }
    const agentRecords = Object.fromEntries(agents.map((a) => [a.id, methods.get(a.id)!.recordBefore(cutoff)]));
    for (const s of byMonth.get(month) ?? []) {
      const score = consensusScore(s, agents, agentRecords, false);
      if (score !== null) consensus.add({ date: s.date, known: s.known, score, excess: s.excess! });
      const strictScore = consensusScore(s, agents, agentRecords, true);
      if (strictScore !== null) strict.add({ date: s.date, known: s.known, score: strictScore, excess: s.excess! });
    }
    months.push({
      month,
      baseRate: seen === 0 ? null : beat / seen,
      agents: agentRecords,
      consensus: consensus.recordBefore(cutoff),
      strict: strict.recordBefore(cutoff),
      regime: Object.fromEntries([...regime].map(([id, m]) => [id, m.recordBefore(cutoff)])),
    });
  }
  return { version: 1, horizon, universe, agents: [...agents], months };
}

/** What the consensus reads of a month's evidence: the agents' weights and, for its confidence, its calibrations. */
export interface Weights {
  baseRate: number | null;
  agents: Record<string, Weighable>;
  consensus?: Pick<MethodRecord, 'fit'>;
  strict?: Pick<MethodRecord, 'fit'>;
}

/** P(beat) under a record's calibration, or the base rate without one (0.5 without either). */
export function probabilityOf(record: Pick<MethodRecord, 'fit'> | undefined, score: number, baseRate: number | null): number {
  if (record?.fit) return sigmoid(record.fit.a + record.fit.b * score);
  return baseRate ?? 0.5;
}

type Header = Omit<BookFile, 'months'> & { months: string[]; weights: Record<string, [number, 0 | 1]>[] };

/**
 * A book as a process reads it. Saved as a header line (the months, and each month's agent weights, which track
 * records replay for every past month) and one line per month, parsed only when an analysis asks for that month:
 * an analysis reads one month, not twenty years.
 */
export class Book {
  private readonly parsed = new Map<number, MonthEvidence>();
  private readonly weights = new Map<number, Weights | null>();

  private constructor(
    private readonly header: Header,
    private readonly month: (index: number) => MonthEvidence,
  ) {}

  get horizon(): number {
    return this.header.horizon;
  }

  get universe(): BookFile['universe'] {
    return this.header.universe;
  }

  /** The saved form of a built book. */
  static serialize(file: BookFile, replacer?: (key: string, value: unknown) => unknown): string {
    const header: Header = {
      ...file,
      months: file.months.map((m) => m.month),
      weights: file.months.map((m) => Object.fromEntries(Object.entries(m.agents).map(([id, r]) => [id, [r.shrunk, r.edge ? 1 : 0]]))),
    };
    return [header, ...file.months].map((line) => JSON.stringify(line, replacer)).join('\n');
  }

  static parse(text: string): Book {
    const first = text.indexOf('\n');
    const header = JSON.parse(first < 0 ? text : text.slice(0, first)) as Header;
    const starts: number[] = [];
    for (let at = first; at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    return new Book(header, (i) => JSON.parse(text.slice(starts[i], i + 1 < starts.length ? starts[i + 1]! - 1 : undefined)) as MonthEvidence);
  }

  static of(file: BookFile): Book {
    return new Book({ ...file, months: file.months.map((m) => m.month), weights: [] }, (i) => file.months[i]!);
  }

  /** The index of the month in force at `asOf`: its own, or the last after the book ends; -1 before it begins. */
  private indexAt(asOf: string): number {
    const month = asOf.slice(0, 7);
    const months = this.header.months;
    let lo = 0;
    let hi = months.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (months[mid]! <= month) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The evidence in force at `asOf` (an ISO date or time); null before the book begins. */
  at(asOf: string): MonthEvidence | null {
    const i = this.indexAt(asOf);
    if (i < 0) return null;
    let month = this.parsed.get(i);
    if (month === undefined) this.parsed.set(i, (month = this.month(i)));
    return month;
  }

  /** The agents' weights in force at `asOf`, without the month's other evidence (null before the book begins). */
  weightsAt(asOf: string): Weights | null {
    const i = this.indexAt(asOf);
    if (i < 0) return null;
    let weights = this.weights.get(i);
    if (weights === undefined) this.weights.set(i, (weights = this.savedWeights(i) ?? this.at(asOf)));
    return weights;
  }

  private savedWeights(i: number): Weights | undefined {
    const saved = this.header.weights[i];
    if (saved === undefined) return undefined;
    return { baseRate: null, agents: Object.fromEntries(Object.entries(saved).map(([id, [shrunk, edge]]) => [id, { shrunk, edge: edge === 1 }])) };
  }
}
