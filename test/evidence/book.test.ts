// The evidence book on a simulated record with a known truth: it finds the real edge, refuses noise, and never looks ahead.
import { describe, expect, it } from 'vitest';
import { Book, buildBook, type BookFile } from '../../src/evidence/book.js';
import type { StockSample, TimingSample } from '../../src/evidence/samples.js';

const STOCKS = 60;
const MONTHS = 120;

/** A seeded uniform generator (mulberry32), so a failure replays. */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const monthEnd = (m: number) => `${2005 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-28`;
/** An outcome is known about a month after the call. */
const knownAfter = (m: number) => `${2005 + Math.floor((m + 1) / 12)}-${String(((m + 1) % 12) + 1).padStart(2, '0')}-27`;

/**
 * 60 stocks over 120 months: 'signal' scores the stock's coming excess return plus noise (a monthly IC of about 0.3),
 * 'noise' scores nothing, 'market' is one score for every stock. Seed 7.
 */
function record(perturbFrom?: string): { stock: StockSample[]; timing: TimingSample[] } {
  const random = uniform(7);
  const stock: StockSample[] = [];
  const timing: TimingSample[] = [];
  for (let m = 0; m < MONTHS; m++) {
    const date = monthEnd(m);
    const known = knownAfter(m);
    const marketScore = random() * 2 - 1;
    const marketExcess = (random() - 0.5) * 0.1;
    for (let s = 0; s < STOCKS; s++) {
      let excess = (random() - 0.5) * 0.2;
      const signal = Math.tanh((excess / 0.1 + (random() - 0.5) * 6) / 2);
      const noise = random() * 2 - 1;
      // What became known on or after the cutoff is changed; nothing the book says before it may move.
      if (perturbFrom !== undefined && known >= perturbFrom) excess = -excess * 3;
      stock.push({ symbol: `S${s}`, date, known, scores: { signal, noise, market: marketScore }, forward: excess, excess });
    }
    timing.push({ date, known, scores: { market: marketScore }, regime: { trend: marketScore }, excess: marketExcess });
  }
  return { stock, timing };
}

const AGENTS = [
  { id: 'signal', scope: 'stock' as const },
  { id: 'noise', scope: 'stock' as const },
  { id: 'market', scope: 'market' as const },
];
const UNIVERSE = { name: 'simulated', symbols: Array.from({ length: STOCKS }, (_, s) => `S${s}`) };
const build = (r: ReturnType<typeof record>): BookFile => buildBook(r.stock, r.timing, AGENTS, UNIVERSE, 21);

describe('the evidence book', () => {
  const book = build(record());
  const last = book.months.at(-1)!;

  it('finds the real edge, refuses noise, and judges a market-wide score over time', () => {
    expect(last.agents.signal!.edge).toBe(true);
    expect(last.agents.signal!.ic).toBeGreaterThan(0.15);
    expect(last.agents.signal!.shrunk).toBeGreaterThan(last.agents.noise!.shrunk);
    expect(last.agents.noise!.edge).toBe(false);
    expect(last.agents.market!.kind).toBe('market_timing');
    expect(last.regime.trend!.kind).toBe('market_timing');
    // A record's calibration says a higher score beats SPY more often, for the informative agent.
    expect(last.agents.signal!.fit!.b).toBeGreaterThan(0);
    // The consensus's own record shows the edge its weights carry.
    expect(last.consensus.edge).toBe(true);
  });

  it('tests nothing before 24 months of outcomes, and keeps the prior until then', () => {
    const early = book.months.find((m) => m.agents.signal!.months > 0 && m.agents.signal!.months < 24)!;
    expect(early.agents.signal!.t).toBeNull();
    expect(early.agents.signal!.edge).toBe(false);
    expect(early.agents.signal!.shrunk).toBe(early.agents.signal!.prior.mean);
    expect(early.agents.signal!.fit).toBeNull();
  });

  it('uses only outcomes known before each month: changing later outcomes changes nothing before them', () => {
    const cutoff = '2010-06-01';
    const perturbed = build(record(cutoff));
    const before = (b: BookFile) => b.months.filter((m) => `${m.month}-01` <= cutoff);
    expect(before(perturbed)).toEqual(before(book));
    expect(perturbed.months.at(-1)).not.toEqual(last);
  });

  it('reads back from its saved form month by month, with the weights track records replay', () => {
    const saved = Book.parse(Book.serialize(book));
    expect(saved.at('2013-03-15T21:00:00.000Z')).toEqual(book.months.find((m) => m.month === '2013-03'));
    expect(saved.at('2004-12-31')).toBeNull();
    // After the book ends, its last month is in force.
    expect(saved.at('2030-01-01')).toEqual(last);
    expect(saved.weightsAt('2013-03-15')!.agents.signal).toEqual({
      shrunk: book.months.find((m) => m.month === '2013-03')!.agents.signal!.shrunk,
      edge: book.months.find((m) => m.month === '2013-03')!.agents.signal!.edge,
    });
  });
});
