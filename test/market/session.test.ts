// Session times in UTC across the 2007 change of US daylight saving, which the bundled data straddles.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { marketState } from '../../src/market/calendar.js';
import { publishedAt } from '../../src/market/publication.js';
import { dstPeriods, isUsDst, sessionOpen } from '../../src/market/session.js';
import { MarketStore } from '../../src/market/store.js';
import { run } from '../helpers/cli.js';

/** Daylight saving by the Uniform Time Act: to 2006 the first Sunday of April to the last of October (amended 1986), from 2007 the second Sunday of March to the first of November (Energy Policy Act of 2005). */
const LAW: Record<string, [string, string]> = {
  '2005': ['2005-04-03', '2005-10-30'],
  '2006': ['2006-04-02', '2006-10-29'],
  '2007': ['2007-03-11', '2007-11-04'],
  '2008': ['2008-03-09', '2008-11-02'],
};
/** What the post-2007 rule, which session.ts used to apply to every year, said of 2005 and 2006. */
const POST_2007_RULE: Record<string, [string, string]> = { '2005': ['2005-03-13', '2005-11-06'], '2006': ['2006-03-12', '2006-11-05'] };
const within = (date: string, periods: Record<string, [string, string]>) => {
  const period = periods[date.slice(0, 4)];
  return period !== undefined && date >= period[0] && date < period[1];
};

describe('New York daylight saving', () => {
  it('follows the rules of each year, before and after the 2007 change', () => {
    expect(dstPeriods(2005, 2008)).toEqual(LAW);
    expect(isUsDst('2006-03-20')).toBe(false);
    expect(isUsDst('2006-04-03')).toBe(true);
    expect(isUsDst('2006-10-30')).toBe(false);
    expect(isUsDst('2007-03-12')).toBe(true);
    expect(isUsDst('2007-11-02')).toBe(true);
  });

  it('opens every bundled session of 2005-2008 at 09:30 New York, including those the post-2007 rule put an hour early', () => {
    const days = new MarketStore().bars('SPY').filter((b) => b.date < '2009');
    expect(days.length).toBeGreaterThan(700);
    let moved = 0;
    for (const { date } of days) {
      const dst = within(date, LAW);
      expect(new Date(sessionOpen(date)).toISOString(), date).toBe(`${date}T${dst ? '13' : '14'}:30:00.000Z`);
      if (dst !== within(date, POST_2007_RULE) && date < '2007') moved++;
    }
    // 2005-10-31 to 11-04, 2006-03-13 to 03-31 and 2006-10-30 to 11-03.
    expect(moved).toBe(25);
  });

  it('dates the market state and the 08:30 releases of those days in standard time', () => {
    expect(marketState(Date.parse('2006-03-20T14:00:00.000Z'))).toBe('pre');
    expect(marketState(Date.parse('2006-03-20T20:45:00.000Z'))).toBe('open');
    expect(marketState(Date.parse('2006-11-01T20:45:00.000Z'))).toBe('open');
    expect(publishedAt('CPIAUCSL', '2006-02-01')).toBe('2006-03-22T13:30:00.000Z');
    expect(publishedAt('UNRATE', '2006-09-01')).toBe('2006-10-10T12:30:00.000Z');
  });

  it("is looked up, not asked of Intl, by the built CLI's analyze: Intl's first use costs about 18 ms of its start", () => {
    const spy = `data:text/javascript,${encodeURIComponent(
      "Intl.DateTimeFormat = new Proxy(Intl.DateTimeFormat, { construct: (t, a) => (process.stderr.write('Intl.DateTimeFormat\\n'), new t(...a)) });",
    )}`;
    const control = spawnSync(process.execPath, ['--import', spy, '-e', 'new Intl.DateTimeFormat()'], { encoding: 'utf8' });
    expect(control.stderr).toContain('Intl.DateTimeFormat');
    const r = run(['analyze', 'AAPL', '--as-of', '2006-03-20', '--json'], { NODE_OPTIONS: `--import ${spy}` });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('Intl.DateTimeFormat');
  });
});
