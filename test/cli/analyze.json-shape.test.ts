// `signals analyze --json` as a real process: one documented shape whatever the outcome, numbers as a person writes them.
import { beforeAll, describe, expect, it } from 'vitest';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { run } from '../helpers/cli.js';

const AGENT_IDS = ['technical', 'momentum', 'volatility', 'economic', 'sentiment'];
/** The seed's signal_update data fields, present in every result whatever its action. */
const SEED_FIELDS = ['symbol', 'signal_id', 'action', 'confidence', 'price', 'agents_consensus', 'timestamp', 'metadata'];

function analyze(args: string[]): { code: number | null; results: AnalyzeResult[]; raw: unknown[] } {
  const r = run(['analyze', ...args, '--jsonl']);
  const raw = r.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as unknown);
  return { code: r.code, results: raw.map((entry) => AnalyzeResult.parse(entry)), raw };
}

/**
 * On the bundled data: AAPL HOLD (the agents' weighted agreement short of the gate), NVDA BUY and JPM SELL, AAPL
 * NO_SIGNAL (a quorum it cannot reach) and an unknown symbol.
 */
function everyOutcome(): { results: AnalyzeResult[]; raw: unknown[] } {
  const runs = [
    analyze(['AAPL']),
    analyze(['NVDA', '--as-of', '2024-06-14']),
    analyze(['JPM', '--as-of', '2022-06-15']),
    analyze(['AAPL', '--as-of', '2024-11-01', '--quorum', '6']),
    analyze(['ZZZ']),
  ];
  return { results: runs.flatMap((r) => r.results), raw: runs.flatMap((r) => r.raw) };
}

