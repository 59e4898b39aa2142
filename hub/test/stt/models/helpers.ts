import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureIO } from '../../../../tests/helpers/capture-io.js';
import type { CliIO } from '../../../src/cli/types.js';
import type { ModelEntry } from '../../../src/stt/models/catalogue.js';

/** How the test server misbehaves. */
export interface ServerMode {
  /** Close the connection after this many body bytes (an interrupted download). */
  cutAfter?: number;
  /** Serve these bytes instead of the real ones (a corrupted download). */
  corrupt?: boolean;
  /** Ignore Range headers (always 200 with the whole file). */
  noRange?: boolean;
  status?: number;
}

/** A real HTTP server on port 0 serving one file with Range support, recording the Range headers it got. */
export async function startModelServer(content: Buffer): Promise<{ url: string; mode: ServerMode; ranges: (string | undefined)[]; server: Server; close: () => Promise<void> }> {
  const mode: ServerMode = {};
  const ranges: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    ranges.push(req.headers.range);
    if (mode.status) { res.writeHead(mode.status); res.end(); return; }
    let body = mode.corrupt ? Buffer.from(content).fill(7, 10, 20) : content;
    let status = 200;
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (m && !mode.noRange) {
      const from = Number(m[1]);
      if (from >= body.length) { res.writeHead(416); res.end(); return; }
      body = body.subarray(from);
      status = 206;
    }
    res.writeHead(status, { 'content-length': String(body.length) });
    if (mode.cutAfter !== undefined) {
      // The connection drops a moment after the partial body (the client has read it): a premature close.
      res.write(body.subarray(0, mode.cutAfter), () => setTimeout(() => res.socket?.end(), 100));
      return;
    }
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/model.bin`, mode, ranges, server, close: () => new Promise((r) => server.close(() => r())) };
}

/** A fake model file and its catalogue entry pointing at `url`. */
export function fakeModel(url: string, size = 300_000): { content: Buffer; entry: ModelEntry } {
  const content = randomBytes(size);
  return {
    content,
    entry: { name: 'test-model', kind: 'whisper', file: 'ggml-test.bin', url, size, sha256: createHash('sha256').update(content).digest('hex'), licence: 'MIT', description: 'test' },
  };
}

/** In-memory CLI streams (the shared harness). */
export function memoryIO(env: NodeJS.ProcessEnv): CliIO & { out: () => string; err: () => string } {
  return captureIO(env);
}
