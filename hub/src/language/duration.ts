/** A spoken duration split the way Home Assistant's timer intents carry it. */
export interface SpokenDuration {
  hours?: number;
  minutes?: number;
  seconds?: number;
}

const UNIT: Record<string, keyof SpokenDuration> = {
  hour: 'hours', hours: 'hours', hr: 'hours', hrs: 'hours',
  minute: 'minutes', minutes: 'minutes', min: 'minutes', mins: 'minutes',
  second: 'seconds', seconds: 'seconds', sec: 'seconds', secs: 'seconds',
};

/**
 * Parses normalised text like "1 hour and 10 minutes", "2.5 minutes", "a minute and a half" or "10 more minutes";
 * undefined unless all of it is a duration.
 */
export function parseDuration(text: string): SpokenDuration | undefined {
  const tokens = text.split(' ').filter((t) => t && t !== 'and' && t !== 'more' && t !== 'extra' && t !== 'another');
  if (tokens.length === 0) return undefined;
  const out: SpokenDuration = {};
  let last: keyof SpokenDuration | undefined;
  for (let i = 0; i < tokens.length; ) {
    if (last && (tokens[i] === 'a' || tokens[i] === 'an') && tokens[i + 1] === 'half' && i + 2 === tokens.length) {
      out[last] = (out[last] ?? 0) + 0.5;
      break;
    }
    if (i === 0 && tokens.length === 1 && UNIT[tokens[0]!]) {
      // "an hour timer": the article went to the template, the unit alone is one of it.
      out[UNIT[tokens[0]!]!] = 1;
      break;
    }
    const amount = tokens[i] === 'a' || tokens[i] === 'an' ? 1 : Number(tokens[i]);
    // "one minute thirty", "an hour fifteen": a bare number last is of the next smaller unit.
    if (i === tokens.length - 1 && (last === 'minutes' || last === 'hours') && Number.isInteger(amount) && amount > 0 && amount < 60) {
      out[last === 'hours' ? 'minutes' : 'seconds'] = amount;
      break;
    }
    const unit = UNIT[tokens[i + 1] ?? ''];
    if (!unit || !Number.isFinite(amount) || amount <= 0 || out[unit] !== undefined) return undefined;
    out[unit] = amount;
    last = unit;
    i += 2;
  }
  return out;
}

/** Total seconds of a spoken duration. */
export function durationSeconds(d: SpokenDuration): number {
  return Math.round((d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0));
}

/** Speakable form: "1 hour and 10 minutes". */
export function describeDuration(totalSeconds: number): string {
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = Math.round(totalSeconds % 60);
  const parts: string[] = [];
  if (h) parts.push(`${h} hour${h === 1 ? '' : 's'}`);
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s || parts.length === 0) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}` : parts[0]!;
}
