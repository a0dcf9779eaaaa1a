// The consensus formula, table-driven: ties, the gate, abstentions, failures, weights.
import { describe, expect, it } from 'vitest';
import type { Weights } from '../../src/evidence/book.js';
import {
  consensus as formula,
  DEFAULT_CONSENSUS,
  REFERENCE_CONSENSUS,
  VOTE_CONSENSUS,
  type AgentOutcome,
  type ConsensusConfig,
} from '../../src/orchestrator/consensus.js';

/** The vote formula; our own settings of it unless told otherwise. */
const consensus = (rows: readonly AgentOutcome[], config: ConsensusConfig = VOTE_CONSENSUS) => formula(rows, config);

type Row = [string, 'BUY' | 'SELL' | 'HOLD' | 'ABSTAIN' | 'FAIL', number];
const outcomes = (rows: Row[]): AgentOutcome[] =>
  rows.map(([id, vote, confidence]) =>
    vote === 'ABSTAIN'
      ? { id, name: id, status: 'abstained', confidence: 0, reasons: [] }
      : vote === 'FAIL'
        ? { id, name: id, status: 'failed', confidence: 0, reasons: [] }
        : { id, name: id, status: 'voted', signal: vote, confidence, reasons: [] },
  );

describe('consensus, seed reference formula', () => {
  const cases: { name: string; rows: Row[]; kind: 'signal' | 'no_signal'; action: string; weight: number; strength?: string }[] = [
    {
      name: 'unanimous BUY',
      rows: [
        ['a', 'BUY', 0.9],
        ['b', 'BUY', 0.9],
        ['c', 'BUY', 0.9],
      ],
      kind: 'signal',
      action: 'BUY',
      weight: 0.9,
      strength: 'STRONG',
    },
    {
      name: 'SELL under the gate',
      rows: [
        ['a', 'SELL', 0.8],
        ['b', 'SELL', 0.8],
        ['c', 'HOLD', 0.8],
      ],
      kind: 'no_signal',
      action: 'SELL',
      weight: 1.6 / 3,
    },
    {
      name: 'BUY/SELL tie falls to HOLD',
      rows: [
        ['a', 'BUY', 0.8],
        ['b', 'SELL', 0.8],
      ],
      kind: 'no_signal',
      action: 'HOLD',
      weight: 0,
    },
    {
      name: 'BUY tied with HOLD is HOLD',
      rows: [
        ['a', 'BUY', 0.8],
        ['b', 'HOLD', 0.8],
      ],
      kind: 'no_signal',
      action: 'HOLD',
      weight: 0.4,
    },
    {
      name: 'votes under min confidence are dropped',
      rows: [
        ['a', 'BUY', 0.69],
        ['b', 'BUY', 0.69],
        ['c', 'SELL', 0.75],
      ],
      kind: 'no_signal',
      action: 'SELL',
      weight: 0.25,
    },
    {
      name: 'abstentions count against (all in the denominator)',
      rows: [
        ['a', 'BUY', 0.9],
        ['b', 'BUY', 0.9],
        ['c', 'ABSTAIN', 0],
        ['d', 'FAIL', 0],
      ],
      kind: 'no_signal',
      action: 'BUY',
      weight: 0.45,
    },
    {
      name: 'at the gate exactly is a signal',
      rows: [
        ['a', 'BUY', 0.9],
        ['b', 'BUY', 0.9],
        ['c', 'SELL', 0.9],
      ],
      kind: 'signal',
      action: 'BUY',
      weight: 0.6,
      strength: 'MODERATE',
    },
    {
      name: 'WEAK band needs a lower gate: none at 0.56',
      rows: [
        ['a', 'BUY', 0.7],
        ['b', 'BUY', 0.7],
        ['c', 'BUY', 0.7],
        ['d', 'BUY', 0.7],
        ['e', 'HOLD', 0.9],
      ],
      kind: 'no_signal',
      action: 'BUY',
      weight: 0.56,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = consensus(outcomes(c.rows), REFERENCE_CONSENSUS);
      expect(r.action).toBe(c.action);
      expect(r.weight).toBeCloseTo(c.weight, 10);
      expect(r.kind).toBe(c.kind);
      if (c.strength && r.kind === 'signal') expect(r.strength).toBe(c.strength);
    });
  }

  it('confidence is the confidence-weighted mean of the agreeing agents, capped at 0.95', () => {
    const r = consensus(
      outcomes([
        ['a', 'BUY', 1],
        ['b', 'BUY', 1],
        ['c', 'BUY', 1],
      ]),
      REFERENCE_CONSENSUS,
    );
    expect(r.kind === 'signal' && r.confidence).toBe(0.95);
    const s = consensus(
      outcomes([
        ['a', 'SELL', 0.7],
        ['b', 'SELL', 0.9],
      ]),
      REFERENCE_CONSENSUS,
    );
    expect(s.kind === 'signal' && s.confidence).toBeCloseTo((0.49 + 0.81) / 1.6, 10);
  });

  it('a WEAK signal when the gate is lowered', () => {
    const r = consensus(
      outcomes([
        ['a', 'BUY', 0.75],
        ['b', 'BUY', 0.75],
        ['c', 'HOLD', 0.75],
      ]),
      { ...REFERENCE_CONSENSUS, gate: 0.4 },
    );
    expect(r).toMatchObject({ kind: 'signal', action: 'BUY', strength: 'WEAK' });
  });

  it('weights scale an agent', () => {
    const rows = outcomes([
      ['a', 'BUY', 0.8],
      ['b', 'SELL', 0.8],
    ]);
    const r = consensus(rows, { ...REFERENCE_CONSENSUS, weights: { a: 3 }, gate: 0.5 });
    expect(r.action).toBe('BUY');
    expect(r.weight).toBeCloseTo((3 * 0.8) / 4, 10);
  });
});

