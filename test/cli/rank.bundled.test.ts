// `signals rank` on the bundled universe as a real process: the JSON schema, the order and percentiles, the same numbers as `analyze`, the CSV and the table.
import { beforeAll, describe, expect, it } from 'vitest';
import { AnalyzeResult } from '../../src/cli/analyze-json.js';
import { RankResult } from '../../src/protocol/rank.js';
import { run } from '../helpers/cli.js';

const AGENT_IDS = ['technical', 'momentum', 'volatility', 'economic', 'sentiment'];
const DAY = '2022-06-15';

/** The percentile of `x` among `all`, by its mid rank: 100 x (those below + (ties - 1) / 2) / (n - 1). */
function midRank(x: number, all: number[]): number {
  const below = all.filter((y) => y < x).length;
  const ties = all.filter((y) => y === x).length;
  return Math.round((1000 * (below + (ties - 1) / 2)) / (all.length - 1)) / 10;
}

describe('signals rank (bundled)', () => {
  let result: RankResult;
  beforeAll(() => {
    const r = run(['rank', '--as-of', DAY, '--json'], {}, 120_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    result = RankResult.parse(JSON.parse(r.stdout));
  }, 120_000);

  it('ranks every bundled stock but the benchmark, as of the close of the day, with the universe named', () => {
    expect(result.as_of).toMatch(/^2022-06-15T2\d:00:00\.000Z$/);
    expect(result.bar_date).toBe(DAY);
    expect(result.universe).toMatchObject({ name: 'bundled', members: 30, benchmark: 'SPY', without_prices: [] });
    expect(result.rows.length + result.unranked.length).toBe(29);
    expect(result.rows.map((r) => r.symbol)).not.toContain('SPY');
    expect(result.universe.ranked).toBe(result.rows.length);
    expect(result.data_source).toMatchObject({ source: 'bundled', last_day: '2025-10-08', stale: true });
  });

  it('orders rows by agreement, then confidence, with consensus percentiles that never rise down the table', () => {
    result.rows.forEach((row, i) => expect(row.rank).toBe(i + 1));
    for (let i = 1; i < result.rows.length; i++) {
      const [a, b] = [result.rows[i - 1]!, result.rows[i]!];
      expect(a.agreement > b.agreement || (a.agreement === b.agreement && a.confidence >= b.confidence)).toBe(true);
      expect(a.consensus_percentile).toBeGreaterThanOrEqual(b.consensus_percentile);
    }
    // Confidence is a function of the agreement within a day, so the agreement alone places a row.
    const agreements = result.rows.map((r) => r.agreement);
    for (const row of result.rows) expect(row.consensus_percentile).toBe(midRank(row.agreement, agreements));
    // A call follows its agreement: BUY at A >= 0.5, SELL at A <= -0.5 (docs/evidence.md).
    for (const row of result.rows) {
      if (row.action === 'BUY') expect(row.agreement).toBeGreaterThanOrEqual(0.5);
      if (row.action === 'SELL') expect(row.agreement).toBeLessThanOrEqual(-0.5);
      if (row.action === 'HOLD') expect(Math.abs(row.agreement)).toBeLessThan(0.5);
    }
  });

  it("gives each agent's score a percentile in the same order as the scores", () => {
    for (const id of ['technical', 'momentum', 'volatility']) {
      const scored = result.rows.map((r) => r.agents[id]!).filter((a) => a.score !== null);
      expect(scored.length).toBeGreaterThan(20);
      const scores = scored.map((a) => a.score!);
      for (const a of scored) expect(a.percentile).toBe(midRank(a.score!, scores));
      expect(Math.min(...scored.map((a) => a.percentile!))).toBeLessThan(10);
      expect(Math.max(...scored.map((a) => a.percentile!))).toBeGreaterThan(90);
    }
    // The economic agent's score is market-wide: one value for every stock, so every one shares the middle.
    expect(new Set(result.rows.map((r) => r.agents.economic!.percentile))).toEqual(new Set([50]));
  });

  it('carries the evidence once per method and the regime', () => {
    expect(result.evidence.consensus?.label).toMatch(/^edge: /);
    expect(Object.keys(result.evidence.agents)).toEqual(expect.arrayContaining(['technical', 'momentum', 'volatility', 'economic']));
    expect(result.evidence.agents.momentum).toMatchObject({ name: 'Momentum', universe: 'bundled (29 stocks)' });
    expect(Object.keys(result.regime ?? {})).toEqual(expect.arrayContaining(['trend', 'volatility']));
  });

  it('gives the numbers `analyze --as-of` gives for the same symbol', () => {
    const picks = [result.rows[0]!, result.rows.at(-1)!];
    for (const row of picks) {
      const a = AnalyzeResult.parse(JSON.parse(run(['analyze', row.symbol, '--as-of', DAY, '--json']).stdout));
      if (a.action === 'ERROR' || a.action === 'NO_SIGNAL') throw new Error(`${row.symbol}: ${a.reason}`);
      expect(row).toMatchObject({ action: a.action, confidence: a.confidence, price: a.price });
      expect(Math.abs(row.agreement)).toBe(a.consensus_weight);
      for (const id of AGENT_IDS) expect(row.agents[id]!.score).toBe(a.metadata.indicators[`${id}.score`] ?? null);
    }
  });

  it('prints one CSV row per ranked symbol under a header, in the same order', () => {
    const r = run(['rank', '--as-of', DAY, '--csv'], {}, 120_000);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(
      'rank,symbol,action,confidence,agreement,consensus_percentile,' +
        AGENT_IDS.map((id) => `${id}_score,${id}_percentile`).join(',') +
        ',price,bar_date,universe',
    );
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(result.rows.map((row) => row.symbol));
  });

  it('shows the universe, the day, the top and bottom N and the evidence in the table', () => {
    const r = run(['rank', '--as-of', DAY, '--top', '3'], {}, 120_000);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^universe bundled as of 2022-06-15 close: \d+ ranked of 30 members/);
    // A day asked for: its prices adjusted, and no hint.
    expect(r.stdout.split('\n')[1]).toMatch(
      /^data: bundled, last day 2025-10-08 \(.* old\); prices adjusted for later splits and dividends, not as traded on 2022-06-15$/,
    );
    expect(r.stdout).toMatch(/\nREGIME {2}trend /);
    expect(r.stdout).toMatch(/\n {2}consensus {10}edge: /);
    expect(r.stdout).toContain(`\n   1 ${result.rows[0]!.symbol.padEnd(7)} `);
    expect(r.stdout).toContain(`… ${result.rows.length - 6} more`);
    expect(r.stdout).toContain(`\n${String(result.rows.length).padStart(4)} ${result.rows.at(-1)!.symbol.padEnd(7)} `);
  });

  it("on its default day, the last bundled one: how old that is, and where to get today's prices", () => {
    const r = run(['rank', '--top', '1'], {}, 120_000);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toMatch(
      /^data: bundled, last day 2025-10-08 \(\d+ (months|years) old\); today's: signals analyze SYMBOL --provider yahoo \(rank has no live provider\)$/,
    );
  });
});
