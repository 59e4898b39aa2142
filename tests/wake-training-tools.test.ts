import { describe, expect, it } from 'vitest';
import { parseTrainArgs, TrainArgsError, TRAIN_USAGE } from '../scripts/wake-verifier-args.js';
import { chooseOperatingPoint, outcome, type ChoiceStep } from '../scripts/wake-verifier-choice.js';
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
    expect(parseTrainArgs([])).toEqual({ streams: 160, seconds: 60, hidden: 32, epochs: 20, faShare: 0.25, recipe: 'v2', check: false, chooseFolds: 1, help: false });
  });

  it('reads every flag', () => {
    expect(parseTrainArgs(['--recipe', 'v4', '--streams', '8', '--seconds', '30', '--epochs', '6', '--hidden', '16', '--fa-share', '0.5', '--out', 'a.json', '--fold-out', 'b.json', '--compare', 'c.json', '--check', '--choose-folds', '4']))
      .toEqual({ streams: 8, seconds: 30, hidden: 16, epochs: 6, faShare: 0.5, recipe: 'v4', out: 'a.json', foldOut: 'b.json', compare: 'c.json', check: true, chooseFolds: 4, help: false });
    expect(parseTrainArgs(['--choose-folds', '1']).chooseFolds).toBe(1);
  });

  it('--help asks for the usage, which names every flag', () => {
    expect(parseTrainArgs(['--streams', '8', '--help']).help).toBe(true);
    for (const flag of ['--recipe', '--streams', '--seconds', '--hidden', '--epochs', '--fa-share', '--choose-folds', '--out', '--fold-out', '--compare', '--check', '--help']) expect(TRAIN_USAGE).toContain(flag);
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
    [['--choose-folds'], 'JARVIS_CLI_BAD_FLAG', /--choose-folds needs a value/],
    [['--choose-folds', '--check'], 'JARVIS_CLI_BAD_FLAG', /--choose-folds needs a value/],
    [['--choose-fold', '4'], 'JARVIS_CLI_BAD_FLAG', /unknown flag "--choose-fold"/],
    [['--choose-folds', '3'], 'JARVIS_CLI_BAD_ARGUMENT', /--choose-folds 3 is not 1 or 4/],
    [['--choose-folds', '04'], 'JARVIS_CLI_BAD_ARGUMENT', /--choose-folds 04 is not 1 or 4/],
    [['--choose-folds', 'four'], 'JARVIS_CLI_BAD_ARGUMENT', /--choose-folds four/],
  ])('%j is %s', (argv, code, message) => {
    const e = errorOf(() => parseTrainArgs(argv));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });
});

describe('the operating point chosen on held-out steps (chooseOperatingPoint), one quarter or four pooled', () => {
  // Synthetic steps: each wake k starts at 10 s × k in its own stream and has one step 500 ms after its start;
  // each negative is its own stream (so every passing negative is one false accept). The pre-trained score is 0.9
  // everywhere (the model alone at 0.5 accepts every negative), so the budget is floor(faShare × negatives).
  interface Quarter { steps: ChoiceStep[]; scores: number[] }
  const quarter = (q: number, wakeScores: number[], negScores: number[]): Quarter => {
    const steps: ChoiceStep[] = [];
    const scores: number[] = [];
    wakeScores.forEach((sc, k) => { steps.push({ score: 0.9, stream: q * 1000 + k, at: 10_000 * (q * 100 + k) + 500, wake: q * 100 + k, kind: 'wake' }); scores.push(sc); });
    negScores.forEach((sc, k) => { steps.push({ score: 0.9, stream: q * 1000 + 500 + k, at: 1000, wake: -1, kind: 'near' }); scores.push(sc); });
    return { steps, scores };
  };
  const wakeStart = Array.from({ length: 400 }, (_, w) => 10_000 * w);
  const grid = { askAt: [0.5], triggers: [1], thresholds: [0.5, 0.7, 0.9] };
  // Quarter A's heads score its negatives low: alone it would take the lowest threshold. Quarter B's negatives
  // score 0.8: at 0.5 or 0.7 it makes 4 false accepts. Pooled, the budget (floor(0.25 × 8) = 2) rules those out.
  const a = quarter(0, [0.95, 0.8, 0.6, 0.6], [0.1, 0.1, 0.1, 0.1]);
  const b = quarter(1, [0.95, 0.95, 0.8, 0.6], [0.8, 0.8, 0.8, 0.8]);

  it('one quarter alone takes the point with the most wakes within its budget', () => {
    const c = chooseOperatingPoint(a.steps, a.scores, wakeStart, 0.25, grid);
    expect(c.faBudget).toBe(1);
    expect(c.withinBudget).toBe(true);
    expect(c.best).toMatchObject({ askAt: 0.5, trigger: 1, t: 0.5, hits: 4, fa: 0, n: 4 });
  });

  it('the pooled out-of-fold steps choose once, on the wakes and false accepts of both quarters', () => {
    const c = chooseOperatingPoint([...a.steps, ...b.steps], [...a.scores, ...b.scores], wakeStart, 0.25, grid);
    expect(c.base).toMatchObject({ hits: 8, fa: 8 });
    expect(c.faBudget).toBe(2);
    // 0.5 and 0.7: 4 false accepts (over budget); 0.9: wakes 1 (A) + 2 (B) = 3, no false accept.
    expect(c.best).toMatchObject({ t: 0.9, hits: 3, fa: 0, n: 8 });
    // Pooling is the sum of the quarters at the same point (each stream is in one quarter).
    const pa = outcome(a.steps, a.scores, wakeStart, 0.5, 0.9);
    const pb = outcome(b.steps, b.scores, wakeStart, 0.5, 0.9);
    expect(pa.hits + pb.hits).toBe(c.best.hits);
    expect(pa.fa + pb.fa).toBe(c.best.fa);
  });

  it('with no setting within budget it takes the fewest false accepts, and says so', () => {
    const c = chooseOperatingPoint(b.steps, b.scores, wakeStart, 0, { ...grid, thresholds: [0.5, 0.7] });
    expect(c.withinBudget).toBe(false);
    expect(c.best).toMatchObject({ t: 0.5, fa: 4, hits: 4 }); // 0.7 also makes 4, with 3 wakes
  });

  it('counts the trigger-th passing step in a row, and refuses scores that do not match the steps', () => {
    const steps: ChoiceStep[] = [0, 80, 160].map((d) => ({ score: 0.9, stream: 1, at: 500 + d, wake: 0, kind: 'wake' }));
    expect(outcome(steps, [0.95, 0.95, 0.2], [0], 0.5, 0.9, 2).hits).toBe(1);
    expect(outcome(steps, [0.95, 0.2, 0.95], [0], 0.5, 0.9, 2).hits).toBe(0);
    expect(() => chooseOperatingPoint(steps, [1, 1], [0], 0.25)).toThrow(/2 scores for 3 steps/);
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
