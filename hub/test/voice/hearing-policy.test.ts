import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEARING_BARS, estimateSnrDb, hear, hearingCheck, judgeHearing, marginThreshold, riskOf, type DecisionLike, type HearingBars,
} from '../../src/voice/hearing-policy.js';

/** Bars with round numbers, so each band's edge is easy to see: sure at +5 (clean) / +10 (noisy), ask from −10. */
const BARS: HearingBars = {
  sure: { clean: 5, noisy: 10, wordClean: -25, wordNoisy: -25 },
  ask: { clean: -10, noisy: -10, wordClean: -60, wordNoisy: -60 },
  confirm: 'action', disagreed: 'candidate', askQueries: true,
};
const CLEAN = 100;

const d = (intent: string | null, slots: Record<string, string | number> = {}, path = intent === null ? 'passive' : 'hot'): DecisionLike => ({ intent, slots, path });
const turnOn = d('HassTurnOn', { name: 'Kitchen Light', domain: 'light' });
const turnOff = d('HassTurnOff', { name: 'Kitchen Light', domain: 'light' });

describe('hearing policy: bands', () => {
  it('bands accepted text by the sure bar, declined best paths by the ask bar', () => {
    expect(hear({ text: 'turn on the kitchen light', margin: 6, wordMargin: -10 }, CLEAN, BARS)).toEqual({ band: 'sure', text: 'turn on the kitchen light' });
    expect(hear({ text: 'turn on the kitchen light', margin: 4, wordMargin: -10 }, CLEAN, BARS).band).toBe('unsure');
    // The worst word counts too: a good utterance margin with one forced word is not sure.
    expect(hear({ text: 'turn on the kitchen light', margin: 6, wordMargin: -30 }, CLEAN, BARS).band).toBe('unsure');
    expect(hear({ text: '', margin: -8, wordMargin: -30, candidate: 'turn off the kitchen light' }, CLEAN, BARS)).toEqual({ band: 'close', text: 'turn off the kitchen light' });
    expect(hear({ text: '', margin: -11, wordMargin: -30, candidate: 'turn off the kitchen light' }, CLEAN, BARS)).toEqual({ band: 'none', text: '' });
    expect(hear({ text: '', margin: -8, wordMargin: -30, candidate: 'turn on the kitchen light', alternative: 'turn off the kitchen light' }, CLEAN, BARS))
      .toEqual({ band: 'disagreed', text: 'turn on the kitchen light', alternative: 'turn off the kitchen light' });
  });

  it('interpolates the bars by SNR like the engine: the same margin is sure in clean audio and not in noise', () => {
    const t = { text: 'turn on the kitchen light', margin: 7, wordMargin: -10 };
    expect(hear(t, 40, BARS).band).toBe('sure');
    expect(hear(t, 10, BARS).band).toBe('unsure');
    expect(hear(t, 25, BARS).band).toBe('unsure'); // bar 7.5 halfway between 10 and 5
    expect(marginThreshold(25, { clean: -7, noisy: 0 })).toBe(-3.5);
  });

  it('estimates SNR with the engine\'s estimate: speech over a quiet floor is well above 20 dB, too little audio is 0', () => {
    let seed = 7;
    const pcm = Float32Array.from({ length: 16_000 }, (_, i) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * (i > 4000 && i < 12000 ? 0.5 : 0.01);
    });
    expect(estimateSnrDb(pcm)).toBeGreaterThan(20);
    expect(estimateSnrDb(new Float32Array(100))).toBe(0);
  });

  it('keeps today\'s behaviour for transcripts without margins and never throws on malformed input', () => {
    expect(hear({ text: 'turn on the kitchen light' }, CLEAN, BARS)).toEqual({ band: 'sure', text: 'turn on the kitchen light' });
    expect(hear({ text: '', candidate: 'turn on the kitchen light' }, CLEAN, BARS)).toEqual({ band: 'none', text: '' });
    expect(hear(undefined, CLEAN, BARS).band).toBe('none');
    expect(hear({ text: '', margin: Number.NaN, wordMargin: -1, candidate: 'x' }, Number.NaN, BARS).band).toBe('none');
    expect(hear({ text: 42 as unknown as string, margin: 1, wordMargin: 1 }, CLEAN, BARS).band).toBe('none');
    expect(hear({ text: 'turn on the light', margin: -Infinity, wordMargin: -Infinity }, CLEAN, BARS).band).toBe('sure');
    expect(judgeHearing({ band: 'close', text: 'x' }, undefined, undefined, BARS).verdict).toBe('decline');
    expect(judgeHearing({ band: 'sure', text: 'x' }, { intent: 'HassTurnOn', slots: undefined as unknown as Record<string, string> }, undefined, BARS).verdict).toBe('act');
  });
});

