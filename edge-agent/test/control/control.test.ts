import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeWav, encodeWav } from '../../src/capture/wav.js';
import { parseWirelessRssi, readCpuTempC, readWifiRssi } from '../../src/control/health.js';
import { LedController, type LedCommand } from '../../src/control/led.js';
import { chooseSynthesizer, EspeakSynthesizer, scaleWavVolume, Speaker, type Player, type SayCommand, type Synthesizer } from '../../src/control/speaker.js';
import { EdgeError } from '../../src/errors.js';
import { findExecutable } from '../../src/executables.js';
import { capturingLogger } from '../helpers/logs.js';

const dir = mkdtempSync(join(tmpdir(), 'edge-control-'));

describe('health', () => {
  it('reads the CPU temperature in millidegrees and ignores junk', async () => {
    writeFileSync(join(dir, 'temp'), '48312\n');
    writeFileSync(join(dir, 'junk'), 'hot\n');
    expect(await readCpuTempC(join(dir, 'temp'))).toBe(48.3);
    expect(await readCpuTempC(join(dir, 'junk'))).toBeUndefined();
    expect(await readCpuTempC(join(dir, 'missing'))).toBeUndefined();
  });

  it('reads the Wi-Fi level in dBm from /proc/net/wireless, and nothing on a wired Pi', async () => {
    const text = 'Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n wlan0: 0000   70.  -40.  -256        0      0      0      0      0        0\n';
    expect(parseWirelessRssi(text)).toBe(-40);
    expect(parseWirelessRssi(text.split('\n').slice(0, 2).join('\n'))).toBeUndefined();
    expect(parseWirelessRssi(text.replace('-40.', '60.'))).toBeUndefined();
    writeFileSync(join(dir, 'wireless'), text);
    expect(await readWifiRssi(join(dir, 'wireless'))).toBe(-40);
    expect(await readWifiRssi(join(dir, 'none'))).toBeUndefined();
  });
});

describe('led', () => {
  it('shows patterns and falls back to off when a timed pattern expires', async () => {
    const shown: LedCommand[] = [];
    const led = new LedController({ show: (c) => void shown.push(c) });
    await led.apply({ pattern: 'blink', color: '#ff0000', durationMs: 30 });
    expect(led.current.pattern).toBe('blink');
    await expect.poll(() => led.current).toEqual({ pattern: 'off' });
    expect(shown.map((c) => c.pattern)).toEqual(['blink', 'off']);
    led.dispose();
  });
});

class Recorder implements Player {
  readonly played: Array<{ wav: Buffer; request: SayCommand }> = [];
  fail = false;
  async play(wav: Buffer, request: SayCommand): Promise<void> {
    if (this.fail) throw new EdgeError('JARVIS_EDGE_SAY', 'aplay failed (exit 1): no such device');
    this.played.push({ wav, request });
  }
}

const tone: Synthesizer = { name: 'tone', synthesize: async () => encodeWav(Int16Array.from({ length: 100 }, () => 10000), 22050) };

describe('speaker', () => {
  it('speaks in order, once per id, scaling the volume', async () => {
    const player = new Recorder();
    const speaker = new Speaker(tone, player, capturingLogger().logger, 0.5);
    void speaker.say({ text: 'one', id: 'a' });
    void speaker.say({ text: 'one again', id: 'a' });
    void speaker.say({ text: 'two', volume: 1 });
    await speaker.idle();
    expect(player.played.map((p) => p.request.text)).toEqual(['one', 'two']);
    expect(decodeWav(player.played[0]?.wav as Buffer, 'a', true).samples[0]).toBe(5000);
    expect(decodeWav(player.played[1]?.wav as Buffer, 'b', true).samples[0]).toBe(10000);
    expect(speaker.counts).toEqual({ spoken: 2, failed: 0, duplicates: 1 });
  });

  it('logs a coded error when the player fails or there is no engine, and keeps going', async () => {
    const player = new Recorder();
    player.fail = true;
    const { logger, entries } = capturingLogger();
    const speaker = new Speaker(tone, player, logger);
    await speaker.say({ text: 'x' });
    expect(entries().find((e) => e['code'] === 'JARVIS_EDGE_SAY')?.['msg']).toMatch(/say failed: aplay failed/);
    const mute = new Speaker(undefined, player, logger);
    await mute.say({ text: 'y' });
    expect(mute.counts.failed).toBe(1);
    player.fail = false;
    await speaker.say({ text: 'z' });
    expect(player.played).toHaveLength(1);
  });

  it('scaleWavVolume leaves full volume untouched', () => {
    const wav = encodeWav(Int16Array.from([1000, -1000]), 16000);
    expect(scaleWavVolume(wav, 1)).toBe(wav);
    expect(Array.from(decodeWav(scaleWavVolume(wav, 0.25)).samples)).toEqual([250, -250]);
  });

  it('chooses piper only with a model, falls back to espeak-ng, and none means none', () => {
    const base = { voice: 'en-us', espeakPath: 'espeak-ng', piperPath: join(dir, 'no-piper') };
    expect(chooseSynthesizer({ ...base, engine: 'none' })).toBeUndefined();
    expect(chooseSynthesizer({ ...base, engine: 'piper', piperModel: 'x.onnx' })).toBeUndefined();
    const auto = chooseSynthesizer({ ...base, engine: 'auto', piperModel: 'x.onnx' });
    expect(auto?.name).toBe(findExecutable('espeak-ng') ? 'espeak-ng' : undefined);
  });

  it.skipIf(!findExecutable('espeak-ng'))('espeak-ng synthesises real speech (skipped without espeak-ng)', async () => {
    const wav = await new EspeakSynthesizer(findExecutable('espeak-ng') as string, 'en-us').synthesize('--help is not a flag here');
    const { sampleRate, samples } = decodeWav(wav, 'espeak', true);
    expect(sampleRate).toBe(22050);
    expect(samples.length / sampleRate).toBeGreaterThan(0.5);
    await expect(new EspeakSynthesizer('/bin/false', 'en-us').synthesize('hi')).rejects.toMatchObject({ code: 'JARVIS_EDGE_SAY', message: expect.stringMatching(/\/bin\/false failed \(exit 1\)/) });
    await expect(new EspeakSynthesizer(join(dir, 'missing-espeak'), 'en-us').synthesize('hi')).rejects.toMatchObject({ code: 'JARVIS_EDGE_SAY', message: expect.stringMatching(/cannot run/) });
  });
});
