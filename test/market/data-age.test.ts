// How old data is: the last session that has closed at an instant, and a last bar's age against it.
import { describe, expect, it } from 'vitest';
import { ageText, dataAge, lastClosedSession } from '../../src/market/data-age.js';

describe('lastClosedSession', () => {
  it("is today once today's bar counts (21:00 UTC), the trading day before until then", () => {
    expect(lastClosedSession(Date.parse('2025-10-08T20:59:00Z'))).toBe('2025-10-07');
    expect(lastClosedSession(Date.parse('2025-10-08T21:00:00Z'))).toBe('2025-10-08');
  });

  it('skips weekends and holidays', () => {
    // Saturday and Sunday: Friday's session; Monday morning too.
    expect(lastClosedSession(Date.parse('2025-10-11T12:00:00Z'))).toBe('2025-10-10');
    expect(lastClosedSession(Date.parse('2025-10-13T12:00:00Z'))).toBe('2025-10-10');
    // Christmas Day 2025 is a Thursday: the 24th traded.
    expect(lastClosedSession(Date.parse('2025-12-26T12:00:00Z'))).toBe('2025-12-24');
  });
});

describe('dataAge', () => {
  it('is fresh while no session has closed since the last bar, stale once one has', () => {
    expect(dataAge('2025-10-10', Date.parse('2025-10-13T12:00:00Z'))).toEqual({ lastDay: '2025-10-10', ageDays: 3, stale: false });
    expect(dataAge('2025-10-10', Date.parse('2025-10-13T21:30:00Z'))).toMatchObject({ stale: true });
    expect(dataAge('2025-10-08', Date.parse('2026-12-07T12:00:00Z'))).toEqual({ lastDay: '2025-10-08', ageDays: 425, stale: true });
  });

  it('says an age in the unit a person would', () => {
    expect([0, 1, 45, 61, 425, 800].map(ageText)).toEqual(['0 days', '1 day', '45 days', '2 months', '14 months', '2 years']);
  });
});
