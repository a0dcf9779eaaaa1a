// `signals rank --universe sp500` as a real process on the day Lehman fell: members as they were, those with prices ranked, those without reported.
import { beforeAll, describe, expect, it } from 'vitest';
import { RankResult } from '../../src/protocol/rank.js';
import { run } from '../helpers/cli.js';

describe('signals rank --universe sp500 --as-of 2008-09-12', () => {
  let result: RankResult;
  beforeAll(() => {
    const r = run(['rank', '--universe', 'sp500', '--as-of', '2008-09-12', '--json'], {}, 180_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    result = RankResult.parse(JSON.parse(r.stdout));
  }, 180_000);

  it("ranks the members of that day that have prices, AIG among them, and lists Lehman's among those without", () => {
    expect(result.universe.name).toBe('sp500');
    expect(result.bar_date).toBe('2008-09-12');
    const ranked = result.rows.map((r) => r.symbol);
    expect(ranked).toEqual(expect.arrayContaining(['AIG', 'JPM', 'XOM']));
    // Not yet members: Tesla joined in 2020, Meta in 2013.
    expect(ranked).not.toContain('TSLA');
    expect(ranked).not.toContain('META');
    expect(result.universe.without_prices).toContain('LEHMQ');
    expect(ranked).not.toContain('LEHMQ');
  });

  it('accounts for every member: ranked, without a call, or without prices', () => {
    const u = result.universe;
    expect(u.members).toBeGreaterThanOrEqual(490);
    expect(u.ranked + result.unranked.length + u.without_prices.length).toBe(u.members);
    expect(u.ranked).toBeGreaterThan(250);
    for (const row of result.rows) expect(row.bar_date).toBe('2008-09-12');
  });

  it('names the universe, the day and the members without prices in the table', () => {
    const r = run(['rank', '--universe', 'sp500', '--as-of', '2008-09-13', '--top', '2'], {}, 180_000);
    expect(r.code).toBe(0);
    // A Saturday: the Friday's close.
    expect(r.stdout).toMatch(/^universe sp500 as of 2008-09-12 close \(--as-of 2008-09-13\): \d+ ranked of \d+ members/);
    expect(r.stdout).toMatch(new RegExp(`\\n${result.universe.without_prices.length} members without prices on 2008-09-12: .*LEHMQ`));
  });
});
