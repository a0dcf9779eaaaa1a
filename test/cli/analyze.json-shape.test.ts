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

/** JPM SELL, MSFT BUY, XOM HOLD, AAPL NO_SIGNAL and an unknown symbol: every action the output can carry. */
function everyOutcome(): { results: AnalyzeResult[]; raw: unknown[] } {
  const runs = [
    analyze(['JPM', '--as-of', '2022-06-15']),
    analyze(['MSFT', '--as-of', '2023-06-01']),
    analyze(['XOM', 'AAPL', '--as-of', '2024-11-01']),
    analyze(['ZZZ']),
  ];
  return { results: runs.flatMap((r) => r.results), raw: runs.flatMap((r) => r.raw) };
}

describe('signals analyze --json: one shape whatever the outcome', () => {
  let results: AnalyzeResult[] = [];
  let raw: unknown[] = [];
  beforeAll(() => ({ results, raw } = everyOutcome()), 60_000);

  it('covers SELL, BUY, HOLD, NO_SIGNAL and ERROR, each with the seed fields, reason, consensus_weight, bar_date and adjusted', () => {
    expect(results.map((r) => r.action)).toEqual(['SELL', 'BUY', 'HOLD', 'NO_SIGNAL', 'ERROR']);
    for (const entry of raw) {
      expect(Object.keys(entry as object)).toEqual(expect.arrayContaining([...SEED_FIELDS, 'reason', 'consensus_weight', 'bar_date', 'adjusted']));
      expect((entry as { action: unknown }).action).toEqual(expect.any(String));
      expect((entry as { adjusted: unknown }).adjusted).toBe(true);
    }
  });

  it('lists every agent in agent_details, also without a signal and for a symbol that could not be analysed', () => {
    for (const r of results) expect(Object.keys(r.agents_consensus.agent_details)).toEqual(AGENT_IDS);
    const [, , , noSignal, error] = results;
    expect(Object.values(noSignal!.agents_consensus.agent_details).map((a) => a.signal)).not.toContain('NOT_RUN');
    expect(Object.values(error!.agents_consensus.agent_details).map((a) => a.signal)).toEqual(AGENT_IDS.map(() => 'NOT_RUN'));
  });

  it('gives a target and a stop only to a trade (BUY or SELL), on the right sides of the price', () => {
    for (const r of results) {
      const trade = r.action === 'BUY' || r.action === 'SELL';
      expect('target_price' in r.metadata, r.action).toBe(trade);
      expect('stop_loss' in r.metadata, r.action).toBe(trade);
    }
    const sell = results[0]!;
    const buy = results[1]!;
    if (sell.action !== 'SELL' || buy.action !== 'BUY') throw new Error('expected SELL then BUY');
    expect(sell.metadata.target_price).toBeLessThan(sell.price);
    expect(sell.metadata.stop_loss).toBeGreaterThan(sell.price);
    expect(buy.metadata.target_price).toBeGreaterThan(buy.price);
  });

  it('says why in `reason`: the consensus line, the gate, the error', () => {
    expect(results[0]!.reason).toMatch(/^SELL: 4 of 5 agents agree/);
    expect(results[3]!.reason).toMatch(/under the 0\.6 gate/);
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
    const sell = results[0]!.metadata.indicators;
    expect(sell['technical.price_vs_sma200']).toBeLessThan(0);
    expect(places(sell['technical.sma200'] as number)).toBeLessThanOrEqual(2);
    // Rates are fractions like cpi_yoy, not FRED's percent: a 1.6% fed funds rate is 0.016.
    expect(sell['economic.fed_funds']).toBeLessThan(0.05);
    expect(sell['economic.cpi_yoy']).toBeLessThan(0.1);
  });

  it("gives NO_SIGNAL its agents' indicators too", () => {
    expect(Object.keys(results[3]!.metadata.indicators)).toEqual(expect.arrayContaining(['technical.rsi', 'momentum.return_1m', 'economic.vix']));
  });
});

describe('signals analyze: the bar analysed', () => {
  it('a weekend --as-of analyses Friday, and says so in bar_date and in the table', () => {
    const [result] = analyze(['JPM', '--as-of', '2022-06-18']).results;
    expect(result).toMatchObject({ as_of: '2022-06-18T21:00:00.000Z', bar_date: '2022-06-17' });
    expect(run(['analyze', 'JPM', '--as-of', '2022-06-18']).stdout).toMatch(/^JPM {2}as of 2022-06-18 \(last bar 2022-06-17\) {2}close \d+\.\d\d$/m);
  });
});

describe('signals analyze, the table', () => {
  it('shows target and stop for a trade, not for a HOLD', () => {
    expect(run(['analyze', 'JPM', '--as-of', '2022-06-15']).stdout).toMatch(/^CONSENSUS {2}SELL .* target \d+\.\d\d {2}stop \d+\.\d\d$/m);
    const hold = run(['analyze', 'XOM', '--as-of', '2024-11-01']).stdout;
    expect(hold).toMatch(/^CONSENSUS {2}HOLD /m);
    expect(hold).not.toMatch(/target|stop/);
  });
});
