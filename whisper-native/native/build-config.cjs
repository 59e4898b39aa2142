// Answers binding.gyp's questions at configure time: where smart-whisper's vendored whisper.cpp is, and
// which vector-instruction flags this CPU supports. Without AVX2/FMA/F16C ggml falls back to SSE and
// whisper runs about ten times slower (measured: 15 s instead of 1.3 s for one clip).
// JARVIS_WHISPER_SIMD=off builds the plain variant (the benchmark's baseline); =native uses -march=native.
/* eslint-disable @typescript-eslint/no-require-imports -- gyp runs this as a CommonJS script */
'use strict';
const fs = require('node:fs');
const path = require('node:path');

function smartWhisperDir() {
  if (process.env.JARVIS_SMART_WHISPER_DIR) return process.env.JARVIS_SMART_WHISPER_DIR;
  return path.dirname(require.resolve('smart-whisper/package.json', { paths: [__dirname] }));
}

function cpuFlags() {
  const mode = process.env.JARVIS_WHISPER_SIMD ?? 'auto';
  if (mode === 'off') return [];
  if (mode === 'native') return ['-march=native'];
  if (process.arch !== 'x64') return []; // aarch64 builds get NEON from ggml's defaults
  let flags = '';
  try {
    const line = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags'));
    flags = ` ${line ?? ''} `;
  } catch {
    return [];
  }
  const has = (f) => flags.includes(` ${f} `);
  const out = [];
  if (has('avx')) out.push('-mavx');
  if (has('avx2')) out.push('-mavx2');
  if (has('fma')) out.push('-mfma');
  if (has('f16c')) out.push('-mf16c');
  if (has('sse3')) out.push('-msse3');
  if (has('ssse3')) out.push('-mssse3');
  return out;
}

/**
 * smart-whisper's own model loader left most of whisper_context_params uninitialised; our model.cc starts
 * from whisper.cpp's defaults, and zero-initialising automatic variables stays as a guard for any other
 * struct the binding fills partly. Only when the compiler supports it (GCC 12+, Clang 16+).
 */
function zeroInitFlag() {
  const { spawnSync } = require('node:child_process');
  const cxx = process.env.CXX || 'c++';
  const r = spawnSync(cxx, ['-ftrivial-auto-var-init=zero', '-x', 'c++', '-fsyntax-only', '-'], { input: 'int main(){return 0;}', stdio: ['pipe', 'ignore', 'ignore'] });
  return r.status === 0 ? ['-ftrivial-auto-var-init=zero'] : [];
}

const root = smartWhisperDir();
const what = process.argv[2];
if (what === 'root') process.stdout.write(root);
else if (what === 'sources') {
  const files = [
    'src/binding/binding.cc', 'src/binding/common.cc', 'src/binding/transcribe.cc',
    'whisper.cpp/src/whisper.cpp', 'whisper.cpp/ggml/src/ggml.c', 'whisper.cpp/ggml/src/ggml-alloc.c',
    'whisper.cpp/ggml/src/ggml-backend.c', 'whisper.cpp/ggml/src/ggml-quants.c', 'whisper.cpp/ggml/src/ggml-aarch64.c',
  ];
  // gyp's make generator needs source paths relative to binding.gyp. model.cc is our fixed copy.
  process.stdout.write(['model.cc', ...files.map((f) => path.relative(process.cwd(), path.join(root, f)))].join(' '));
} else if (what === 'includes') {
  process.stdout.write(['src/binding', 'whisper.cpp/include', 'whisper.cpp/ggml/include', 'whisper.cpp/examples'].map((f) => path.join(root, f)).join(' '));
} else if (what === 'cflags') process.stdout.write(cpuFlags().join(' '));
else if (what === 'cxxflags') process.stdout.write([...cpuFlags(), ...zeroInitFlag()].join(' '));
else {
  process.stderr.write(`build-config.cjs: unknown question '${what}'\n`);
  process.exit(2);
}
