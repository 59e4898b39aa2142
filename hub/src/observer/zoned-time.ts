import { ObserverError } from './errors.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', second: '2-digit',
      });
    } catch {
      throw new ObserverError('JARVIS_OBSERVER_BAD_TIMEZONE', `unknown time zone "${timeZone}"`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws JARVIS_OBSERVER_BAD_TIMEZONE unless `timeZone` is an IANA zone this runtime knows. */
export function assertTimeZone(timeZone: string): void {
  formatter(timeZone);
}

/** Wall-clock fields of an instant in a zone (month 1–12). */
export interface LocalFields { year: number; month: number; day: number; hour: number; minute: number; second: number }

/** The wall-clock fields of `instant` (ms since epoch) in `timeZone`. */
export function localFields(instant: number, timeZone: string): LocalFields {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? NaN);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** Offset of `timeZone` from UTC at `instant`, in minutes (New York in winter: -300). */
export function zoneOffsetMinutes(instant: number, timeZone: string): number {
  const f = localFields(instant, timeZone);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The instant at which the wall clock in `timeZone` shows the given fields (two passes settle DST edges). */
export function zonedInstant(fields: Omit<LocalFields, 'second'> & { second?: number }, timeZone: string): number {
  const naive = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second ?? 0);
  let guess = naive - zoneOffsetMinutes(naive, timeZone) * 60_000;
  guess = naive - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return guess;
}

/** `YYYY-MM-DD` of the given calendar fields. */
export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The local calendar date of `instant` in `timeZone`, as `YYYY-MM-DD`. */
export function localIsoDate(instant: number, timeZone: string): string {
  const f = localFields(instant, timeZone);
  return isoDate(f.year, f.month, f.day);
}

/** Parses an ISO 8601 instant; throws JARVIS_OBSERVER_BAD_TIME naming `what`. */
export function parseInstant(text: string, what: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(text) ? Date.parse(text) : NaN;
  if (!Number.isFinite(ms)) throw new ObserverError('JARVIS_OBSERVER_BAD_TIME', `${what} "${text}" is not an ISO 8601 time`);
  return ms;
}
