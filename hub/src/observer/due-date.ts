import * as chrono from 'chrono-node';
import { isoDate, localFields, localIsoDate, zonedInstant, zoneOffsetMinutes, type LocalFields } from './zoned-time.js';

/** When a to-do is due: its local calendar date, and the instant when a time of day was said too. */
export interface DueDate {
  /** `YYYY-MM-DD` in the hub's time zone. */
  date: string;
  /** ms since epoch when a time of day was said ("at six"), else null. */
  at: number | null;
}

/** A due date found in a phrase, with the words that said it (so they can be cut from the to-do text). */
export interface DueMatch {
  due: DueDate;
  /** The words that said it, as they appear in the input. */
  text: string;
}

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11,
  twelve: 12, fifteen: 15, twenty: 20, thirty: 30, forty: 40, 'forty-five': 45, fifty: 50, sixty: 60,
  'a couple of': 2, 'a couple': 2,
};
const NUMBER_WORD_RE = new RegExp(`\\b(at|around|by|in)\\s+(${Object.keys(NUMBER_WORDS).sort((a, b) => b.length - a.length).join('|')})\\b`, 'gi');
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth',
  'thirteenth', 'fourteenth', 'fifteenth', 'sixteenth', 'seventeenth', 'eighteenth', 'nineteenth', 'twentieth'];
const ORDINAL_RE = `(\\d{1,2})(?:st|nd|rd|th)|(?:(twenty|thirty)[- ])?(${ORDINALS.join('|')})|(twentieth|thirtieth)`;

/** The next day of the month numbered `day` from `now` (this month unless it is past or too short, then the next; capped at its last day). */
function nextDayOfMonth(day: number, now: { year: number; month: number; day: number }): { date: string; at: null } {
  let { year, month } = now;
  if (day < now.day || day > lastDayOfMonth(year, month)) {
    month += 1;
    if (month > 12) { month = 1; year += 1; }
  }
  return { date: isoDate(year, month, Math.min(day, lastDayOfMonth(year, month))), at: null };
}

