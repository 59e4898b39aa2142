import { describe, expect, it } from 'vitest';
import { findDueDate } from '../../src/observer/due-date.js';
import { assertTimeZone, parseInstant, zoneOffsetMinutes } from '../../src/observer/zoned-time.js';

const WED_0915_NY = Date.parse('2025-03-12T09:15:00-04:00');

describe('findDueDate', () => {
  it.each([
    ['tomorrow morning', '2025-03-13'],
    ['by end of day', '2025-03-12'],
    ['on Thursday', '2025-03-13'],
    ['before the end of the month', '2025-03-31'],
    ['on the 3rd', '2025-04-03'],
    ['this weekend', '2025-03-15'],
    ['in two weeks', '2025-03-26'],
    ['before the new year', '2025-12-31'],
    ['by the fifteenth', '2025-03-15'],
    ['on the twenty-first', '2025-03-21'],
    ['on the second', '2025-04-02'],
    ['before the quarter closes', '2025-03-31'],
    ['before the year closes out', '2025-12-31'],
    ['this week', '2025-03-14'],
    ['tonight', '2025-03-12'],
  ])('"%s" said on Wednesday morning is %s', (phrase, date) => {
    expect(findDueDate(`I need to do it ${phrase}`, WED_0915_NY, 'America/New_York')?.due.date).toBe(date);
  });

  it('reads a bare hour already past as this evening, and keeps the time', () => {
    const due = findDueDate('remind me at six', WED_0915_NY, 'America/New_York')!.due;
    expect(due).toEqual({ date: '2025-03-12', at: Date.parse('2025-03-12T18:00:00-04:00') });
  });

  it('reads "tonight" said late in the evening as tonight, and "by 6" as a time of day with its own words', () => {
    const late = Date.parse('2025-03-12T23:40:00-04:00');
    expect(findDueDate('submit it tonight', late, 'America/New_York')?.due.date).toBe('2025-03-12');
    const m = findDueDate('pick up the suit by 6 they close early', WED_0915_NY, 'America/New_York')!;
    expect(m).toEqual({ due: { date: '2025-03-12', at: Date.parse('2025-03-12T18:00:00-04:00') }, text: 'by 6' });
    expect(findDueDate('we need chairs by 6 people', WED_0915_NY, 'America/New_York')).toBeNull();
  });

  it('uses the hub zone for the calendar date, not UTC', () => {
    const lateFriday = Date.parse('2025-03-15T03:30:00Z');
    expect(findDueDate('tomorrow', lateFriday, 'America/New_York')?.due.date).toBe('2025-03-15');
    expect(findDueDate('tomorrow', lateFriday, 'Europe/Berlin')?.due.date).toBe('2025-03-16');
    expect(zoneOffsetMinutes(Date.parse('2025-03-08T12:00:00Z'), 'America/New_York')).toBe(-300);
    expect(zoneOffsetMinutes(Date.parse('2025-03-10T12:00:00Z'), 'America/New_York')).toBe(-240);
  });

  it('finds nothing in words without a date, and rejects bad zones and times with codes', () => {
    expect(findDueDate('I need to call the plumber', WED_0915_NY, 'UTC')).toBeNull();
    expect(() => assertTimeZone('Atlantis/Capital')).toThrow(expect.objectContaining({ code: 'JARVIS_OBSERVER_BAD_TIMEZONE' }));
    for (const bad of ['', 'soon', '2025-13-45T99:00:00Z', '12/03/2025']) {
      expect(() => parseInstant(bad, 'now')).toThrow(expect.objectContaining({ code: 'JARVIS_OBSERVER_BAD_TIME' }));
    }
  });
});
