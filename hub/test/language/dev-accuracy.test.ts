import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadRegistrySnapshot } from '../../src/home-assistant/registry-snapshot.js';
import { Tier0Router } from '../../src/router/tier0.js';
import { evaluate, judge, loadDevSet, type DevExample, type ScoredDecision } from '../../../bench/language-eval.js';
import { failureKinds } from '../../../bench/language.bench.js';

const fixture = (p: string): string => fileURLToPath(new URL(`../../../tests/fixtures/${p}`, import.meta.url));

/** Tier 0 over a blind writer's held-out quarter (every fourth sentence from the fourth, never read while tuning). */
function heldOutQuarter(writer: string): ReturnType<typeof evaluate> {
  const examples = loadDevSet(fixture(`language/tune-${writer}.jsonl`)).filter((_, i) => i % 4 === 3);
  const home = loadRegistrySnapshot(fixture(`registry/home-${writer}.json`));
  return evaluate(new Tier0Router(home), examples, home);
}

/** A held-out quarter keeps its floor, and a wrong action (opposite, near miss acted on) may not become more. */
function expectHeldOutQuarter(writer: string, total: number, floor: number, most: { opposite: number; falseAccept: number }): void {
  const r = heldOutQuarter(writer);
  expect(r.total).toBe(total);
  expect(r.correct / r.total).toBeGreaterThanOrEqual(floor);
  const kinds = failureKinds(r);
  expect(kinds.get('opposite') ?? 0).toBeLessThanOrEqual(most.opposite);
  expect(kinds.get('false_accept') ?? 0).toBeLessThanOrEqual(most.falseAccept);
}