function ordinalDay(m: RegExpExecArray, at: number): number {
  if (m[at]) return Number(m[at]);
  if (m[at + 3]) return m[at + 3]!.toLowerCase() === 'twentieth' ? 20 : 30;
  const unit = ORDINALS.indexOf(m[at + 2]!.toLowerCase()) + 1;
  const tens = m[at + 1] ? (m[at + 1]!.toLowerCase() === 'twenty' ? 20 : 30) : 0;
  return tens + unit;
}
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function addDays(f: LocalFields, days: number): LocalFields {
  const d = new Date(Date.UTC(f.year, f.month - 1, f.day + days));
  return { ...f, year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}
function dateOf(f: LocalFields): DueDate {
  return { date: isoDate(f.year, f.month, f.day), at: null };
}
function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
function weekday(f: LocalFields): number {
  return new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay();
}
/** "tomorrow", "Friday" or "next Friday" read forward from `now` (today's own weekday name is today). */
function dayNamed(word: string, now: LocalFields): DueDate {
  const w = word.trim().toLowerCase();
  if (w === 'tomorrow') return dateOf(addDays(now, 1));
  const next = /^next\s+/.test(w);
  const i = WEEKDAYS.indexOf(w.replace(/^next\s+/, ''));
  if (i < 0) return dateOf(now);
  const ahead = (i - weekday(now) + 7) % 7;
  return dateOf(addDays(now, next ? ahead || 7 : ahead));
}

/** An hour said as a word or digits ("six", "6"). */
function hourWord(word: string): number {
  const w = word.toLowerCase();
  return /^\d+$/.test(w) ? Number(w) : NUMBER_WORDS[w]!;
}

/** The next time the clock shows `hour`:`minute` (a bare hour before noon may be the evening), as "at six" is read. */
function nextTimeOfDay(hour: number, minute: number, now: LocalFields, timeZone: string): DueDate {
  for (const h of hour < 12 ? [hour, hour + 12] : [hour]) {
    if (h > now.hour || (h === now.hour && minute > now.minute)) return { date: isoDate(now.year, now.month, now.day), at: zonedInstant({ year: now.year, month: now.month, day: now.day, hour: h, minute }, timeZone) };
  }
  const t = addDays(now, 1);
  return { date: isoDate(t.year, t.month, t.day), at: zonedInstant({ year: t.year, month: t.month, day: t.day, hour, minute }, timeZone) };
}

/** The `n`th `weekday` (0 Sunday) of a month, or the last one when `n` is -1. */
function nthWeekday(year: number, month: number, weekdayIndex: number, n: number): number {
  if (n < 0) {
    const last = lastDayOfMonth(year, month);
    const lastWeekday = new Date(Date.UTC(year, month - 1, last)).getUTCDay();
    return last - ((lastWeekday - weekdayIndex + 7) % 7);
  }
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  return 1 + ((weekdayIndex - first + 7) % 7) + 7 * (n - 1);
}

/** Easter Sunday of `year` (Gregorian computus), as [month, day]. */
function easter(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const h = (19 * a + b - Math.floor(b / 4) - Math.floor((b - Math.floor((8 * b + 13) / 25)) / 3) + 15) % 30;
  const l = (32 + 2 * (b % 4) + 2 * Math.floor(c / 4) - h - (c % 4)) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return [month, ((h + l - 7 * m + 114) % 31) + 1];
}

/** Phrases people use for deadlines that chrono-node does not read, or reads in a way people do not mean. */
const CUSTOM: {
  re: RegExp;
  resolve: (m: RegExpExecArray, now: LocalFields, timeZone: string) => DueDate;
  /** A reading that yields to any other date in the text ("for Memorial Day I'll get the burgers Saturday"). */
  weak?: (m: RegExpExecArray) => boolean;
}[] = [
  // "first thing Monday", "first thing tomorrow", "first thing in the morning" (the next morning: today when said
  // before nine). "First thing" alone only says when in a day already named ("Tuesday works, I'll drop it off first thing").
  {
    re: new RegExp(`\\b(?:(?:by|at) )?first thing(?:\\s+(?:on|this))?(?:\\s+(next\\s+)?(tomorrow|${WEEKDAYS.join('|')})(?:\\s+morning)?|\\s+in the morning)\\b`, 'i'),
    resolve: (m, now) => (m[2] ? dayNamed(`${m[1] ?? ''}${m[2]}`, now) : dateOf(now.hour < 9 ? now : addDays(now, 1))),
  },
  // "at lunch tomorrow", "after work on Thursday", "after school Friday": the day said after the time of day.
  {
    re: new RegExp(`\\b(?:after|at|by|before|over|during) (?:lunch(?:time)?|dinner|work|school|practice|pickup)[,\\s]+(?:on\\s+|this\\s+)?(next\\s+)?(tomorrow|${WEEKDAYS.join('|')})\\b`, 'i'),
    resolve: (m, now) => dayNamed(`${m[1] ?? ''}${m[2]!}`, now),
  },
  // "half six" (British: half past six), "by half five": the next such time of day, as "at six" is read.
  {
    re: /\b(?:(?:at|by|around|about|for|till|until) )?half (one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|1[0-2]|[1-9])\b(?!\s+(?:an?|the|of|hours?|dozen|days?|weeks?|percent)\b)/i,
    resolve: (m, now, timeZone) => nextTimeOfDay(hourWord(m[1]!), 30, now, timeZone),
  },
  // "half past six", "quarter to five", "a quarter past ten": chrono reads none of them.
  {
    re: /\b(?:(?:at|by|around|about|till|until|before) )?(half|(?:a )?quarter) (past|after|to|of|till) (one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|midnight|1[0-2]|[1-9])\b/i,
    resolve: (m, now, timeZone) => {
      const word = m[3]!.toLowerCase();
      const hour = word === 'noon' || word === 'midnight' ? 12 : hourWord(word);
      const minutes = /half/i.test(m[1]!) ? 30 : 15;
      const before = /^(?:to|of|till)$/i.test(m[2]!);
      return before ? nextTimeOfDay(hour === 1 ? 12 : hour - 1, 60 - minutes, now, timeZone) : nextTimeOfDay(hour, minutes, now, timeZone);
    },
  },
  // "on my lunch break", "during my lunch break tomorrow": that day (today when no day is said).
  {
    re: new RegExp(`\\b(?:on|during|at|over) (?:my|the|our) lunch(?: break| hour)?\\b(?:[,\\s]+(?:on\\s+)?(next\\s+)?(tomorrow|${WEEKDAYS.join('|')})\\b)?`, 'i'),
    resolve: (m, now) => (m[2] ? dayNamed(`${m[1] ?? ''}${m[2]}`, now) : dateOf(now)),
  },
  // "when I get home", "on the way home", "at pickup": later today.
  {
    re: new RegExp(`(?:\\b(?:when|once|as soon as|by the time) (?:I|we|you|he|she|they) (?:get|gets|am|are|is) (?:home|back|there)|\\b(?:after|once|when) (?:the kids|the baby|they|he|she|you) (?:go|goes|are|is) (?:to bed|asleep|down)|\\bon (?:the|my|our|your) way (?:home|back)|\\bat (?:school )?(?:pickup|pick-up|pick up|drop-off|dropoff))\\b(?:[,\\s]+(?:on\\s+)?(next\\s+)?(tomorrow|${WEEKDAYS.join('|')})\\b)?`, 'i'),
    resolve: (m, now) => (m[2] ? dayNamed(`${m[1] ?? ''}${m[2]}`, now) : dateOf(now)),
  },
  // "by year end", "before year-end".
  { re: /\b(?:by |before )?(?:the )?year[- ]end\b/i, resolve: (_m, now) => ({ date: isoDate(now.year, 12, 31), at: null }) },
  // "end of day tomorrow", "by close of business Friday": the day said after the end-of-day words.
  {
    re: new RegExp(`\\b(?:by |before )?(?:the )?(?:end of (?:the )?(?:day|business)|close of business|eod|cob)[,\\s]+(?:on\\s+|this\\s+)?(next\\s+)?(tomorrow|${WEEKDAYS.join('|')})\\b`, 'i'),
    resolve: (m, now) => dayNamed(`${m[1] ?? ''}${m[2]!}`, now),
  },
  { re: /\b(?:by |before )?(?:the )?(?:end of (?:the )?(?:day|business)|close of business)\b|\beod\b|\bcob\b|\b(?:after|at|by|before|over|during) (?:lunch(?:time)?|dinner|work)\b|\bafter (?:the |my |our )?(?:standup|stand-up|school|class|practice|the meeting|my meeting|this meeting|the call|this call|my call|church|the gym|gym|pickup|drop-off|dropoff)\b|\blater today\b|\bthis (?:morning|afternoon|evening)\b|\bbefore (?:I|we) (?:log off|sign off|leave|head out|head home|go home|clock out|go to bed|leave work)\b(?![,\s]+(?:on\s+|this\s+|next\s+)?(?:tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next|this)\b)|\bbefore bed(?:time)?\b|\b(?:in|within) the next (?:hour|couple of hours|few hours)\b/i, resolve: (_m, now) => dateOf(now) },
  { re: /\b(?:the )?day after tomorrow\b/i, resolve: (_m, now) => dateOf(addDays(now, 2)) },
  // Texting and typing: "tonite", "2morrow", "on tues", "weds".
  { re: /\btonite\b/i, resolve: (_m, now) => dateOf(now) },
  { re: /\b(?:2morrow|2moro|2mrw|tomoz|tomorow|tommorow|tommorrow)\b/i, resolve: (_m, now) => dateOf(addDays(now, 1)) },
  {
    re: /\b(?:(?:on|by|this|until|till|before) )(next )?(tues|weds|thur|thurs)\b/i,
    resolve: (m, now) => dayNamed(`${m[1] ?? ''}${WEEKDAYS.find((w) => w.startsWith(m[2]!.toLowerCase().slice(0, 3)))!}`, now),
  },
  // "this coming Monday": the next one, never today.
  {
    re: new RegExp(`\\b(?:this )?coming (${WEEKDAYS.join('|')})\\b`, 'i'),
    resolve: (m, now) => dayNamed(`next ${m[1]!}`, now),
  },
  // "next week Wednesday", "next week on Thursday": that day of next week (chrono reads only "next week").
  {
    re: new RegExp(`\\bnext week(?:,)? (?:on )?(${WEEKDAYS.join('|')})\\b`, 'i'),
    resolve: (m, now) => {
      const monday = addDays(now, ((8 - weekday(now)) % 7) || 7);
      return dateOf(addDays(monday, (WEEKDAYS.indexOf(m[1]!.toLowerCase()) + 6) % 7));
    },
  },
  // "a week from Friday", "two weeks from today": the day named, then whole weeks on.
  {
    re: new RegExp(`\\b(a|one|two|three|\\d) weeks? from (today|now|tomorrow|${WEEKDAYS.join('|')})\\b`, 'i'),
    resolve: (m, now) => {
      const n = /^\d$/.test(m[1]!) ? Number(m[1]) : ({ a: 1, one: 1, two: 2, three: 3 } as Record<string, number>)[m[1]!.toLowerCase()]!;
      const base = /^(?:today|now)$/i.test(m[2]!) ? dateOf(now) : dayNamed(m[2]!, now);
      const [y, mo, d] = base.date.split('-').map(Number) as [number, number, number];
      return dateOf(addDays({ ...now, year: y, month: mo, day: d }, 7 * n));
    },
  },
  // "end of next week": its Friday (chrono reads the Saturday).
  { re: /\b(?:by |before )?(?:the )?end of next week\b/i, resolve: (_m, now) => dateOf(addDays(now, (5 - weekday(now) + 7) % 7 + 7 - (weekday(now) === 6 ? 7 : 0))) },
  // "the Friday after next", "the weekend after next": a week past the next one.
  {
    re: new RegExp(`\\b(?:the )?(${WEEKDAYS.join('|')}|weekend|week) after next\\b`, 'i'),
    resolve: (m, now) => {
      const w = m[1]!.toLowerCase();
      if (w === 'week') return dateOf(addDays(now, (((8 - weekday(now)) % 7) || 7) + 7));
      const day = w === 'weekend' ? 'saturday' : w;
      const next = dayNamed(day, now);
      const [y, mo, d] = next.date.split('-').map(Number) as [number, number, number];
      const ahead = next.date === dateOf(now).date ? 7 : 0;
      return dateOf(addDays({ ...now, year: y, month: mo, day: d }, 7 + ahead));
    },
  },
  // Holidays people name as deadlines (US): the next one on or after today.
  {
    // Only after a preposition: "a halloween costume", "the kids' valentines" are things, not days.
    re: /(?<=\b(?:on|by|before|for|until|till|over|around|this|next|at)\s+)(christmas eve|christmas(?: day)?|xmas|new year'?s eve|new year'?s day|thanksgiving|halloween|valentine'?s(?: day)?|(?:the )?fourth of july|july (?:4th|fourth)|independence day|mother'?s day|father'?s day|memorial day|labor day|easter(?: sunday)?|mlk day|martin luther king day|presidents'? day)\b/i,
    resolve: (m, now) => {
      const name = m[1]!.toLowerCase().replace(/'/g, '');
      const on = (year: number): [number, number] => {
        if (name.startsWith('christmas eve')) return [12, 24];
        if (name.startsWith('christmas') || name === 'xmas') return [12, 25];
        if (name.startsWith('new years eve')) return [12, 31];
        if (name.startsWith('new years day')) return [1, 1];
        if (name === 'thanksgiving') {
          const first = new Date(Date.UTC(year, 10, 1)).getUTCDay();
          return [11, 1 + ((4 - first + 7) % 7) + 21];
        }
        if (name === 'halloween') return [10, 31];
        if (name.startsWith('valentine')) return [2, 14];
        if (name.startsWith('mother')) return [5, nthWeekday(year, 5, 0, 2)];
        if (name.startsWith('father')) return [6, nthWeekday(year, 6, 0, 3)];
        if (name === 'memorial day') return [5, nthWeekday(year, 5, 1, -1)];
        if (name === 'labor day') return [9, nthWeekday(year, 9, 1, 1)];
        if (name.startsWith('easter')) return easter(year);
        if (name.startsWith('mlk') || name.startsWith('martin')) return [1, nthWeekday(year, 1, 1, 3)];
        if (name.startsWith('president')) return [2, nthWeekday(year, 2, 1, 3)];
        return [7, 4];
      };
      let [month, day] = on(now.year);
      let year = now.year;
      if (month < now.month || (month === now.month && day < now.day)) {
        year += 1;
        [month, day] = on(year);
      }
      const before = /\bbefore\s+$/i.test(m.input.slice(0, m.index));
      return before && name === 'christmas' ? { date: isoDate(year, 12, 24), at: null } : { date: isoDate(year, month, day), at: null };
    },
    // "for Memorial Day" says what it is for; a day said as well is when.
    weak: (m) => /\bfor\s+$/i.test(m.input.slice(0, m.index)),
  },
  { re: /\bin a fortnight\b|\bfortnight from (?:now|today)\b/i, resolve: (_m, now) => dateOf(addDays(now, 14)) },
  // "after the weekend": the Monday after it.
  { re: /\bafter the weekend\b/i, resolve: (_m, now) => dateOf(addDays(now, ((8 - weekday(now)) % 7) || 7)) },
  // "before the weekend": the Friday before it.
  { re: /\bbefore the weekend\b/i, resolve: (_m, now) => dateOf(addDays(now, Math.max(0, 5 - weekday(now)))) },
  // "the first of the month", "first of next month": the 1st of the coming month.
  {
    re: /\b(?:the )?(?:1st|first) of (?:the |next )month\b/i,
    resolve: (_m, now) => (now.month === 12 ? { date: isoDate(now.year + 1, 1, 1), at: null } : { date: isoDate(now.year, now.month + 1, 1), at: null }),
  },
  {
    re: new RegExp(`\\b(?:mid|middle of)[- ]?(${MONTHS.join('|')})\\b`, 'i'),
    resolve: (m, now) => {
      const month = MONTHS.indexOf(m[1]!.toLowerCase()) + 1;
      return { date: isoDate(month < now.month ? now.year + 1 : now.year, month, 15), at: null };
    },
  },
  {
    re: /\b(?:by |before )?(?:the )?end of (?:the |this )?(week|month|year)\b|\b(?:by |before )?e(o)w\b|\b(?:by |before )?(?:the )?(month)[- ]end\b/i,
    resolve: (m, now) => {
      const unit = m[2] ? 'week' : (m[1] ?? m[3]!).toLowerCase();
      if (unit === 'year') return { date: isoDate(now.year, 12, 31), at: null };
      if (unit === 'month') return { date: isoDate(now.year, now.month, lastDayOfMonth(now.year, now.month)), at: null };
      return dateOf(addDays(now, (5 - weekday(now) + 7) % 7));
    },
  },
  {
    // "end of April", "end of Feb".
    re: new RegExp(`\\b(?:by |before )?(?:the )?end of (${MONTHS.join('|')}|jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec)\\b`, 'i'),
    resolve: (m, now) => {
      const month = MONTHS.findIndex((name) => name.startsWith(m[1]!.toLowerCase())) + 1;
      const year = month < now.month ? now.year + 1 : now.year;
      return { date: isoDate(year, month, lastDayOfMonth(year, month)), at: null };
    },
  },
  { re: /\b(?:before|by) (?:the )?new year(?!(?:'s)? day)(?:'s)?(?: eve)?\b/i, resolve: (_m, now) => ({ date: isoDate(now.year, 12, 31), at: null }) },
  {
    re: /\b(this|next) weekend\b/i,
    resolve: (m, now) => {
      const wd = weekday(now);
      const toSat = wd === 6 ? 0 : wd === 0 ? -1 : 6 - wd;
      return dateOf(addDays(now, toSat + (m[1]!.toLowerCase() === 'next' ? 7 : 0)));
    },
  },
  {
    re: /\b(?:sometime |some time )?next week\b/i,
    resolve: (_m, now) => dateOf(addDays(now, ((8 - weekday(now)) % 7) || 7)),
  },
  {
    re: /\b(?:by |before )?(?:the )?(?:end of (?:the |this )?quarter|quarter(?:'s)? end|(?:the )?quarter (?:closes|ends))\b/i,
    resolve: (_m, now) => {
      const month = Math.ceil(now.month / 3) * 3;
      return { date: isoDate(now.year, month, lastDayOfMonth(now.year, month)), at: null };
    },
  },
  { re: /\b(?:by |before )?(?:the )?year (?:closes|ends)(?: out)?\b/i, resolve: (_m, now) => ({ date: isoDate(now.year, 12, 31), at: null }) },
  // "tonight" is this evening even when it is said late in the evening (chrono reads it forward to tomorrow).
  { re: /\btonight\b/i, resolve: (_m, now) => dateOf(now) },
  { re: /\b(?:(?:sometime|some time|later|within|during) )?(?:this|the) week\b(?! after)/i, resolve: (_m, now) => dateOf(addDays(now, Math.max(0, 5 - weekday(now)))) },
  {
    // "Friday the 20th", "wednesday the twenty ninth": the day of the month named.
    re: new RegExp(`(?:\\b(?:${WEEKDAYS.join('|')})\\s+|\\b(?:on|by|before|until|for|due|due on|is due|do|make it|how about|what about|say) )the (?:${ORDINAL_RE})\\b`, 'i'),
    resolve: (m, now) => nextDayOfMonth(ordinalDay(m, 1), now),
  },
  {
    // "The 29th at four, great.", "the 3rd works": a day of the month said first, as an answer.
    re: new RegExp(`(?:^|[,.;:])\\s*the (?:${ORDINAL_RE})\\b(?=\\s+at\\b|\\s*[,.!]|\\s*$|\\s+(?:works|is fine|sounds|then)\\b)`, 'i'),
    resolve: (m, now) => nextDayOfMonth(ordinalDay(m, 1), now),
  },
];

/**
 * Finds the first due date in `text`, read relative to `saidAt` in `timeZone` (the hub's zone), with
 * chrono-node for the general case and a few rules for phrases it misses ("end of day", "on the 22nd",
 * "at six"). Dates are read forward: "Thursday" is the next Thursday, a bare hour already past today is
 * read as the evening, then as tomorrow.
 */
export function findDueDate(text: string, saidAt: number, timeZone: string): DueMatch | null {
  const now = localFields(saidAt, timeZone);
  let best: { index: number; match: DueMatch } | null = null;
  let weakest: DueMatch | null = null;
  for (const { re, resolve, weak } of CUSTOM) {
    const m = re.exec(text);
    if (m && weak?.(m)) weakest ??= { due: resolve(m, now, timeZone), text: m[0] };
    else if (m && (!best || m.index < best.index)) best = { index: m.index, match: { due: resolve(m, now, timeZone), text: m[0] } };
  }
  const digits = text
    // "at seven thirty": the hour and its minutes in words.
    .replace(/\b(at|by|around|about|before|until|till) (one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve) (fifteen|thirty|forty[- ]five)\b/gi,
      (_all, prep: string, hour: string, minutes: string) => `${prep} ${NUMBER_WORDS[hour.toLowerCase()]}:${/^fi/i.test(minutes) ? 15 : /^th/i.test(minutes) ? 30 : 45}`)
    .replace(NUMBER_WORD_RE, (_all, prep: string, word: string) => `${prep} ${NUMBER_WORDS[word.toLowerCase()]}`)
    // Whisper writes "at 7 30" for 7:30 (same length, so spans still line up).
    .replace(/\b(at|by|around|about|before|until|till) (\d{1,2}) ([0-5]\d)\b(?!\s*(?:%|percent|dollars|bucks|people|minutes?|mins?|days?|boxes|of)\b)/gi, '$1 $2:$3')
    // "by 6" is a time of day chrono does not read; "by 6:00" it does (same length, so spans still line up).
    .replace(/\b(by|before) (\d{1,2})\b(?![:\d]|\s*(?:am|pm|a\.m|p\.m|days?|weeks?|months?|years?|hours?|minutes?|mins?|people|of|%|percent|dollars|bucks)\b)/gi, '$1 at $2');
  const results = chrono.casual.parse(digits, { instant: new Date(saidAt), timezone: zoneOffsetMinutes(saidAt, timeZone) }, { forwardDate: true });
  const r = results.find((x) => plausible(x, digits));
  if (r && (!best || r.index < best.index)) {
    const said = text.includes(r.text) ? r.text : originalSpan(text, r.text);
    best = { index: r.index, match: { due: fromChrono(r, saidAt, now, timeZone), text: said } };
  }
  return best?.match ?? weakest;
}

/**
 * Whether chrono's reading is a date the speaker meant: not "a second" of "a second opinion", not the
 * verb "march" or "may" ("I have to march", "we may"), not a bare "sat"/"sun" ("I sat down"), not a day
 * looked back on ("since Monday", "from Tuesday's meeting").
 */
function plausible(r: chrono.ParsedResult, text: string): boolean {
  const before = text.slice(0, r.index);
  const said = r.text.trim().toLowerCase();
  if (/\b(?:since|ago|from|past|last)\s*$/i.test(before)) return false;
  // "the w2s", "Q4", "a1": a code with digits in it, not a count of weeks or seconds.
  if (/[a-z]\d|\d(?!(?:st|nd|rd|th|am|pm|a\.m|p\.m|h|hr|hrs|s)\b)[a-z]/i.test(said)) return false;
  if (/^(?:a |one |the )?(?:second|sec|minute|min|moment)s?$/.test(said)) return false;
  // "last day before break", "the last day of the month": which day, not yesterday.
  if (/^(?:the )?(?:last|final|first|same|other) day$/.test(said)) return false;
  // "arrive fifteen minutes early", "it takes two hours": a length of time, not when.
  if (/^(?:[\w-]+ )?(?:minutes?|mins?|hours?|hrs?)(?: early| late| long)?$/.test(said) && !/\b(?:in|within|after)\s*$/i.test(before)) return false;
  // "in April", "until april", "next year": a month or a year, not a day (a first of the month nobody said).
  // "before April", "by June" stay: a deadline (read as the day before the month starts, see fromChrono).
  if (monthOnly(r) && !/\b(?:before|by|until|till)\s+(?:the\s+)?(?:start of\s+|beginning of\s+)?$/i.test(before)) return false;
  if (!monthOnly(r) && !r.start.isCertain('day') && !r.start.isCertain('weekday') && !r.start.isCertain('hour') && r.start.isCertain('year')) return false;
  if (/^(?:march|may)$/.test(said) && !/\b(?:in|by|before|until|till|of|end of|early|late|this|next)\s*$/i.test(before)) return false;
  if (/^(?:sat|sun|wed|mon)$/.test(said) && !/\b(?:on|by|this|next|until|till|before|for)\s*$/i.test(before)) return false;
  return true;
}

/** A reading that names a month and no day ("April", "next month"). */
function monthOnly(r: chrono.ParsedResult): boolean {
  return r.start.isCertain('month') && !r.start.isCertain('day') && !r.start.isCertain('weekday') && !r.start.isCertain('hour');
}

/** A clock time as said: "7:30", whisper's "7 30", "seven thirty". */
const SPOKEN_CLOCK = String.raw`(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)[: ](?:[0-5]\d|fifteen|thirty|forty[- ]five)`;

/** The words of `text` that chrono read as `rewritten` (where number words were turned into digits). */
function originalSpan(text: string, rewritten: string): string {
  const pattern = rewritten.trim().split(/\s+/)
    .map((w) => (/^\d+$/.test(w) ? '[\\w-]+(?: of)?' : /^\d{1,2}:\d{2}$/.test(w) ? SPOKEN_CLOCK : /^at$/i.test(w) ? '(?:at|by|before)' : w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('\\s+');
  return new RegExp(pattern, 'i').exec(text)?.[0] ?? rewritten;
}

function fromChrono(r: chrono.ParsedResult, saidAt: number, now: LocalFields, timeZone: string): DueDate {
  const s = r.start;
  const hour = s.get('hour') ?? 12;
  const minute = s.get('minute') ?? 0;
  const timeOnly = !s.isCertain('day') && !s.isCertain('weekday') && !s.isCertain('month') && s.isCertain('hour');
  if (timeOnly) {
    // "at six" said in the morning means this evening, not six tomorrow morning.
    const candidates = [hour];
    if (!s.isCertain('meridiem') && hour < 12) candidates.push(hour + 12);
    for (const h of candidates) {
      const at = zonedInstant({ year: now.year, month: now.month, day: now.day, hour: h, minute }, timeZone);
      if (at > saidAt) return { date: isoDate(now.year, now.month, now.day), at };
    }
    const t = addDays(now, 1);
    return { date: isoDate(t.year, t.month, t.day), at: zonedInstant({ year: t.year, month: t.month, day: t.day, hour, minute }, timeZone) };
  }
  // chrono works in the offset in force when the words were said; across a daylight-saving change its instant is
  // an hour off ("Sunday at 11:30 pm" said the Saturday before the clocks go forward would land on Monday). Its
  // wall-clock fields are what was said: read the date from them and place the time in the zone.
  const year = s.get('year');
  const month = s.get('month');
  const day = s.get('day');
  // "before April": the last day before the month starts (plausible keeps a month alone only as a deadline).
  if (monthOnly(r) && year !== null && month !== null) {
    return month === 1 ? { date: isoDate(year - 1, 12, 31), at: null } : { date: isoDate(year, month - 1, lastDayOfMonth(year, month - 1)), at: null };
  }
  if (year === null || month === null || day === null) {
    const instant = s.date().getTime();
    return { date: localIsoDate(instant, timeZone), at: s.isCertain('hour') ? instant : null };
  }
  return { date: isoDate(year, month, day), at: s.isCertain('hour') ? zonedInstant({ year, month, day, hour, minute }, timeZone) : null };
}
