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

  it('reads "first thing <day>", a time of day before a day, "half six", "year end", "when I get home"', () => {
    const sundayNight = Date.parse('2026-01-04T21:15:00-05:00');
    expect(findDueDate('First thing Monday: call the insurance', sundayNight, 'America/New_York')).toEqual({ due: { date: '2026-01-05', at: null }, text: 'First thing Monday' });
    // New Year's Eve falls between: Monday is in the next year.
    expect(findDueDate('fine, first thing monday then', Date.parse('2026-12-30T21:00:00-05:00'), 'America/New_York')?.due.date).toBe('2027-01-04');
    expect(findDueDate('first thing in the morning', sundayNight, 'America/New_York')?.due.date).toBe('2026-01-05');
    // "first thing" alone says only when in a day named elsewhere.
    expect(findDueDate('I will drop it off first thing', sundayNight, 'America/New_York')).toBeNull();
    expect(findDueDate('I will call him back at lunch tomorrow', WED_0915_NY, 'America/New_York')).toEqual({ due: { date: '2025-03-13', at: null }, text: 'at lunch tomorrow' });
    expect(findDueDate('pick up Leo at half six', WED_0915_NY, 'America/New_York')?.due).toEqual({ date: '2025-03-12', at: Date.parse('2025-03-12T18:30:00-04:00') });
    expect(findDueDate('pick up Leo at half six', Date.parse('2025-03-12T19:00:00-04:00'), 'America/New_York')?.due.date).toBe('2025-03-13');
    expect(findDueDate('split the bill in half the way we did', WED_0915_NY, 'America/New_York')).toBeNull();
    expect(findDueDate('file the report by year end', WED_0915_NY, 'America/New_York')?.due.date).toBe('2025-12-31');
    expect(findDueDate('I will send it when I get home', WED_0915_NY, 'America/New_York')?.due.date).toBe('2025-03-12');
    expect(findDueDate('grab it on the way home', WED_0915_NY, 'America/New_York')?.due.date).toBe('2025-03-12');
    expect(findDueDate('Friday the 20th at 3:15', WED_0915_NY, 'America/New_York')?.due.date).toBe('2025-03-20');
    expect(findDueDate('The 29th at four, great.', WED_0915_NY, 'America/New_York')?.due.date).toBe('2025-03-29');
    // "The 23rd I work late": said first but not as an answer, it is left to the rest of the sentence.
    expect(findDueDate('The 23rd I work late', WED_0915_NY, 'America/New_York')?.due.date).not.toBe('2025-03-23');
    // A length of time is not when: "arrive ten minutes early".
    expect(findDueDate('bring the card and arrive ten minutes early', WED_0915_NY, 'America/New_York')).toBeNull();
    expect(findDueDate('call me back in ten minutes', WED_0915_NY, 'America/New_York')?.due.date).toBe('2025-03-12');
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

  it.each([
    ['the day after tomorrow', '2025-03-14'],
    ['by close of business', '2025-03-12'],
    ['by COB', '2025-03-12'],
    ['EOW', '2025-03-14'],
    ['end of day tomorrow', '2025-03-13'],
    ['by end of day Friday', '2025-03-14'],
    ['by close of business next Monday', '2025-03-17'],
    ['a week from Friday', '2025-03-21'],
    ['two weeks from today', '2025-03-26'],
    ['before the weekend', '2025-03-14'],
    ['by the first of the month', '2025-04-01'],
    ['first of next month', '2025-04-01'],
    ['mid-April', '2025-04-15'],
    ['this morning', '2025-03-12'],
    ['this afternoon', '2025-03-12'],
    ['at lunch', '2025-03-12'],
    ['before I log off', '2025-03-12'],
    ['before I head out Friday', '2025-03-14'],
    ['before bed', '2025-03-12'],
    ['— it is due the twentieth', '2025-03-20'],
    ['by the end of next week', '2025-03-21'],
    ['the Friday after next', '2025-03-21'],
    ['the weekend after next', '2025-03-22'],
    ['later this week', '2025-03-14'],
    ['before Christmas', '2025-12-24'],
    ['on Thanksgiving', '2025-11-27'],
    ['by New Year\'s Eve', '2025-12-31'],
    ['for Valentine\'s Day', '2026-02-14'],
    ['in a fortnight', '2025-03-26'],
  ])('reads "%s" said on Wednesday morning as %s', (phrase, date) => {
    expect(findDueDate(`I have to sort it out ${phrase}`, WED_0915_NY, 'America/New_York')?.due.date).toBe(date);
  });

  it('takes no date from words that only look like one', () => {
    for (const text of [
      'I need to get a second opinion',
      'we have to march in the parade',
      'I sat down with the landlord',
      'it has been broken since Monday',
      'the notes from Tuesday are in the drive',
      'wait a minute',
      'buy a halloween costume',
      'make the kids valentines',
    ]) {
      expect(findDueDate(text, WED_0915_NY, 'America/New_York'), text).toBeNull();
    }
    // The same words still read as dates where they are dates.
    expect(findDueDate('the rent is due by March 20', WED_0915_NY, 'America/New_York')?.due.date).toBe('2025-03-20');
    expect(findDueDate('the party is on Sat', WED_0915_NY, 'America/New_York')?.due.date).toBe('2025-03-15');
  });

  it('copes with empty and odd input without throwing', () => {
    for (const text of ['', ' ', '???', 'end of', 'a week from', 'weeks from never', '\u0000\u0001', 'x'.repeat(5000)]) {
      expect(() => findDueDate(text, WED_0915_NY, 'America/New_York')).not.toThrow();
    }
    expect(findDueDate('', WED_0915_NY, 'America/New_York')).toBeNull();
    expect(() => findDueDate('tomorrow', WED_0915_NY, 'Mars/Olympus')).toThrow(expect.objectContaining({ code: 'JARVIS_OBSERVER_BAD_TIMEZONE' }));
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
  describe('reference times at the edges (sentences written for these tests)', () => {
    const ny = 'America/New_York';
    const on = (phrase: string, at: string): string | null => findDueDate(`I need to phone the landlord ${phrase}`, Date.parse(at), ny)?.due.date ?? null;

    it('keeps a late time on the day said across a daylight-saving change, and places the instant in the new offset', () => {
      // Saturday evening before the clocks go forward (Sunday 2026-03-08): Sunday 11:30 pm is still Sunday.
      expect(on('tomorrow at 11:30 pm', '2026-03-07T21:00:00-05:00')).toBe('2026-03-08');
      expect(on('Sunday at 11 pm', '2026-03-07T21:00:00-05:00')).toBe('2026-03-08');
      expect(findDueDate('Sunday at 11 pm', Date.parse('2026-03-07T21:00:00-05:00'), ny)?.due.at).toBe(Date.parse('2026-03-08T23:00:00-04:00'));
      // The evening before the clocks go back (Sunday 2026-11-01).
      expect(findDueDate('tomorrow at 11:30 pm', Date.parse('2026-10-31T21:00:00-04:00'), ny)?.due).toEqual({ date: '2026-11-01', at: Date.parse('2026-11-01T23:30:00-05:00') });
    });

    it('reads holidays that move with the calendar, and New Year\'s Day said on New Year\'s Eve', () => {
      expect(on("before Mother's Day", '2026-03-02T09:00:00-05:00')).toBe('2026-05-10');
      expect(on("by Father's Day", '2027-06-01T09:00:00-04:00')).toBe('2027-06-20');
      expect(on('before Memorial Day', '2026-03-02T09:00:00-05:00')).toBe('2026-05-25');
      expect(on('by Labor Day', '2026-09-08T09:00:00-04:00')).toBe('2027-09-06');
      expect(on('before Easter', '2026-03-02T09:00:00-05:00')).toBe('2026-04-05');
      expect(on('before Easter', '2027-01-10T09:00:00-05:00')).toBe('2027-03-28');
      expect(on("by New Year's Day", '2026-12-31T22:30:00-05:00')).toBe('2027-01-01');
      expect(on('before the new year', '2026-12-01T10:00:00-05:00')).toBe('2026-12-31');
      // "for Memorial Day" says what it is for; the day said as well is when.
      expect(findDueDate('for Memorial Day I will get the charcoal Saturday', Date.parse('2026-05-21T17:00:00-04:00'), ny)?.due.date).toBe('2026-05-23');
    });

    it('reads typed and clipped forms, month ends, quarter hours and the lunch break', () => {
      expect(on('tonite', '2026-03-02T09:00:00-05:00')).toBe('2026-03-02');
      expect(on('2morrow', '2026-02-28T09:00:00-05:00')).toBe('2026-03-01');
      expect(on('on tues', '2026-03-02T09:00:00-05:00')).toBe('2026-03-03');
      expect(on('this coming Monday', '2026-03-02T09:00:00-05:00')).toBe('2026-03-09');
      expect(on('next week Wednesday', '2026-03-02T09:00:00-05:00')).toBe('2026-03-11');
      expect(on('by month end', '2026-02-27T14:00:00-05:00')).toBe('2026-02-28');
      expect(on('by the end of Feb', '2028-01-28T07:15:00-05:00')).toBe('2028-02-29');
      expect(on('at quarter to five', '2026-03-02T09:00:00-05:00')).toBe('2026-03-02');
      expect(findDueDate('at quarter to five', Date.parse('2026-03-02T09:00:00-05:00'), ny)?.due.at).toBe(Date.parse('2026-03-02T16:45:00-05:00'));
      expect(on('at half past ten', '2026-03-02T23:00:00-05:00')).toBe('2026-03-03');
      expect(on('on my lunch break', '2026-03-02T09:00:00-05:00')).toBe('2026-03-02');
      expect(on('on my lunch break tomorrow', '2026-03-31T09:00:00-04:00')).toBe('2026-04-01');
    });

    it('reads whisper\'s clock times without a colon and spoken minutes, with the day said after them', () => {
      const monday = Date.parse('2026-03-02T09:00:00-05:00');
      expect(findDueDate('drop the van off at 10 15 on friday', monday, ny)).toEqual({ due: { date: '2026-03-06', at: Date.parse('2026-03-06T10:15:00-05:00') }, text: 'at 10 15 on friday' });
      expect(findDueDate('call the school at seven thirty tomorrow', monday, ny)?.due).toEqual({ date: '2026-03-03', at: Date.parse('2026-03-03T07:30:00-05:00') });
      expect(findDueDate('ring the vet at 4 45', monday, ny)?.due).toEqual({ date: '2026-03-02', at: Date.parse('2026-03-02T16:45:00-05:00') });
      // Counted things are not a clock.
      expect(findDueDate('order 2 30 packs of labels', monday, ny)).toBeNull();
    });

    it('reads "after the weekend" as the Monday after, and bedtime, getting home or the next hour as today', () => {
      expect(on('after the weekend', '2026-03-04T12:00:00-05:00')).toBe('2026-03-09');
      expect(on('after the weekend', '2026-03-08T12:00:00-04:00')).toBe('2026-03-09');
      expect(on('by the time you get home', '2026-03-02T09:00:00-05:00')).toBe('2026-03-02');
      expect(on('after the kids go to bed', '2026-03-02T17:00:00-05:00')).toBe('2026-03-02');
      expect(on('in the next hour', '2026-03-02T23:30:00-05:00')).toBe('2026-03-02');
    });

    it('does not make a day out of a month alone, a year alone, or "last day"', () => {
      expect(on('in May', '2026-03-02T09:00:00-05:00')).toBeNull();
      expect(on('next year', '2026-03-02T09:00:00-05:00')).toBeNull();
      expect(findDueDate('Last day before the holidays. I need to clean out the fridge.', Date.parse('2026-12-18T09:00:00-05:00'), ny)).toBeNull();
      // A month as a deadline is the day before it starts.
      expect(on('before April', '2026-12-05T10:00:00-05:00')).toBe('2027-03-31');
      expect(on('by January', '2026-12-05T10:00:00-05:00')).toBe('2026-12-31');
    });
  });
});