describe('hearing policy: verdicts', () => {
  const unsure = { band: 'unsure' as const, text: 'turn on the kitchen light' };
  const close = { band: 'close' as const, text: 'turn off the kitchen light' };

  it('acts when sure; asks before an action when unsure; answers a question without asking', () => {
    expect(judgeHearing({ band: 'sure', text: 'x' }, turnOff, undefined, BARS).verdict).toBe('act');
    expect(judgeHearing(unsure, turnOn, undefined, BARS)).toMatchObject({ verdict: 'confirm', asks: 'text' });
    expect(judgeHearing(unsure, d('HassGetCurrentTime'), undefined, BARS).verdict).toBe('act');
    // Only opposite-prone actions asked about: a timer is started, a light turned on is asked about.
    const opposites: HearingBars = { ...BARS, confirm: 'opposite' };
    expect(judgeHearing(unsure, d('HassStartTimer', { duration: 300 }), undefined, opposites).verdict).toBe('act');
    expect(judgeHearing(unsure, turnOn, undefined, opposites).verdict).toBe('confirm');
  });

  it('drops an unsure hearing the router cannot carry out now (a refusal, a missing device, a background task) instead of answering it', () => {
    // Tune half: chit-chat "stop it, both of you" accepted below the sure bar as "stop the robot" in a home without a
    // vacuum; answering "There is no vacuum" is chit-chat taken for a command.
    expect(judgeHearing(unsure, d('HassVacuumReturnToBase', {}, 'none'), undefined, BARS)).toMatchObject({ verdict: 'decline' });
    expect(judgeHearing(unsure, d('JarvisColdTask', { task: 'x' }, 'cold'), undefined, BARS).verdict).toBe('decline');
    // Sure, the same refusal is said as before.
    expect(judgeHearing({ band: 'sure', text: 'x' }, d('HassVacuumReturnToBase', {}, 'none'), undefined, BARS).verdict).toBe('act');
    // Not a command at all: handled as an accepted text always was.
    expect(judgeHearing(unsure, d(null), undefined, BARS).verdict).toBe('act');
  });

  it('asks about a close guess only when it is a command to do now; chit-chat and refusals are dropped', () => {
    expect(judgeHearing(close, turnOff, undefined, BARS).verdict).toBe('confirm');
    expect(judgeHearing(close, d(null), undefined, BARS).verdict).toBe('decline');
    expect(judgeHearing(close, d('HassTurnOff', {}, 'none'), undefined, BARS).verdict).toBe('decline');
    expect(judgeHearing(close, d('HassGetWeather'), undefined, { ...BARS, askQueries: false }).verdict).toBe('decline');
    expect(judgeHearing(close, d('HassGetWeather'), undefined, BARS).verdict).toBe('confirm');
  });

  it('never asks about, and never acts on, a guessed yes or no; acts on an accepted one', () => {
    expect(judgeHearing({ band: 'close', text: 'yes' }, d('HassRespond', { response: 'yes' }), undefined, BARS).verdict).toBe('decline');
    expect(judgeHearing({ band: 'unsure', text: 'yes' }, d('HassRespond', { response: 'yes' }), undefined, BARS).verdict).toBe('act');
    expect(judgeHearing({ band: 'unsure', text: 'never mind' }, d('HassNevermind'), undefined, BARS).verdict).toBe('act');
  });

  it('declines when the second opinion heard the opposite action; asks when it only heard other words', () => {
    const h = { band: 'disagreed' as const, text: 'turn on the kitchen light', alternative: 'turn off the kitchen light' };
    expect(judgeHearing(h, turnOn, turnOff, BARS)).toMatchObject({ verdict: 'decline', why: 'second opinion heard the opposite action' });
    expect(judgeHearing(h, turnOn, turnOff, { ...BARS, disagreed: 'alternative' }).verdict).toBe('decline');
    expect(judgeHearing({ ...h, alternative: 'switch on the kitchen light' }, turnOn, turnOn, BARS)).toMatchObject({ verdict: 'confirm', asks: 'text' });
    const other = d('HassTurnOn', { name: 'Hall Light', domain: 'light' });
    expect(judgeHearing(h, turnOn, other, { ...BARS, disagreed: 'alternative' })).toMatchObject({ verdict: 'confirm', asks: 'alternative' });
    expect(judgeHearing(h, turnOn, other, { ...BARS, disagreed: 'decline' }).verdict).toBe('decline');
    // The other sentence is no command: ask about the one that is.
    expect(judgeHearing(h, turnOn, d(null), BARS)).toMatchObject({ verdict: 'confirm', asks: 'text' });
  });

  it('asks before a risky-domain action even when sure (askRiskyWhenSure); answers a question about it and says a refusal', () => {
    const sure = { band: 'sure' as const, text: 'unlock the front door' };
    const unlock = d('HassTurnOff', { name: 'Front Door', domain: 'lock' });
    expect(judgeHearing(sure, unlock, undefined, BARS).verdict).toBe('act');
    expect(judgeHearing(sure, unlock, undefined, { ...BARS, askRiskyWhenSure: true })).toMatchObject({ verdict: 'confirm', asks: 'text' });
    expect(judgeHearing(sure, d('HassTurnOn', { name: 'Garage Door', domain: 'cover' }), undefined, { ...BARS, askRiskyWhenSure: true }).verdict).toBe('confirm');
    // Not risky: a light is still acted on; a question about the lock is answered; a refusal is said.
    expect(judgeHearing(sure, turnOn, undefined, { ...BARS, askRiskyWhenSure: true }).verdict).toBe('act');
    expect(judgeHearing(sure, d('HassGetState', { name: 'Front Door', domain: 'lock' }), undefined, { ...BARS, askRiskyWhenSure: true }).verdict).toBe('act');
    expect(judgeHearing(sure, d('HassTurnOff', { area: 'Office', domain: 'lock' }, 'none'), undefined, { ...BARS, askRiskyWhenSure: true }).verdict).toBe('act');
  });

  it('drops a sure refusal only when dropSureRefusals is set', () => {
    const sure = { band: 'sure' as const, text: 'unlock the office please' };
    const refusal = d('HassTurnOff', { area: 'Office', domain: 'lock' }, 'none');
    expect(judgeHearing(sure, refusal, undefined, BARS).verdict).toBe('act');
    expect(judgeHearing(sure, refusal, undefined, { ...BARS, dropSureRefusals: true })).toMatchObject({ verdict: 'decline' });
    expect(judgeHearing(sure, turnOn, undefined, { ...BARS, dropSureRefusals: true }).verdict).toBe('act');
  });

  it('asks about an unsure question instead of answering it when askUnsureQueries is set', () => {
    const unsure = { band: 'unsure' as const, text: 'whats the status on the timer' };
    expect(judgeHearing(unsure, d('HassTimerStatus'), undefined, BARS).verdict).toBe('act');
    expect(judgeHearing(unsure, d('HassTimerStatus'), undefined, { ...BARS, askUnsureQueries: true })).toMatchObject({ verdict: 'confirm', asks: 'text' });
    // Sure, it is answered either way.
    expect(judgeHearing({ band: 'sure', text: 'x' }, d('HassTimerStatus'), undefined, { ...BARS, askUnsureQueries: true }).verdict).toBe('act');
  });

  it('is never sure below the SNR floor (sureFromSnrDb): the same margins are unsure there, and an action is asked about', () => {
    const t = { text: 'turn on the kitchen light', margin: 20, wordMargin: 0 };
    const floor: HearingBars = { ...BARS, sureFromSnrDb: 12 };
    expect(hear(t, 11, BARS).band).toBe('sure');
    expect(hear(t, 11, floor).band).toBe('unsure');
    expect(hear(t, 13, floor).band).toBe('sure');
    expect(judgeHearing(hear(t, 11, floor), turnOn, undefined, floor).verdict).toBe('confirm');
    // A declined best path is banded by the ask bar as before.
    expect(hear({ text: '', margin: -8, wordMargin: -30, candidate: 'turn off the kitchen light' }, 11, floor).band).toBe('close');
  });

  it('rates locks, covers and media as opposite-prone, questions as queries', () => {
    expect(riskOf(d('HassTurnOff', { domain: 'lock' }))).toBe('opposite');
    expect(riskOf(d('HassSetPosition', { position: 50 }))).toBe('opposite');
    expect(riskOf(d('HassCancelAllTimers'))).toBe('opposite');
    expect(riskOf(d('HassMediaPause'))).toBe('opposite');
    expect(riskOf(d('HassGetState', { name: 'Front Door' }))).toBe('query');
    expect(riskOf(d('HassStartTimer'))).toBe('action');
  });

  it('hearingCheck carries the band and the alternative, and judges with the bars it was given', () => {
    const check = hearingCheck({ band: 'disagreed', text: 'turn on the kitchen light', alternative: 'turn off the kitchen light' }, BARS);
    expect(check.band).toBe('disagreed');
    expect(check.alternative).toBe('turn off the kitchen light');
    expect(check.judge(turnOn, turnOff).verdict).toBe('decline');
    // The shipped bars are well-formed (the ask band lies below the sure band).
    expect(DEFAULT_HEARING_BARS.ask.clean).toBeLessThan(DEFAULT_HEARING_BARS.sure.clean);
  });
});
