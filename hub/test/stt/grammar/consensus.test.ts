import { describe, expect, it } from 'vitest';
import { actionConsensus, posteriors, type ActionOf } from '../../../src/stt/grammar/consensus.js';

/** A toy router: what each sentence does; `null` for sentences it can do nothing with. */
const ACTIONS: Record<string, string | null> = {
  'turn on the kitchen light': 'on|kitchen',
  'turn on the kitchen lights': 'on|kitchen',
  'turn off the kitchen light': 'off|kitchen',
  'turn off the kitchen lights': 'off|kitchen',
  'turn off the kitchen fan': 'off|kitchen-fan',
  'open the kitchen window': null,
};
const actionOf: ActionOf = (text) => ACTIONS[text] ?? null;

describe('posteriors', () => {
  it('is a softmax of the scores times the scale, best first, relative to the best, summing to one', () => {
    const p = posteriors([{ text: 'b', score: -100 }, { text: 'a', score: 0 }], 0.01);
    expect(p.map((h) => h.text)).toEqual(['a', 'b']);
    expect(p[1]!.score).toBe(-100);
    expect(p[0]!.posterior / p[1]!.posterior).toBeCloseTo(Math.exp(1), 6);
    expect(p.reduce((a, h) => a + h.posterior, 0)).toBeCloseTo(1, 12);
    expect(posteriors([], 0.01)).toEqual([]);
  });
});

describe('actionConsensus', () => {
  // The best path says "on" alone; two sentences below it both say "off": together they outweigh it.
  const list = posteriors([
    { text: 'turn on the kitchen light', score: 0 },
    { text: 'turn off the kitchen light', score: -5 },
    { text: 'turn off the kitchen lights', score: -8 },
    { text: 'open the kitchen window', score: -10 },
  ], 0.05);
  const mass = (t: string): number => list.find((h) => h.text === t)!.posterior;

  it('best-path pick keeps the text and reports the mass of its action as agreement', () => {
    const c = actionConsensus('turn on the kitchen light', list, actionOf, undefined, { pick: 'best-path', possibleOnly: false });
    expect(c).toMatchObject({ text: 'turn on the kitchen light', action: 'on|kitchen', changed: false });
    expect(c.agreement).toBeCloseTo(mass('turn on the kitchen light'), 9);
  });

  it('action pick chooses the best sentence of the heaviest action (minimum Bayes risk over actions)', () => {
    const off = mass('turn off the kitchen light') + mass('turn off the kitchen lights');
    expect(off).toBeGreaterThan(mass('turn on the kitchen light'));
    const c = actionConsensus('turn on the kitchen light', list, actionOf, undefined, { pick: 'action', possibleOnly: false });
    expect(c).toMatchObject({ text: 'turn off the kitchen light', action: 'off|kitchen', changed: true });
    expect(c.agreement).toBeCloseTo(off, 9);
  });

  it('leaves sentences the router can do nothing with out of the vote when asked to', () => {
    const all = actionConsensus('turn on the kitchen light', list, actionOf, undefined, { pick: 'best-path', possibleOnly: false });
    const possible = actionConsensus('turn on the kitchen light', list, actionOf, undefined, { pick: 'best-path', possibleOnly: true });
    expect(possible.agreement).toBeCloseTo(mass('turn on the kitchen light') / (1 - mass('open the kitchen window')), 9);
    expect(possible.agreement).toBeGreaterThan(all.agreement);
  });

  it('keeps the best path when its action is the heaviest, and when the list is empty', () => {
    const sure = posteriors([{ text: 'turn on the kitchen light', score: 0 }, { text: 'turn on the kitchen lights', score: -1 }, { text: 'turn off the kitchen fan', score: -2 }], 0.05);
    const c = actionConsensus('turn on the kitchen light', sure, actionOf, undefined, { pick: 'action', possibleOnly: false });
    expect(c).toMatchObject({ text: 'turn on the kitchen light', changed: false });
    expect(c.agreement).toBeGreaterThan(0.6);
    expect(actionConsensus('turn on the kitchen light', [], actionOf, undefined, { pick: 'action', possibleOnly: true })).toEqual({ text: 'turn on the kitchen light', action: 'on|kitchen', agreement: 1, changed: false });
  });

  it('passes the area to the router\'s reading', () => {
    const seen: Array<string | undefined> = [];
    actionConsensus('turn on the kitchen light', list, (t, area) => { seen.push(area); return actionOf(t, area); }, 'kitchen', { pick: 'action', possibleOnly: false });
    expect(new Set(seen)).toEqual(new Set(['kitchen']));
  });
});
