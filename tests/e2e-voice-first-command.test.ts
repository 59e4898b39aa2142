import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeWav } from '../hub/src/audio/dsp/wav.js';
import { speechFramesOf } from './fixtures/audio/index.js';
import { speak, startVoiceHub, voiceSkipReason } from './e2e-voice-helpers.js';
import { voiceFixture } from './fixtures/voice/index.js';
import type { PartsHub } from './hub-parts-helpers.js';

const skip = voiceSkipReason();
if (skip) console.warn(`e2e-voice-first-command skipped: ${skip}`);

let t: PartsHub | undefined;
let dir: string | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/**
 * The README's clip, made the README's way: espeak-ng's default voice and speed, sox to 16 kHz with a second
 * of silence on each side (`-R` only so every run gets the same dither).
 */
function readmeClip(): { samples: Int16Array; sampleRate: number; name: string; speechStartMs: number; speechEndMs: number } {
  dir = mkdtempSync(join(tmpdir(), 'jarvis-readme-'));
  execFileSync('espeak-ng', ['-w', join(dir, 'say.wav'), 'turn on the kitchen lights']);
  execFileSync('sox', ['-R', join(dir, 'say.wav'), '-r', '16000', '-b', '16', join(dir, 'turn-on.wav'), 'pad', '1', '1']);
  const { samples, sampleRate } = decodeWav(readFileSync(join(dir, 'turn-on.wav')));
  const frames = speechFramesOf(samples);
  return { samples, sampleRate, name: 'readme-turn-on', speechStartMs: frames.indexOf(true) * 10, speechEndMs: (frames.lastIndexOf(true) + 1) * 10 };
}

describe.skipIf(skip !== undefined)('the README\'s first spoken command (issue 18, finding 1)', () => {
  // The decoder's front end used to start from a blank noise estimate: this clip was heard as "put on light"
  // on the first utterance after start and right only from the second on. The grammar engine now warms its
  // decoders up at start (stt/grammar/grammar-engine.ts, DEFAULT_DECODER_STATE).
  it('turns on the kitchen light on the FIRST utterance after the hub starts', async () => {
    t = await startVoiceHub();
    const kitchen = await t.device('kitchen-puck', 'Kitchen');
    await speak(t, kitchen, readmeClip(), { speed: 2 });
    // The recogniser now declines this clip by a hair (engine accept bar −6.5 per frame) but its best path is the
    // right sentence on the FIRST utterance: the hearing policy asks about exactly it (hub/src/voice/README.md), and
    // the spoken "yes" runs it.
    expect(await kitchen.heard(/^Did you say/)).toBe('Did you say turn on the Kitchen Light?');
    expect(t.ha!.serviceCalls).toEqual([]);
    await speak(t, kitchen, voiceFixture({ text: 'yes' }), { speed: 2 });
    await kitchen.heard(/^Turned on/);
    expect(t.ha!.serviceCalls.map((c) => [`${c.domain}.${c.service}`, [...c.entityIds].sort()])).toEqual([['light.turn_on', ['light.kitchen']]]);
  }, 120_000); // the grammar of the whole language compiles at start: slow when the shared cores are busy
});
