import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { AUDIO_MAX_PAYLOAD_BYTES, PROTOCOL_ERROR_CODES } from '@jarvis/protocol';
import { renderProtoHeader } from '../src/gen-header.js';
import { defaultHeaderPath, genHeaderCommand } from '../src/gen-header-command.js';

function io(): { stdout: PassThrough; stderr: PassThrough; out: () => string; err: () => string; env: NodeJS.ProcessEnv } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return { stdout, stderr, out: () => o, err: () => e, env: {} };
}

let tmp = '';
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = '';
});

describe('jarvis-wearable gen-header', () => {
  it('the committed firmware/jarvis_proto_gen.h is exactly what the generator produces now', () => {
    expect(readFileSync(defaultHeaderPath(), 'utf8')).toBe(renderProtoHeader());
  });

  it('is deterministic and carries the protocol constants and every error code', () => {
    const text = renderProtoHeader();
    expect(renderProtoHeader()).toBe(text);
    expect(text).toContain(`#define JARVIS_AUDIO_MAX_PAYLOAD_BYTES ${AUDIO_MAX_PAYLOAD_BYTES}u`);
    PROTOCOL_ERROR_CODES.forEach((code, i) => {
      expect(text).toContain(`#define JARVIS_E_${code.slice('JARVIS_PROTO_'.length)} (-${i + 1})`);
    });
  });

  it('writes --out, and --check tells a fresh file from a stale one', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'jarvis-gen-'));
    const file = join(tmp, 'gen.h');
    const a = io();
    expect(await genHeaderCommand.run(['--out', file], a)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(renderProtoHeader());
    expect(await genHeaderCommand.run(['--out', file, '--check'], io())).toBe(0);
    writeFileSync(file, `${renderProtoHeader()}/* edited */\n`);
    const b = io();
    expect(await genHeaderCommand.run(['--out', file, '--check'], b)).toBe(1);
    expect(b.err()).toContain('stale');
  });

  it('rejects unknown flags and positionals with exit code 2, and prints --help', async () => {
    const a = io();
    expect(await genHeaderCommand.run(['--bogus'], a)).toBe(2);
    expect(a.err()).toContain('JARVIS_WEARABLE_BAD_OPTION');
    expect(await genHeaderCommand.run(['extra'], io())).toBe(2);
    expect(await genHeaderCommand.run(['--out'], io())).toBe(2);
    const h = io();
    expect(await genHeaderCommand.run(['--help'], h)).toBe(0);
    expect(h.out()).toContain('Usage: jarvis-wearable gen-header');
  });
});
