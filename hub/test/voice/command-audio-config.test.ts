/**
 * Config `stt.commandAudio` (what the grammar recogniser hears of a command): its default, the environment variable the
 * schema derives for it, and a bad value reported with its path.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { commandAudioSource } from '../../src/voice/index.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ JARVIS_DATA_DIR: (dir ??= mkdtempSync(join(tmpdir(), 'jarvis-cfg-'))), ...extra });

describe('config stt.commandAudio', () => {
  it('defaults to auto: RNNoise output with an adapted model, the raw audio with the base model', () => {
    const c = loadConfig({ env: env() });
    expect(c.stt.commandAudio).toBe('auto');
    expect(commandAudioSource(c.stt.commandAudio, true)).toBe('denoised');
    expect(commandAudioSource(c.stt.commandAudio, false)).toBe('raw');
  });

  it('JARVIS_STT_COMMAND_AUDIO sets it; a setting other than auto holds whatever the model', () => {
    const c = loadConfig({ env: env({ JARVIS_STT_COMMAND_AUDIO: 'raw' }) });
    expect(c.stt.commandAudio).toBe('raw');
    expect(commandAudioSource(c.stt.commandAudio, true)).toBe('raw');
    expect(commandAudioSource(loadConfig({ env: env({ JARVIS_STT_COMMAND_AUDIO: 'denoised' }) }).stt.commandAudio, false)).toBe('denoised');
  });

  it('a bad value is a ConfigError naming the key', () => {
    expect(() => loadConfig({ env: env({ JARVIS_STT_COMMAND_AUDIO: 'loud' }) })).toThrow(expect.objectContaining({ code: expect.stringMatching(/^JARVIS_CONFIG_/), message: expect.stringContaining('stt.commandAudio') }));
  });
});
