/**
 * LocalAgreement-n for streaming transcription (Macháček et al., "Turning Whisper into Real-Time
 * Transcription System"): the open utterance is re-decoded every ~0.5 s, and the longest common word
 * prefix of the last two passes is committed. Committed words never change.
 */
export class LocalAgreement {
  private previous: string[] = [];
  private committedWords: string[] = [];

  /** Feeds the words of a new pass; returns the words newly committed by it. */
  update(passText: string): string[] {
    const words = splitWords(passText);
    const agreed = commonPrefix(this.previous, words);
    this.previous = words;
    if (agreed <= this.committedWords.length) return [];
    // Only extend: a later pass that disagrees with committed text cannot retract it.
    if (commonPrefix(this.committedWords, words) < this.committedWords.length) return [];
    const fresh = words.slice(this.committedWords.length, agreed);
    this.committedWords.push(...fresh);
    return fresh;
  }

  /** Everything committed so far. */
  get committed(): string {
    return this.committedWords.join(' ');
  }

  /** The part of the latest pass after the committed words. */
  get tentative(): string {
    return this.previous.slice(this.committedWords.length).join(' ');
  }
}

function splitWords(text: string): string[] {
  return text.trim().split(/\s+/).filter((w) => w !== '');
}

/** Compares words ignoring case and trailing punctuation, so "light," agrees with "light". */
function commonPrefix(a: readonly string[], b: readonly string[]): number {
  const key = (w: string): string => w.toLowerCase().replace(/[.,!?;:]+$/, '');
  let n = 0;
  while (n < a.length && n < b.length && key(a[n]!) === key(b[n]!)) n++;
  return n;
}
