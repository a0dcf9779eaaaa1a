// A record as the wire carries it: rounded figures, the universe named, and the verdict in words.
import { round } from '../agents/agent.js';
import type { EvidenceData } from '../protocol/messages.js';
import type { Book, EvidenceKind, MethodRecord } from './book.js';
import { EDGE_T, MIN_MONTHS } from './edge-test.js';
import type { Prior } from './stats.js';

/**
 * The verdict in words: an edge with its IC, t and first year; otherwise what the record does show.
 * @example edgeLabel({ edge: true, ic: 0.04, t: 2.3, since: '2011-01-31', months: 96 }) // 'edge: IC 0.04, t 2.3 since 2011'
 */
export function edgeLabel(record: Pick<MethodRecord, 'edge' | 'ic' | 't' | 'since' | 'months'> | null): string {
  if (record === null || record.months === 0) return 'edge: no record yet';
  if (record.ic === null || record.t === null) return `edge: none demonstrated (${record.months} months of record, ${MIN_MONTHS} needed to test)`;
  const figures = `IC ${record.ic.toFixed(2)}, t ${record.t.toFixed(1)}`;
  if (record.edge) return `edge: ${figures} since ${record.since!.slice(0, 4)}`;
  return `edge: none demonstrated (${figures} over ${record.months} months; t ${EDGE_T} needed)`;
}

/** The universe a book pools, for people: "bundled (29 stocks)". */
export const universeLabel = (book: Book) => `${book.universe.name} (${book.universe.symbols.length} stocks)`;

/** A record on the wire; without a record (an agent the book does not know, or before it begins), its prior alone. */
export function presentEvidence(
  record: MethodRecord | undefined,
  fallback: { kind: EvidenceKind; prior: Prior },
  book: Book,
  weight?: number,
): EvidenceData {
  const r4 = (x: number | null) => (x === null ? null : round(x));
  const kind = record?.kind ?? fallback.kind;
  return {
    kind,
    universe: kind === 'market_timing' ? 'SPY against cash' : universeLabel(book),
    horizon_days: book.horizon,
    months: record?.months ?? 0,
    since: record?.since ?? null,
    until: record?.until ?? null,
    ic: r4(record?.ic ?? null),
    t: record?.t === null || record?.t === undefined ? null : round(record.t, 2),
    interval: record?.lo === null || record?.lo === undefined ? null : [round(record.lo), round(record.hi!)],
    calls: record?.calls ?? 0,
    hit_rate: record === undefined || record.calls === 0 ? null : round(record.hits / record.calls),
    prior_ic: (record?.prior ?? fallback.prior).mean,
    shrunk_ic: round(record?.shrunk ?? fallback.prior.mean),
    edge: record?.edge ?? false,
    ...(weight === undefined ? {} : { weight: round(weight) }),
    label: edgeLabel(record ?? null),
  };
}
