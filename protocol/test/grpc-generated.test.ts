import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import * as protoLoader from '@grpc/proto-loader';
import { WORKER_PROTO_INCLUDE_DIR, WORKER_PROTO_LOADER_OPTIONS, WORKER_PROTO_PATH, WORKER_SERVICE_NAME } from '@jarvis/protocol';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const generatedDir = join(pkgDir, 'src', 'generated');
const genBin = fileURLToPath(new URL('../../node_modules/@grpc/proto-loader/build/bin/proto-loader-gen-types.js', import.meta.url));

/** The generator arguments exactly as `npm run gen:proto` passes them, so this test cannot drift from the script. */
function scriptArgs(outDir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const script = pkg.scripts['gen:proto'];
  if (!script) throw new Error('protocol/package.json has no gen:proto script');
  const command = script.split('&&').map((s) => s.trim()).find((s) => s.startsWith('proto-loader-gen-types'));
  if (!command) throw new Error('gen:proto does not run proto-loader-gen-types');
  const args = command.split(/\s+/).slice(1);
  const o = args.indexOf('-O');
  expect(args[o + 1]).toBe('src/generated');
  args[o + 1] = outDir;
  return args;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

let tmp: string | undefined;
afterEach(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

describe('generated gRPC types [GRPC-5.1]', () => {
  it('are exactly what the generator produces from worker.proto today', () => {
    tmp = mkdtempSync(join(tmpdir(), 'jarvis-proto-gen-'));
    execFileSync(process.execPath, [genBin, ...scriptArgs(tmp)], { cwd: pkgDir, stdio: 'pipe' });
    const fresh = listFiles(tmp);
    const committed = listFiles(generatedDir);
    expect(committed).toEqual(fresh);
    for (const file of fresh) {
      const want = readFileSync(join(tmp, file), 'utf8');
      const have = readFileSync(join(generatedDir, file), 'utf8');
      expect(have, `${file} is stale: run npm run gen:proto -w @jarvis/protocol`).toBe(want);
    }
  });

  it('loads with the exported path and options and defines every method', () => {
    const def = protoLoader.loadSync(WORKER_PROTO_PATH, { ...WORKER_PROTO_LOADER_OPTIONS, includeDirs: [WORKER_PROTO_INCLUDE_DIR] });
    const service = def[WORKER_SERVICE_NAME] as Record<string, { path: string }>;
    expect(Object.keys(service).sort()).toEqual(['Complete', 'Enroll', 'Fail', 'Heartbeat', 'Pull']);
    expect(service['Pull']?.path).toBe('/jarvis.worker.v1.WorkerService/Pull');
  });
});
