import { execFileSync } from 'node:child_process';

/** IPA (as espeak-ng prints it for en-us) to CMU/ARPAbet phones, longest symbols first. */
const IPA_TO_CMU: ReadonlyArray<readonly [string, string]> = [
  ['aɪə', 'AY ER'], ['aɪ', 'AY'], ['aʊ', 'AW'], ['ɔɪ', 'OY'], ['eɪ', 'EY'], ['oʊ', 'OW'], ['əʊ', 'OW'], ['iə', 'IY AH'],
  ['ɛɹ', 'EH R'], ['ɪɹ', 'IH R'], ['ʊɹ', 'UH R'], ['ɑːɹ', 'AA R'], ['ɔːɹ', 'AO R'], ['oːɹ', 'AO R'], ['ɜːɹ', 'ER'],
  ['tʃ', 'CH'], ['dʒ', 'JH'], ['ɜː', 'ER'], ['ɚ', 'ER'], ['ɝ', 'ER'], ['ɑː', 'AA'], ['ɔː', 'AO'], ['iː', 'IY'], ['uː', 'UW'],
  ['ɑ', 'AA'], ['æ', 'AE'], ['ʌ', 'AH'], ['ə', 'AH'], ['ɐ', 'AH'], ['ɔ', 'AO'], ['ɛ', 'EH'], ['ɪ', 'IH'], ['ᵻ', 'IH'],
  ['i', 'IY'], ['ʊ', 'UH'], ['u', 'UW'], ['o', 'OW'], ['e', 'EH'], ['a', 'AE'], ['ɒ', 'AA'],
  ['b', 'B'], ['d', 'D'], ['ð', 'DH'], ['f', 'F'], ['ɡ', 'G'], ['g', 'G'], ['h', 'HH'], ['j', 'Y'], ['k', 'K'], ['l', 'L'],
  ['m', 'M'], ['n', 'N'], ['ŋ', 'NG'], ['p', 'P'], ['ɹ', 'R'], ['r', 'R'], ['s', 'S'], ['ʃ', 'SH'], ['t', 'T'], ['θ', 'TH'],
  ['v', 'V'], ['w', 'W'], ['z', 'Z'], ['ʒ', 'ZH'], ['ɾ', 'T'], ['ʔ', 'T'], ['x', 'K'], ['ɬ', 'L'],
];

/** Converts one espeak-ng IPA word to CMU phones; null when a symbol has no mapping. */
export function ipaToCmu(ipa: string): string | null {
  // Stress, syllable breaks, syllabicity and tie marks carry no phone.
  const s = ipa.replace(/ˈ|ˌ|\.|\u0329|\u0361|\u035c|-/g, '').trim();
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const hit = IPA_TO_CMU.find(([sym]) => s.startsWith(sym, i));
    if (hit) {
      out.push(hit[1]);
      i += hit[0].length;
      continue;
    }
    // A length mark not consumed with its vowel carries no phone of its own.
    if (s[i] === 'ː') {
      i++;
      continue;
    }
    return null;
  }
  return out.length > 0 ? out.join(' ') : null;
}

/** Something that proposes a pronunciation for a word the dictionary lacks. */
export type Pronouncer = (word: string) => string | null;

/** Asks espeak-ng (en-us) for the word's phonemes and maps them to CMU phones; null when espeak-ng is absent or the mapping fails. */
export const espeakPronouncer: Pronouncer = (word) => {
  if (!/^[a-z']+$/.test(word)) return null;
  let ipa: string;
  try {
    ipa = execFileSync('espeak-ng', ['-q', '--ipa', '-v', 'en-us', word], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return null;
  }
  return ipaToCmu(ipa.trim().split(/\s+/).join(''));
};