describe('signals analyze --json: one shape whatever the outcome', () => {
  let results: AnalyzeResult[] = [];
  let raw: unknown[] = [];
  beforeAll(() => ({ results, raw } = everyOutcome()), 60_000);

  it('covers HOLD, BUY, SELL, NO_SIGNAL and ERROR, each with the seed fields, reason, consensus_weight, bar_date and adjusted', () => {
    expect(results.map((r) => r.action)).toEqual(['HOLD', 'BUY', 'SELL', 'NO_SIGNAL', 'ERROR']);
    for (const entry of raw) {
      expect(Object.keys(entry as object)).toEqual(expect.arrayContaining([...SEED_FIELDS, 'reason', 'consensus_weight', 'bar_date', 'adjusted']));
      expect((entry as { adjusted: unknown }).adjusted).toBe(true);
    }
  });

  it('lists every agent in agent_details, also without a signal and for a symbol that could not be analysed', () => {
    for (const r of results) expect(Object.keys(r.agents_consensus.agent_details)).toEqual(AGENT_IDS);
    const [, , , noSignal, error] = results;
    expect(Object.values(noSignal!.agents_consensus.agent_details).map((a) => a.signal)).not.toContain('NOT_RUN');
    expect(Object.values(error!.agents_consensus.agent_details).map((a) => a.signal)).toEqual(AGENT_IDS.map(() => 'NOT_RUN'));
  });

  it('gives a target and a stop only to a trade, on the right sides of the price', () => {
    for (const r of results) {
      const trade = r.action === 'BUY' || r.action === 'SELL';
      expect('target_price' in r.metadata, r.action).toBe(trade);
    }
    const [, buy, sell] = results;
    if (buy!.action !== 'BUY' || sell!.action !== 'SELL') throw new Error('expected BUY and SELL');
    expect(buy!.metadata.target_price).toBeGreaterThan(buy!.price);
    expect(buy!.metadata.stop_loss).toBeLessThan(buy!.price);
    expect(sell!.metadata.target_price).toBeLessThan(sell!.price);
    expect(sell!.metadata.stop_loss).toBeGreaterThan(sell!.price);
  });

  it('carries the track record from before the as-of, on a signal and on NO_SIGNAL', () => {
    for (const r of results.slice(0, 4)) {
      if (r.action === 'ERROR') throw new Error('expected an analysis');
      expect(r.track_record!.symbol).toBe(r.symbol);
      expect(r.track_record!.agents.technical!.calls).toBeGreaterThan(50);
      expect(r.track_record!.since! < r.as_of.slice(0, 10)).toBe(true);
      expect(Object.keys(r.track_record!.agents)).toEqual(AGENT_IDS);
    }
    // The consensus calls on the bundled data.
    for (const r of results.slice(0, 3)) expect(r.track_record!.consensus.calls, r.symbol).toBeGreaterThan(50);
    // The record replays the consensus as configured: with a quorum of 6 it never spoke.
    expect(results[3]!.track_record!.consensus.calls).toBe(0);
  });

  it('says why in `reason`: the weighted agreement and the calibrated probability, the quorum, the error', () => {
    expect(results[0]!.reason).toMatch(
      /^HOLD: weighted agreement -?0\.\d\d, short of the 0\.5 a call needs \(Momentum HOLD 0\.\d\d, .*\); P\(beats SPY in 21 days\) 0\.\d\d$/,
    );
    expect(results[1]!.reason).toMatch(/^BUY: weighted agreement 0\.\d\d \(Momentum BUY 0\.\d\d, .*\); P\(beats SPY in 21 days\) 0\.\d\d$/);
    expect(results[2]!.reason).toMatch(/^SELL: weighted agreement -\d\.\d\d \(Momentum SELL/);
    expect(results[3]!.reason).toMatch(/the quorum is 6/);
    expect(results[4]).toMatchObject({
      reason: 'unknown symbol ZZZ; `signals symbols` lists them',
      error: { code: 'UNKNOWN_SYMBOL', message: 'unknown symbol ZZZ; `signals symbols` lists them' },
      price: null,
      signal_id: null,
    });
  });

  it('writes prices to the cent, confidences and weights to 4 places, and indicators as numbers', () => {
    const places = (x: number) => (String(x).split('.')[1] ?? '').length;
    for (const r of results) {
      if (r.price !== null) expect(places(r.price)).toBeLessThanOrEqual(2);
      if ('target_price' in r.metadata) {
        expect(places(r.metadata.target_price)).toBeLessThanOrEqual(2);
        expect(places(r.metadata.stop_loss)).toBeLessThanOrEqual(2);
      }
      expect(places(r.confidence)).toBeLessThanOrEqual(4);
      expect(places(r.consensus_weight)).toBeLessThanOrEqual(4);
      for (const a of Object.values(r.agents_consensus.agent_details)) expect(places(a.confidence)).toBeLessThanOrEqual(4);
      for (const value of Object.values(r.metadata.indicators)) expect(typeof value).not.toBe('string');
    }
    const jpm = results[2]!.metadata.indicators;
    expect(jpm['technical.price_vs_sma_10m']).toBeLessThan(0);
    expect(places(jpm['technical.sma_10m'] as number)).toBeLessThanOrEqual(2);
    // Rates are fractions, not FRED's percent: a 0.77% fed funds rate is 0.0077.
    expect(jpm['economic.fed_funds']).toBeLessThan(0.05);
  });

  it("gives NO_SIGNAL its agents' indicators too", () => {
    expect(Object.keys(results[3]!.metadata.indicators)).toEqual(
      expect.arrayContaining(['technical.nearness_52w_high', 'momentum.return_1m', 'economic.sahm_gap']),
    );
  });
});

describe('signals analyze: the bar analysed', () => {
  it('a weekend --as-of analyses Friday, and says so in bar_date and in the table', () => {
    const [result] = analyze(['JPM', '--as-of', '2022-06-18']).results;
    expect(result).toMatchObject({ as_of: '2022-06-18T21:00:00.000Z', bar_date: '2022-06-17' });
    expect(run(['analyze', 'JPM', '--as-of', '2022-06-18']).stdout).toMatch(
      /^JPM {2}as of 2022-06-18 \(last bar 2022-06-17\) {2}close \d+\.\d\d \(adjusted\)$/m,
    );
  });
});

describe('signals analyze, the table', () => {
  it('shows each agent with its record, target and stop for a trade, none for HOLD, the verdict, the regime and the track record', () => {
    const table = run(['analyze', 'NVDA', '--as-of', '2024-06-14']).stdout;
    expect(table).toMatch(/^AGENT +VOTE +CONF +WEIGHT +IC +T +EDGE +REASON$/m);
    expect(table).toMatch(/^Momentum +BUY +0\.\d\d +0\.\d{3} +-?0\.\d{3} +-?\d\.\d +(yes|no) +12-1 month return/m);
    expect(table).toMatch(/^CONSENSUS {2}BUY .* target \d+\.\d\d {2}stop \d+\.\d\d$/m);
    expect(table).toMatch(/^edge: .*; consensus on bundled \(29 stocks\)$/m);
    expect(table).toMatch(/^REGIME {2}trend (up|down) \(SPY vs its 10-month average [+-]\d+\.\d%\) · volatility \w+ \(VIX \d+(\.\d+)?\)/m);
    expect(table).toMatch(/^TRACK RECORD before this date, calls at 21 days since \d{4}-\d\d-\d\d \(monthly; an agent's are its own rule's\)$/m);
    expect(table).toMatch(/^consensus +\d+ +\d+\.\d% +[+-]\d+\.\d\d%$/m);
    expect(table).toMatch(/^Momentum +\d+ +\d+\.\d% +[+-]\d+\.\d\d% +0\.0\d\d$/m);
    const hold = run(['analyze', 'AAPL']).stdout;
    expect(hold).toMatch(/^CONSENSUS {2}HOLD {2}confidence 0\.\d\d {2}WEAK {2}\(5\/5 agents, weight 0\.\d\d\)$/m);
    expect(hold).not.toMatch(/target/);
  });
});
