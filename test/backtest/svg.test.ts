// The report's date axis: labels at month, quarter or year starts, the finest that fit, each year named.
import { describe, expect, it } from 'vitest';
import { dateTicks, lineChart } from '../../src/backtest/svg.js';

const labels = (from: string, to: string, max: number) =>
  dateTicks(Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`), max).map((t) => t.label);

describe('dateTicks', () => {
  it('a few months: every month, the first with its year', () => {
    expect(labels('2022-05-02', '2022-08-31', 14)).toEqual(['Jun 2022', 'Jul', 'Aug']);
  });

  it('across a new year: the year at its January', () => {
    expect(labels('2024-10-15', '2025-03-20', 14)).toEqual(['Nov 2024', 'Dec', '2025', 'Feb', 'Mar']);
  });

  it('a year with little room: quarters', () => {
    expect(labels('2024-01-02', '2024-12-31', 4)).toEqual(['Apr 2024', 'Jul', 'Oct']);
  });

  it('many years: half years while they fit, then every year, second or fifth', () => {
    expect(labels('2019-01-02', '2025-10-01', 14)).toEqual([
      'Jul 2019',
      '2020',
      'Jul',
      '2021',
      'Jul',
      '2022',
      'Jul',
      '2023',
      'Jul',
      '2024',
      'Jul',
      '2025',
      'Jul',
    ]);
    expect(labels('2019-01-02', '2025-10-01', 8)).toEqual(['2020', '2021', '2022', '2023', '2024', '2025']);
    expect(labels('2005-10-10', '2025-10-08', 14)).toEqual(['2006', '2008', '2010', '2012', '2014', '2016', '2018', '2020', '2022', '2024']);
    expect(labels('2005-10-10', '2025-10-08', 5)).toEqual(['2010', '2015', '2020', '2025']);
  });

  it('under a month: the two ends', () => {
    expect(labels('2024-03-04', '2024-03-22', 14)).toEqual(['2024-03-04', '2024-03-22']);
  });
});

describe('lineChart', () => {
  it('draws at the width asked for, with the axis labels of its dates', () => {
    const dates = ['2022-05-02', '2022-06-15', '2022-08-31'];
    const svg = lineChart([{ label: 'x', color: '#000', dates, values: [1, 1.1, 1.05] }], { title: 'Growth', format: String, width: 1100 });
    expect(svg).toMatch(/^<svg viewBox="0 0 1100 260" width="1100"/);
    expect([...svg.matchAll(/text-anchor="middle">([^<]+)</g)].map((m) => m[1])).toEqual(['Jun 2022', 'Jul', 'Aug']);
  });
});
