import { describe, expect, it } from 'vitest';
import { cleanWhisperText, isPhantom, normalizeText } from '../../src/stt/hallucination.js';
import { LocalAgreement } from '../../src/stt/local-agreement.js';
import { estimateSnrDb, looksLikeSpeech } from '../../src/stt/audio.js';
import { tone } from './engine-suite.js';

describe('hallucination guards', () => {
  it('drops transcripts made only of phantom phrases or bracketed tags', () => {
    expect(isPhantom(' Thank you for watching!')).toBe(true);
    expect(isPhantom('[BLANK_AUDIO]')).toBe(true);
    expect(isPhantom('(music) Thanks for watching. Bye.')).toBe(true);
    expect(isPhantom('Thank you, turn on the kitchen light')).toBe(false);
    expect(isPhantom('turn off the fan')).toBe(false);
  });
  it('normalises and cleans text', () => {
    expect(normalizeText('  Hello,   World! [MUSIC] ')).toBe('hello world');
    expect(cleanWhisperText(' [BLANK_AUDIO] Turn on the light. ')).toBe('Turn on the light.');
  });
  it('tells speech-like audio from silence and a steady hum', () => {
    expect(looksLikeSpeech(new Float32Array(16000))).toBe(false);
    expect(looksLikeSpeech(new Float32Array(16000).map((_, i) => 0.2 * Math.sin(i / 5)))).toBe(false);
    expect(looksLikeSpeech(tone(1))).toBe(true);
    expect(looksLikeSpeech(new Float32Array(100))).toBe(false);
  });
  it('estimates a high SNR for a clean modulated tone and a low one for noise', () => {
    expect(estimateSnrDb(tone(1))).toBeGreaterThan(30);
    let seed = 1;
    const noise = new Float32Array(16000).map(() => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.2);
    expect(estimateSnrDb(noise)).toBeLessThan(6);
  });
});

describe('LocalAgreement-2', () => {
  it('commits the common prefix of two consecutive passes and never retracts it', () => {
    const la = new LocalAgreement();
    expect(la.update('turn on')).toEqual([]);
    expect(la.update('turn on the kitchen')).toEqual(['turn', 'on']);
    expect(la.tentative).toBe('the kitchen');
    expect(la.update('turn on the kitchen light.')).toEqual(['the', 'kitchen']);
    expect(la.update('turn off the kitchen light')).toEqual([]);
    expect(la.committed).toBe('turn on the kitchen');
    expect(la.update('Turn on the kitchen light')).toEqual([]);
    expect(la.update('turn on the kitchen light, please')).toEqual(['light,']);
    expect(la.committed).toBe('turn on the kitchen light,');
  });
  it('commits nothing from empty passes', () => {
    const la = new LocalAgreement();
    expect(la.update('')).toEqual([]);
    expect(la.update('   ')).toEqual([]);
    expect(la.committed).toBe('');
  });
});
