// The US equities calendar against NYSE's published holidays and early closes.
import { describe, expect, it } from 'vitest';
import { holidayOn, isEarlyClose, isTradingDay, marketState, tradingDateOf } from '../../src/market/calendar.js';

const at = (iso: string) => marketState(Date.parse(iso));

describe('trading calendar', () => {
  it("closes on NYSE's 2025 and 2026 holidays (as published by the exchange)", () => {
    const y2025 = [
      '2025-01-01',
      '2025-01-09',
      '2025-01-20',
      '2025-02-17',
      '2025-04-18',
      '2025-05-26',
      '2025-06-19',
      '2025-07-04',
      '2025-09-01',
      '2025-11-27',
      '2025-12-25',
    ];
    const y2026 = [
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-04-03',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-11-26',
      '2026-12-25',
    ];
    for (const d of [...y2025, ...y2026]) expect(isTradingDay(d), d).toBe(false);
    expect(holidayOn('2026-07-03')).toBe('Independence Day');
    expect(holidayOn('2025-01-09')).toMatch(/Carter/);
  });

  it('observes weekend holidays on the nearest weekday, except a Saturday New Year', () => {
    expect(holidayOn('2021-12-24')).toBe('Christmas Day');
    expect(holidayOn('2022-12-26')).toBe('Christmas Day');
    expect(isTradingDay('2021-12-31')).toBe(true);
    expect(isTradingDay('2022-06-20')).toBe(false);
    expect(isTradingDay('2021-06-18')).toBe(true);
  });

  it('closes early on July 3, the day after Thanksgiving and Christmas Eve, Monday to Thursday', () => {
    expect(isEarlyClose('2025-07-03')).toBe(true);
    expect(isEarlyClose('2025-11-28')).toBe(true);
    expect(isEarlyClose('2025-12-24')).toBe(true);
    expect(isEarlyClose('2026-07-02')).toBe(false);
    expect(isEarlyClose('2022-12-23')).toBe(false);
    expect(at('2025-11-28T17:30:00Z')).toBe('open');
    expect(at('2025-11-28T18:30:00Z')).toBe('post');
    expect(at('2025-11-28T22:30:00Z')).toBe('closed');
  });

  it('tells pre-market, the session, after-hours and closed apart, with daylight saving', () => {
    expect(at('2025-07-08T07:59:00Z')).toBe('closed');
    expect(at('2025-07-08T08:00:00Z')).toBe('pre');
    expect(at('2025-07-08T12:00:00Z')).toBe('pre');
    expect(at('2025-07-08T13:30:00Z')).toBe('open');
    expect(at('2025-07-08T19:59:00Z')).toBe('open');
    expect(at('2025-07-08T20:00:00Z')).toBe('post');
    expect(at('2025-07-09T00:00:00Z')).toBe('closed');
    expect(at('2025-01-08T14:29:00Z')).toBe('pre');
    expect(at('2025-01-08T14:30:00Z')).toBe('open');
    expect(at('2025-01-11T16:00:00Z')).toBe('closed');
  });

  it('the trading date of a weekend or holiday instant is the last trading day before it', () => {
    expect(tradingDateOf(Date.parse('2026-11-28T13:00:00Z'))).toBe('2026-11-27');
    expect(tradingDateOf(Date.parse('2025-12-25T15:00:00Z'))).toBe('2025-12-24');
    expect(tradingDateOf(Date.parse('2025-07-08T03:00:00Z'))).toBe('2025-07-07');
  });
});
