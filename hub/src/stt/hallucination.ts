/**
 * Phrases whisper is known to produce from silence, music or noise (subtitle credits and the like).
 * A transcript that is nothing but these is dropped.
 */
export const PHANTOM_PHRASES: readonly string[] = [
  'thank you', 'thanks for watching', 'thank you for watching', 'thank you so much for watching',
  'please subscribe', 'subscribe to my channel', 'like and subscribe', 'see you next time', 'bye',
  'you', 'the end', 'subtitles by the amara org community', 'transcribed by', 'music', 'applause',
  'silence', 'blank audio', 'inaudible', 'sound', 'foreign', 'laughter', 'so',
];

/** Lower-case, strip bracketed tags (`[BLANK_AUDIO]`, `(music)`) and punctuation, squeeze spaces. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|♪/g, ' ')
    .replace(/[^\p{L}\p{N}' ]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether whisper's output is only bracketed tags or phantom phrases, so it should not count as speech. */
export function isPhantom(text: string, phrases: readonly string[] = PHANTOM_PHRASES): boolean {
  const norm = normalizeText(text);
  if (norm === '') return true;
  let rest = ` ${norm} `;
  // Longest phrases first so "thank you for watching" is not half-eaten by "thank you".
  for (const p of [...phrases].sort((a, b) => b.length - a.length)) rest = rest.split(` ${p} `).join(' ');
  return rest.trim() === '';
}

/** Strips whisper's bracketed non-speech tags and squeezes whitespace, keeping case and punctuation. */
export function cleanWhisperText(text: string): string {
  return text.replace(/\[[^\]]*\]|\((?:music|applause|laughter|silence|inaudible)\)|♪/gi, ' ').replace(/\s+/g, ' ').trim();
}