describe('consensus, our settings of the vote formula', () => {
  it('abstaining and failed agents leave the denominator', () => {
    const r = consensus(
      outcomes([
        ['a', 'BUY', 0.8],
        ['b', 'BUY', 0.8],
        ['c', 'BUY', 0.6],
        ['d', 'ABSTAIN', 0],
        ['e', 'FAIL', 0],
      ]),
    );
    expect(r).toMatchObject({ kind: 'signal', action: 'BUY', completed: 3 });
    expect(r.weight).toBeCloseTo(2.2 / 3, 10);
  });

  it('needs a quorum of completed agents', () => {
    const r = consensus(
      outcomes([
        ['a', 'BUY', 0.9],
        ['b', 'BUY', 0.9],
        ['c', 'FAIL', 0],
        ['d', 'ABSTAIN', 0],
      ]),
    );
    expect(r.kind).toBe('no_signal');
    expect(r.kind === 'no_signal' && r.reason).toMatch(/quorum is 3/);
  });

  it('keeps the 0.6 minimum confidence', () => {
    expect(VOTE_CONSENSUS.minConfidence).toBe(0.6);
    const r = consensus(
      outcomes([
        ['a', 'SELL', 0.59],
        ['b', 'SELL', 0.9],
        ['c', 'HOLD', 0.9],
      ]),
    );
    expect(r.action).toBe('HOLD');
  });
});

describe('consensus, the evidence-weighted default', () => {
  /** A month's evidence: momentum's record shrinks to 0.024, technical's to 0.006, volatility's below zero. */
  const month: Weights = {
    baseRate: 0.53,
    agents: { momentum: { shrunk: 0.024, edge: true }, technical: { shrunk: 0.006, edge: false }, volatility: { shrunk: -0.002, edge: false } },
    consensus: { fit: { a: 0.1, b: 0.2 } },
    strict: { fit: null },
  };
  const votes = (m: string, t: string, v: string, extra: AgentOutcome[] = []): AgentOutcome[] => [
    ...outcomes([
      ['momentum', m as Row[1], 0.5],
      ['technical', t as Row[1], 0.5],
      ['volatility', v as Row[1], 0.5],
    ]),
    ...extra,
  ];
  const economic: AgentOutcome = { id: 'economic', name: 'economic', status: 'voted', signal: 'SELL', confidence: 0.5, reasons: [], scope: 'market' };

  it('calls with the weighted agreement of the own calls once it reaches 0.5, its confidence from the consensus record', () => {
    const buy = formula(votes('BUY', 'SELL', 'SELL'), DEFAULT_CONSENSUS, month);
    // (0.024 - 0.006 - 0.001) / 0.031: momentum carries it against the other two.
    expect(buy).toMatchObject({ kind: 'signal', action: 'BUY', strength: 'WEAK' });
    if (buy.kind !== 'signal') return;
    expect(buy.agreement).toBeCloseTo(0.017 / 0.031, 6);
    expect(buy.confidence).toBeCloseTo(1 / (1 + Math.exp(-(0.1 + 0.2 * buy.agreement!))), 6);
    const hold = formula(votes('HOLD', 'BUY', 'BUY'), DEFAULT_CONSENSUS, month);
    expect(hold).toMatchObject({ kind: 'signal', action: 'HOLD' });
    const sell = formula(votes('SELL', 'SELL', 'HOLD'), DEFAULT_CONSENSUS, month);
    expect(sell).toMatchObject({ kind: 'signal', action: 'SELL', strength: 'STRONG' });
    // A SELL is right when the stock trails SPY: its confidence is 1 - P(beat).
    if (sell.kind === 'signal') expect(sell.confidence).toBeCloseTo(1 - sell.probability!, 6);
  });

  it('never weighs nothing: an agent whose record points the wrong way keeps a token weight, so a consensus without any edge still votes', () => {
    const noEdge: Weights = {
      baseRate: 0.5,
      agents: { momentum: { shrunk: -0.01, edge: false }, technical: { shrunk: -0.02, edge: false }, volatility: { shrunk: 0, edge: false } },
    };
    expect(formula(votes('BUY', 'BUY', 'HOLD'), DEFAULT_CONSENSUS, noEdge)).toMatchObject({ action: 'BUY', weight: 2 / 3 });
    // Without any evidence at all, each agent weighs its prior.
    expect(formula(votes('SELL', 'SELL', 'BUY'), DEFAULT_CONSENSUS, null)).toMatchObject({ action: 'HOLD' });
  });

  it("gives a market-wide agent no weight in a stock's call", () => {
    const withMarket = formula(votes('HOLD', 'HOLD', 'HOLD', [economic]), DEFAULT_CONSENSUS, month);
    expect(withMarket).toMatchObject({ action: 'HOLD', weight: 0 });
  });

  it('in strict mode, weighs only agents whose record passes the edge test, and says HOLD without one', () => {
    const strict = { ...DEFAULT_CONSENSUS, strict: true };
    expect(formula(votes('BUY', 'SELL', 'SELL'), strict, month)).toMatchObject({ action: 'BUY', weight: 1 });
    const none: Weights = { ...month, agents: { ...month.agents, momentum: { shrunk: 0.024, edge: false } } };
    expect(formula(votes('BUY', 'BUY', 'BUY'), strict, none)).toMatchObject({ kind: 'signal', action: 'HOLD', weight: 0 });
  });

  it('needs its quorum', () => {
    expect(formula(votes('BUY', 'ABSTAIN', 'FAIL'), DEFAULT_CONSENSUS, month)).toMatchObject({ kind: 'no_signal' });
  });
});