describe('router.dev_accuracy on a fixed slice of the tuning set', () => {
  it('gets at least 95% of every fourth sentence of tune-a right (intent + key slots)', () => {
    // A slice of the set the templates were tuned on: a regression floor, not the result (bench/language.bench.ts
    // reports the locked test set).
    const examples = loadDevSet(fixture('language/tune-a.jsonl')).filter((_, i) => i % 4 === 0);
    const home = loadRegistrySnapshot(fixture('registry/home.json'));
    const r = evaluate(new Tier0Router(home), examples, home);
    expect(r.total).toBeGreaterThan(140);
    expect(r.correct / r.total, r.failures.map((f) => `${f.example.text}: ${f.why}`).join('\n')).toBeGreaterThanOrEqual(0.95);
    // Every intent of the slice is present (a missing intent would hide behind the average).
    for (const [intent, row] of r.perIntent) expect(row.correct, intent).toBeGreaterThan(0);
  });

  it('gets at least 95% of every fourth sentence of tune-c right (a second writer and home, tuned on since its unseen run)', () => {
    const examples = loadDevSet(fixture('language/tune-c.jsonl')).filter((_, i) => i % 4 === 1);
    const home = loadRegistrySnapshot(fixture('registry/home-c.json'));
    const r = evaluate(new Tier0Router(home), examples, home);
    expect(r.total).toBeGreaterThan(110);
    expect(r.correct / r.total, r.failures.map((f) => `${f.example.text}: ${f.why}`).join('\n')).toBeGreaterThanOrEqual(0.95);
    // A wrong action is worse than none: no opposite action and no near miss acted on.
    const kinds = failureKinds(r);
    expect(kinds.get('opposite') ?? 0).toBe(0);
    expect(kinds.get('false_accept') ?? 0).toBe(0);
  });

  it('gets at least 95% of every fourth sentence of tune-d right (a fourth writer and home, tuned on since its unseen run)', () => {
    const examples = loadDevSet(fixture('language/tune-d.jsonl')).filter((_, i) => i % 4 === 2);
    const home = loadRegistrySnapshot(fixture('registry/home-d.json'));
    const r = evaluate(new Tier0Router(home), examples, home);
    expect(r.total).toBeGreaterThan(110);
    expect(r.correct / r.total, r.failures.map((f) => `${f.example.text}: ${f.why}`).join('\n')).toBeGreaterThanOrEqual(0.95);
    // Its writer takes a bare "thank you"/"okay" for no command where tune-a's answers it (HassRespond): only the
    // opposite action is held at zero here; the bench prints near misses acted on for the whole set.
    expect(failureKinds(r).get('opposite') ?? 0).toBe(0);
  });

  it('gets at least 85% of every fourth sentence of tune-e right (a fifth writer and home; this quarter was held out of the tuning)', () => {
    // tune-e was scored unseen at d716c08 (0.864, 484/560); it was then tuned on, except this quarter (i % 4 === 3),
    // whose failures were never read. It scored 0.843 (118/140) at d716c08 and 0.864 (121/140) after the tuning; the
    // floor is set just under that, not tuned on. Its one opposite action (unread) is held at no more than that.
    expectHeldOutQuarter('e', 140, 0.85, { opposite: 1, falseAccept: 1 });
  });

  it('gets at least 94% of every fourth sentence of tune-f right (a sixth writer and home; this quarter was held out of the tuning)', () => {
    // tune-f was scored unseen with the code of its own commit (1ac1a7c: 0.944, 491/520; this quarter 124/130) and again
    // at 50c903d after general changes made without reading it (0.950; this quarter 125/130). It was then tuned on, except
    // this quarter (i % 4 === 3), whose failures were never read. The floor is just under the unseen figure.
    expectHeldOutQuarter('f', 130, 0.94, { opposite: 0, falseAccept: 0 });
  });

  it('gets at least 83% of every fourth sentence of tune-g right (a seventh writer and home; this quarter was held out of the tuning)', () => {
    // tune-g was scored unseen with the code of its own commit (b25c9d1: 0.882, 485/550; this quarter 114/137) and at
    // f64b280 after the intent audit, made without reading it (0.885, 487/550; this quarter 114/137). It was then tuned
    // on, except this quarter (i % 4 === 3), whose sentences and failures were never read. The floor is just under the
    // unseen figure.
    // The unseen run found one opposite action here (not read, not fixed): it may not become more.
    expectHeldOutQuarter('g', 137, 0.83, { opposite: 1, falseAccept: 0 });
  });

  it('gets at least 89% of every fourth sentence of tune-i right (a ninth writer and home; this quarter was held out of the tuning)', () => {
    // tune-i was scored unseen with the code at the start of the session that added it (c288460: 0.892, 496/556; this
    // quarter 126/139 = 0.906, counted without reading it). It was then tuned on, except this quarter (i % 4 === 3),
    // whose sentences and failures were never read. The floor is just under the unseen figure.
    expectHeldOutQuarter('i', 139, 0.89, { opposite: 0, falseAccept: 0 });
  });

  it('counts kinds of failure without naming a sentence (what the locked set may show)', () => {
    const ex = (intent: string | null, slots: Record<string, string | number> = {}): DevExample => ({ text: 'x', intent, slots, line: 1 });
    const r = evaluate({ route: (text) => JSON.parse(text) as ScoredDecision }, []);
    const add = (example: DevExample, got: ScoredDecision): void => void r.failures.push({ example, got, why: judge(example, got) ?? '' });
    add(ex('HassTurnOn', { name: 'Lamp' }), { intent: 'HassTurnOff', slots: { name: 'Lamp' }, path: 'hot' });
    add(ex('HassTurnOn', { name: 'Lamp' }), { intent: 'HassTurnOn', slots: { name: 'Fan' }, path: 'hot' });
    add(ex('HassTurnOn', { area: 'Kitchen' }), { intent: 'HassTurnOn', slots: { area: 'Kitchen', name: 'Lamp' }, path: 'hot' });
    add(ex(null), { intent: 'HassTurnOn', slots: {}, path: 'hot' });
    add(ex(null), { intent: 'HassTurnOn', slots: {}, path: 'none' });
    add(ex('HassStartTimer', { duration: 60 }), { intent: null, slots: {}, path: 'passive' });
    add(ex('HassStartTimer', { duration: 60 }), { intent: 'HassStartTimer', slots: { duration: 90 }, path: 'hot' });
    expect(Object.fromEntries(failureKinds(r))).toEqual({
      opposite: 1, wrong_target: 2, 'wrong_target:name': 1, 'wrong_target:name(extra)': 1, false_accept: 1, false_reply: 1, declined: 1, 'slot:duration': 1,
    });
  });

  it('scores intent and canonical key slots, and an unannotated name as wrong', () => {
    const ex = { text: 'x', intent: 'HassStartTimer', slots: { duration: 150, timer_name: 'Pasta' }, line: 1 };
    expect(judge(ex, { intent: 'HassStartTimer', slots: { duration: 150, timer_name: 'pasta' } })).toBeUndefined();
    expect(judge(ex, { intent: 'HassStartTimer', slots: { duration: 120, timer_name: 'pasta' } })).toMatch(/duration/);
    expect(judge(ex, { intent: 'HassCancelTimer', slots: {} })).toMatch(/intent/);
    const area = { text: 'x', intent: 'HassTurnOn', slots: { area: 'Kitchen', domain: 'light' }, line: 2 };
    expect(judge(area, { intent: 'HassTurnOn', slots: { area: 'Kitchen', domain: 'light', name: 'Kitchen Light' } })).toMatch(/name/);
    expect(judge({ text: 'x', intent: null, slots: {}, line: 3 }, { intent: 'HassTurnOn', slots: {}, path: 'passive' })).toBeUndefined();
  });

  it('refuses a malformed development set naming the line', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'devset-'));
    writeFileSync(join(dir, 'a.jsonl'), '{"text":"hi","intent":null,"slots":{}}\n{not json\n');
    expect(() => loadDevSet(join(dir, 'a.jsonl'))).toThrow(/a\.jsonl:2: not JSON/);
    writeFileSync(join(dir, 'b.jsonl'), '{"text":"hi","intent":3,"slots":{}}\n');
    expect(() => loadDevSet(join(dir, 'b.jsonl'))).toThrow(/b\.jsonl:1: needs text/);
  });
});
