import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ArecordSource, FileSource, StreamSource, type AudioSource } from '../../src/capture/sources.js';
import { encodeWav } from '../../src/capture/wav.js';
import { capturingLogger } from '../helpers/logs.js';

const dir = mkdtempSync(join(tmpdir(), 'edge-sources-'));
const running: AudioSource[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, `#!/bin/sh\n${body}\n`);
  chmodSync(p, 0o755);
  return p;
}

describe('arecord source', () => {
  it('fails fast with JARVIS_EDGE_NO_ARECORD when arecord is not installed', async () => {
    const s = new ArecordSource({ program: join(dir, 'no-such-arecord'), device: 'default', sampleRate: 16000, channels: 1, onSamples: () => undefined, logger: capturingLogger().logger });
    await expect(s.start()).rejects.toMatchObject({ code: 'JARVIS_EDGE_NO_ARECORD', message: expect.stringMatching(/not installed.*alsa-utils/) });
  });

  it('passes device, rate and channels to arecord, and restarts it each time it dies', async () => {
    const argsFile = join(dir, 'args.txt');
    // A "microphone" that delivers 100 stereo frames, complains like ALSA and dies.
    // Each run appends its arguments (one write): a run starting while the file is read can no longer truncate it to ''.
    const fake = script('fake-arecord', `echo "$@" >> ${argsFile}\nhead -c 400 /dev/zero\necho "arecord: xrun!" >&2\nexit 1`);
    const { logger, entries } = capturingLogger();
    let samples = 0;
    const s = new ArecordSource({ program: fake, device: 'plughw:1,0', sampleRate: 48000, channels: 2, onSamples: (x) => (samples += x.length), logger, restart: { initialMs: 20, maxMs: 40 } });
    running.push(s);
    await s.start();
    await expect.poll(() => s.starts, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(samples).toBeGreaterThanOrEqual(200);
    const died = entries().filter((e) => e['code'] === 'JARVIS_EDGE_CAPTURE');
    expect(died.length).toBeGreaterThanOrEqual(2);
    expect(died[0]?.['msg']).toMatch(/arecord exited \(code 1\): arecord: xrun!; restarting in \d+ ms/);
    await s.stop();
    const after = s.starts;
    await new Promise((r) => setTimeout(r, 150));
    expect(s.starts).toBe(after);
    // Every start, the same arguments (the last start may be stopped before it writes).
    const runs = readFileSync(argsFile, 'utf8').split('\n').filter((l) => l !== '');
    expect(runs.length).toBeGreaterThanOrEqual(died.length); // every run that died had written its line first
    expect(new Set(runs)).toEqual(new Set(['-q -D plughw:1,0 -f S16_LE -r 48000 -c 2 -t raw']));
  });
});

describe('file and stream sources', () => {
  it('plays a WAV at capture speed once play() is called, and reports the end', async () => {
    const file = join(dir, 'a.wav');
    writeFileSync(file, encodeWav(Int16Array.from({ length: 1600 }, (_, i) => i), 16000));
    const got: number[] = [];
    let ended = false;
    const s = new FileSource({ file, loop: false, paused: true, onSamples: (x) => got.push(...x), onEnd: () => (ended = true) });
    running.push(s);
    await s.start();
    expect(s.sampleRate).toBe(16000);
    await new Promise((r) => setTimeout(r, 60));
    expect(got).toHaveLength(0);
    const t0 = performance.now();
    s.play();
    await expect.poll(() => ended, { timeout: 3000 }).toBe(true);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(90);
    expect(got).toEqual(Array.from({ length: 1600 }, (_, i) => i));
  });

  it('rejects a missing or malformed file with JARVIS_EDGE_BAD_WAV', async () => {
    await expect(new FileSource({ file: join(dir, 'missing.wav'), loop: false, onSamples: () => undefined }).start()).rejects.toMatchObject({ code: 'JARVIS_EDGE_BAD_WAV' });
    writeFileSync(join(dir, 'junk.wav'), 'RIFF0000WAVEjunk');
    await expect(new FileSource({ file: join(dir, 'junk.wav'), loop: false, onSamples: () => undefined }).start()).rejects.toMatchObject({ code: 'JARVIS_EDGE_BAD_WAV' });
  });

  it('reads raw PCM from a stream such as stdin', async () => {
    const stream = new PassThrough();
    const got: number[] = [];
    let ended = false;
    const s = new StreamSource({ stream, sampleRate: 16000, channels: 1, onSamples: (x) => got.push(...x), onEnd: () => (ended = true) });
    await s.start();
    stream.write(Buffer.from([1, 0, 2]));
    stream.end(Buffer.from([0]));
    await expect.poll(() => ended).toBe(true);
    expect(got).toEqual([1, 2]);
    await s.stop();
  });
});
