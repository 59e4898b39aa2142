import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli-types.js';

/** In-memory CLI streams with their text so far. */
export function captureIO(signal?: AbortSignal): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let o = '';
  let e = '';
  stdout.on('data', (c: Buffer) => (o += c.toString()));
  stderr.on('data', (c: Buffer) => (e += c.toString()));
  return { stdout, stderr, env: {}, signal, out: () => o, err: () => e };
}
