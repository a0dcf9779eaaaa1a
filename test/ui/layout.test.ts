// Fitting the dashboard to a terminal: columns dropped by priority, lines shared between the parts.
import { describe, expect, it } from 'vitest';
import { columnsFor, heightsFor } from '../../src/ui/layout.js';

const ids = (width: number, stale = false, edge = false) => columnsFor(width, stale, edge).map((c) => c.id);
const used = (width: number, stale = false, edge = false) => {
  const columns = columnsFor(width, stale, edge);
  return columns.reduce((n, c) => n + c.width, 0) + columns.length - 1;
};

describe('columnsFor', () => {
  it('drops the trigger, then the sparkline, the strength, the confidence, as the terminal narrows', () => {
    expect(ids(120)).toEqual(['symbol', 'price', 'change', 'trend', 'action', 'conf', 'strength', 'trigger']);
    expect(ids(60)).toEqual(['symbol', 'price', 'change', 'trend', 'action', 'conf', 'strength']);
    expect(ids(51)).toEqual(['symbol', 'price', 'change', 'action', 'conf', 'strength']);
    expect(ids(50)).toEqual(['symbol', 'price', 'change', 'action', 'conf']);
    expect(ids(41)).toEqual(['symbol', 'price', 'change', 'action']);
    expect(ids(30)).toEqual(['symbol', 'price', 'action']);
    expect(ids(20)).toEqual(['symbol', 'action']);
  });

  it('never uses more than the width it is given, from 20 to 200 columns, stale or not', () => {
    for (let width = 20; width <= 200; width++) {
      expect(used(width)).toBeLessThanOrEqual(width);
      expect(used(width, true)).toBeLessThanOrEqual(width);
      expect(used(width, true, true)).toBeLessThanOrEqual(width);
    }
  });

  it('shows AGE only while stale, ahead of the trigger and the sparkline', () => {
    expect(ids(80)).not.toContain('age');
    expect(ids(80, true)).toContain('age');
    expect(ids(60, true)).toEqual(['symbol', 'price', 'change', 'action', 'conf', 'strength', 'age']);
  });

  it('shows EDGE only when a consensus carries evidence, and drops it first as the terminal narrows', () => {
    expect(ids(80)).not.toContain('edge');
    expect(ids(80, false, true)).toEqual(['symbol', 'price', 'change', 'trend', 'action', 'conf', 'edge', 'strength', 'trigger']);
    expect(columnsFor(80, false, true).find((c) => c.id === 'trend')?.width).toBe(11);
    expect(ids(80, true, true)).toEqual(['symbol', 'price', 'change', 'trend', 'action', 'conf', 'strength', 'age', 'trigger']);
    expect(ids(60, false, true)).toEqual(ids(60));
  });

  it('adds the time to the trigger and widens the sparkline when there is room', () => {
    const wide = columnsFor(120, false);
    expect(wide.find((c) => c.id === 'trigger')).toMatchObject({ title: 'TRIGGER / AS OF', width: 26 });
    expect(wide.find((c) => c.id === 'trend')?.width).toBe(23);
    expect(columnsFor(80, false).find((c) => c.id === 'trigger')).toMatchObject({ title: 'TRIGGER', width: 11 });
  });
});

describe('heightsFor', () => {
  const content = { rows: 10, agents: 5, moreReasons: 20, logEntries: 30, consensus: 8, alert: true };
  const total = (h: ReturnType<typeof heightsFor>) => 1 + h.table + h.agents + h.consensus + h.log + h.gaps;

  it('fills the body exactly, and leaves a line free below the frame', () => {
    for (const rows of [15, 24, 40, 60]) {
      const h = heightsFor(rows, content);
      expect(h.body).toBe(rows - 1 - 3);
      expect(total(h)).toBe(h.body);
    }
  });

  it('60x15: some rows, every vote on one line each, one log line', () => {
    expect(heightsFor(15, content)).toMatchObject({ table: 5, agents: 4, log: 1, consensus: 0, gaps: 0 });
  });

  it('the extra height of a tall terminal goes to the reasons and the log, once every row shows', () => {
    const h = heightsFor(40, content);
    expect(h.table).toBe(10);
    expect(h.agents).toBeGreaterThan(6);
    expect(h.log).toBeGreaterThan(2);
  });

  it('takes no more than the content needs, and one blank line at most', () => {
    const h = heightsFor(60, { rows: 2, agents: 3, moreReasons: 1, logEntries: 2, consensus: 4, alert: false });
    expect(h).toMatchObject({ table: 2, agents: 5, consensus: 4, log: 3, gaps: 1 });
  });

  it("120x40 with eight symbols and a short log: the selected symbol's consensus fills the room before the log grows", () => {
    const h = heightsFor(40, { rows: 8, agents: 5, moreReasons: 10, logEntries: 40, consensus: 12, alert: true });
    expect(h).toMatchObject({ table: 8, agents: 16, gaps: 1, log: 6 });
    expect(h.consensus).toBe(h.body - 1 - 8 - 16 - 1 - 6);
    expect(total(h)).toBe(h.body);
  });
});
