import { describe, expect, it } from 'vitest';
import { parseTrainArgs, TrainArgsError } from '../scripts/wake-verifier-args.js';
import { HeadReplay, parseHeadList, HeadListError } from '../bench/wake-oww-heads.js';
import { WakeVerifier } from '../hub/src/audio/wake/verifier.js';
import type { WakeScore } from '../hub/src/audio/wake/openwakeword.js';

function errorOf(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (err) {
    if (err instanceof TrainArgsError || err instanceof HeadListError) return { code: err.code, message: err.message };
    throw err;
  }
  throw new Error('expected an error');
}

describe('scripts/train-wake-verifier.ts flags (parseTrainArgs)', () => {
  it('defaults to the v2 recipe as npm run wake:verifier trains it', () => {
    expect(parseTrainArgs([])).toEqual({ streams: 160, seconds: 60, hidden: 32, epochs: 20, faShare: 0.25, recipe: 'v2', check: false });
  });

  it('reads every flag', () => {
    expect(parseTrainArgs(['--recipe', 'v4', '--streams', '8', '--seconds', '30', '--epochs', '6', '--hidden', '16', '--fa-share', '0.5', '--out', 'a.json', '--fold-out', 'b.json', '--compare', 'c.json', '--check']))
      .toEqual({ streams: 8, seconds: 30, hidden: 16, epochs: 6, faShare: 0.5, recipe: 'v4', out: 'a.json', foldOut: 'b.json', compare: 'c.json', check: true });
  });

  it.each([
    [['--stream', '8'], 'JARVIS_CLI_BAD_FLAG', /unknown flag "--stream"/],
    [['streams', '8'], 'JARVIS_CLI_BAD_FLAG', /unknown flag "streams"/],
    [['--streams'], 'JARVIS_CLI_BAD_FLAG', /--streams needs a value/],
    [['--out', '--check'], 'JARVIS_CLI_BAD_FLAG', /--out needs a value/],
    [['--streams', '0'], 'JARVIS_CLI_BAD_ARGUMENT', /--streams 0 is not an integer in 1\.\.4096/],
    [['--streams', '1.5'], 'JARVIS_CLI_BAD_ARGUMENT', /not an integer/],
    [['--epochs', 'x'], 'JARVIS_CLI_BAD_ARGUMENT', /--epochs x/],
    [['--fa-share', '2'], 'JARVIS_CLI_BAD_ARGUMENT', /--fa-share 2 is not a number in 0\.\.1/],
    [['--fa-share', ''], 'JARVIS_CLI_BAD_ARGUMENT', /--fa-share/],
    [['--recipe', 'v3'], 'JARVIS_CLI_BAD_ARGUMENT', /--recipe v3 is not one of v2, v4/],
    [['--fold-out', ' '], 'JARVIS_CLI_BAD_ARGUMENT', /--fold-out needs a file name/],
  ])('%j is %s', (argv, code, message) => {
    const e = errorOf(() => parseTrainArgs(argv));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });
});

describe('JARVIS_BENCH_WAKE_HEADS (parseHeadList)', () => {
  it('reads name=FILE pairs; unset or empty is none', () => {
    expect(parseHeadList(undefined)).toEqual([]);
    expect(parseHeadList(' ')).toEqual([]);
    expect(parseHeadList('v4=/tmp/a.json, v2=/tmp/b.json')).toEqual([{ name: 'v4', file: '/tmp/a.json' }, { name: 'v2', file: '/tmp/b.json' }]);
  });

  it.each([
    ['v4', /item 1 "v4" is not name=FILE/],
    ['V4=/a', /name "V4" is not/],
    ['on=/a', /"on" is reserved/],
    ['v4=', /"v4" has no file/],
    ['a=/x,a=/y', /names "a" twice/],
  ])('%j is JARVIS_CLI_BAD_ARGUMENT', (text, message) => {
    const e = errorOf(() => parseHeadList(text));
    expect(e.code).toBe('JARVIS_CLI_BAD_ARGUMENT');
    expect(e.message).toMatch(message);
  });
});

describe('HeadReplay: a head replayed from step scores by the detector rule', () => {
  // A head whose score is the first feature's logistic: feature 0 = +10 passes, −10 does not.
  const head = (o: { askAt?: number; triggerLevel?: number } = {}): WakeVerifier => new WakeVerifier(Array.from({ length: 1536 }, (_, i) => (i === 0 ? 1 : 0)), 0, 0.9, 'hey_jarvis_v0.1', 'test', o);
  const step = (at: number, score: number, pass: boolean | undefined): WakeScore => (pass === undefined ? { score: 0, at, ran: false } : { score, at, ran: true, features: Float32Array.from({ length: 1536 }, (_, i) => (i === 0 ? (pass ? 10 : -10) : 0)) });

  it('fires on the trigger-th passing step in a row, then waits out the refractory time', () => {
    const r = new HeadReplay(head({ askAt: 0.01, triggerLevel: 2 }), 0.5, 1, 2000);
    // Passing steps: the 2nd fires (160); the run goes on but inside 2 s nothing fires; the first step 2 s after
    // the last wake fires (the run is long enough), as the detector does; the next needs 2 in a row again.
    const seq = [80, 160, 240, 320, 2080, 2160, 2240, 2320, 4400, 4480];
    for (const at of seq) r.step(step(at, 0.3, true));
    expect(r.detections.map((d) => d.at)).toEqual([160, 2160, 4400]);
  });

  it('is not asked under askAt, and a gated or failing step breaks the run', () => {
    const r = new HeadReplay(head({ askAt: 0.05, triggerLevel: 2 }), 0.5, 1, 2000);
    r.step(step(80, 0.01, true)); // under askAt
    r.step(step(160, 0.3, true));
    r.step(step(240, 0, undefined)); // gated
    r.step(step(320, 0.3, true));
    r.step(step(400, 0.3, false)); // the head says no
    r.step(step(480, 0.3, true));
    expect(r.detections).toEqual([]);
    r.step(step(560, 0.3, true));
    expect(r.detections.map((d) => d.at)).toEqual([560]);
  });

  it('asks a head without askAt at the detector threshold, with the detector trigger level if higher', () => {
    const r = new HeadReplay(head(), 0.5, 2, 0);
    r.step(step(80, 0.4, true));
    r.step(step(160, 0.6, true));
    r.step(step(240, 0.6, true));
    expect(r.detections.map((d) => d.at)).toEqual([240]);
  });
});
