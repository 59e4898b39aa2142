import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameProblem, loadEdgeConfig, parseEdgeConfig } from '../src/config.js';
import { EdgeError } from '../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'edge-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function codeAndMessage(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EdgeError);
    return { code: (err as EdgeError).code, message: (err as EdgeError).message };
  }
  throw new Error('expected an error');
}

describe('edge config', () => {
  it('fills defaults for an empty file', () => {
    const c = loadEdgeConfig(file('empty.yaml', ''));
    expect(c.audio).toMatchObject({ source: 'arecord', device: 'default', sampleRate: 16000, channels: 1, codec: 'pcm16', frameMs: 20 });
    expect(c.reconnect).toEqual({ initialMs: 500, maxMs: 30_000, jitter: 0.2 });
    expect(c.gpio.mute).toBeUndefined();
    expect(c.health.intervalS).toBe(30);
  });

  it('reads YAML and lets flags override it', () => {
    const p = file('ok.yaml', 'audio:\n  device: plughw:1,0\n  channels: 2\n  codec: adpcm\ngpio:\n  mute: { line: 17, activeLow: true }\n');
    const c = loadEdgeConfig(p, { 'audio.codec': 'pcm16', 'audio.source': undefined });
    expect(c.audio).toMatchObject({ device: 'plughw:1,0', channels: 2, codec: 'pcm16' });
    expect(c.gpio.mute).toEqual({ line: 17, activeLow: true, bias: 'as-is', debounceMs: 30 });
  });

  it('reports every problem at once with its path', () => {
    const p = file('bad.yaml', 'audio:\n  sampleRate: 22050\n  source: file\n  codex: pcm16\ngpio:\n  mute: { line: 3, file: /tmp/x }\nreconnect: { initialMs: 5000, maxMs: 100 }\nlogLevel: loud\n');
    const { code, message } = codeAndMessage(() => loadEdgeConfig(p));
    expect(code).toBe('JARVIS_EDGE_BAD_CONFIG');
    expect(message).toContain(p);
    for (const part of ['audio.sampleRate: must be one of', 'audio: Unrecognized key: "codex"', 'gpio.mute: set exactly one of line', 'logLevel:']) expect(message).toContain(part);
  });

  it('checks cross-field rules once the fields are valid', () => {
    const { message } = codeAndMessage(() => parseEdgeConfig({ audio: { source: 'file', sampleRate: 48000, frameMs: 20 }, reconnect: { initialMs: 5000, maxMs: 100 } }));
    expect(message).toContain('audio.file: is required when audio.source is file');
    expect(message).toContain('audio.frameMs: a 20 ms pcm16 frame at 48000 Hz is 1920 bytes');
    expect(message).toContain('reconnect.maxMs: must be at least reconnect.initialMs (5000)');
  });

  it('rejects a missing file, YAML syntax errors and a non-mapping document', () => {
    expect(codeAndMessage(() => loadEdgeConfig(join(dir, 'nope.yaml'))).message).toMatch(/cannot read config file .*nope.yaml/);
    expect(codeAndMessage(() => loadEdgeConfig(file('syntax.yaml', 'audio: [unclosed\n'))).message).toMatch(/is not YAML/);
    expect(codeAndMessage(() => loadEdgeConfig(file('list.yaml', '- 1\n- 2\n'))).message).toMatch(/must hold a mapping of settings, not a list/);
  });

  it('frameProblem explains frames the protocol cannot carry', () => {
    expect(frameProblem(16000, 20, 'pcm16')).toBeUndefined();
    expect(frameProblem(44100, 10, 'adpcm')).toMatch(/even number of samples/);
    expect(frameProblem(48000, 40, 'adpcm')).toBeUndefined();
    expect(frameProblem(44100, 40, 'pcm16')).toMatch(/over the 1352-byte maximum payload/);
  });
});
