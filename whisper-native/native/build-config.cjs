// Answers binding.gyp's questions at configure time, and the native benchmark's: where whisper.rn's
// whisper.cpp sources are, which of them the CPU backend needs, and which compiler flags this CPU takes.
// Without AVX2/FMA/F16C ggml falls back to SSE and whisper runs about ten times slower; with AVX-512 its
// matrix kernels take the 512-bit paths.
//   JARVIS_WHISPER_SIMD=auto (default: the flags /proc/cpuinfo lists) | native (-march=native) | off (none)
//   JARVIS_WHISPER_THREADING=ggml (default: ggml's own thread pool) | openmp
// ggml's pool, not OpenMP, by default: on a busy 2-core machine OpenMP's spinning barriers made a full-window
// tiny.en pass take tens of seconds instead of a few (measured with the machine shared by other builds).
/* eslint-disable @typescript-eslint/no-require-imports -- gyp runs this as a CommonJS script */
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/** whisper.rn's `cpp/` folder: whisper.cpp and its ggml, with ggml's symbols prefixed `wsp_`. */
function sourceRoot() {
  if (process.env.JARVIS_WHISPER_CPP_DIR) return process.env.JARVIS_WHISPER_CPP_DIR;
  // whisper.rn's `exports` hides its files from require.resolve: look along Node's module search path.
  for (const dir of require.resolve.paths('whisper.rn') ?? []) {
    const cpp = path.join(dir, 'whisper.rn', 'cpp');
    if (fs.existsSync(path.join(cpp, 'whisper.cpp'))) return cpp;
  }
  throw new Error('whisper.rn is not installed: `npm ci` installs it with @jarvis/whisper');
}

function sourcePackage() {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(sourceRoot(), '..', 'package.json'), 'utf8'));
    return `${pkg.name}@${pkg.version}`;
  } catch {
    return 'unknown';
  }
}

/** The whisper.cpp release the sources are (whisper_version() in whisper.cpp). */
function whisperVersion() {
  const m = /whisper_version\(void\)\s*\{\s*return\s*"([^"]+)"/.exec(fs.readFileSync(path.join(sourceRoot(), 'whisper.cpp'), 'utf8'));
  return m ? m[1] : 'unknown';
}

/** Only what whisper.cpp's CPU backend needs: no Metal, CoreML, parakeet, React Native glue, AMX or ggml-opt. */
const WHISPER_SOURCES = [
  'whisper.cpp',
  'ggml.c', 'ggml.cpp', 'ggml-alloc.c', 'ggml-backend.cpp', 'ggml-backend-meta.cpp', 'ggml-backend-reg.cpp',
  'ggml-backend-dl.cpp', 'ggml-threading.cpp', 'ggml-quants.c',
  'ggml-cpu/ggml-cpu.c', 'ggml-cpu/ggml-cpu.cpp', 'ggml-cpu/quants.c', 'ggml-cpu/traits.cpp', 'ggml-cpu/repack.cpp',
  'ggml-cpu/unary-ops.cpp', 'ggml-cpu/binary-ops.cpp', 'ggml-cpu/vec.cpp', 'ggml-cpu/ops.cpp',
];

function archSources() {
  if (process.arch === 'x64') return ['ggml-cpu/arch/x86/quants.c', 'ggml-cpu/arch/x86/repack.cpp'];
  if (process.arch === 'arm64') return ['ggml-cpu/arch/arm/quants.c', 'ggml-cpu/arch/arm/repack.cpp'];
  return [];
}

/**
 * Changes we compile into whisper.rn's whisper.cpp, applied to a copy in build/jarvis-src/ (the package stays as
 * installed). Each names the exact text it replaces; a whisper.rn whose text differs fails the build loudly
 * instead of compiling something else.
 *  - decoder-last-logits: the decoder graph computed the vocabulary logits of every token of a batch (whisper.cpp
 *    leaves the one-row view commented out) although only rows flagged in `batch.logits` are ever read. For the
 *    initial prompt (one batch, only its last row read) that was tokens × 51,864 × d_model multiply-adds for
 *    nothing: with the hub's 160-token prompt, more than the rest of the pass. Now, when only the last row is
 *    wanted (and not for the allocator's worst case), only that row is computed, and read back from row 0.
 */
const WHISPER_PATCHES = [
  {
    name: 'decoder-last-logits',
    file: 'whisper.cpp',
    edits: [
      [
        'static struct wsp_ggml_cgraph * whisper_build_graph_decoder(\n',
        '// jarvis (decoder-last-logits): true when a batch reads the logits of its last token only.\n' +
        'static bool jarvis_only_last_logits(const whisper_batch & batch) {\n' +
        '    if (batch.n_tokens < 1 || !batch.logits[batch.n_tokens - 1]) return false;\n' +
        '    for (int i = 0; i + 1 < batch.n_tokens; ++i) if (batch.logits[i]) return false;\n' +
        '    return true;\n' +
        '}\n\n' +
        'static struct wsp_ggml_cgraph * whisper_build_graph_decoder(\n',
      ],
      [
        '    //cur = wsp_ggml_view_2d(ctx0, cur, cur->ne[0], 1, cur->nb[1], (cur->ne[1] - 1)*cur->nb[1]);\n',
        '    // jarvis (decoder-last-logits): only the last row when only it is read.\n' +
        '    if (!worst_case && jarvis_only_last_logits(batch)) cur = wsp_ggml_view_2d(ctx0, cur, cur->ne[0], 1, cur->nb[1], (cur->ne[1] - 1)*cur->nb[1]);\n',
      ],
      [
        '        wsp_ggml_backend_tensor_get(logits, logits_out.data() + (n_vocab*i), sizeof(float)*(n_vocab*i), sizeof(float)*n_vocab);\n',
        '        // jarvis (decoder-last-logits): a one-row logits tensor holds the last token\'s row.\n' +
        '        const int64_t row = logits->ne[1] == 1 ? 0 : i;\n' +
        '        wsp_ggml_backend_tensor_get(logits, logits_out.data() + (n_vocab*i), sizeof(float)*(n_vocab*row), sizeof(float)*n_vocab);\n',
      ],
    ],
  },
];

/**
 * Writes the patched copies (only when their text changed, so make does not rebuild them for nothing) and
 * returns { 'whisper.cpp': absolute path of the copy }.
 */
function patchedSources(root) {
  const out = {};
  const dir = path.join(__dirname, 'build', 'jarvis-src');
  for (const file of [...new Set(WHISPER_PATCHES.map((p) => p.file))]) {
    let text = fs.readFileSync(path.join(root, file), 'utf8');
    for (const patch of WHISPER_PATCHES.filter((p) => p.file === file)) {
      for (const [from, to] of patch.edits) {
        const at = text.indexOf(from);
        if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`whisper patch ${patch.name}: ${file} of ${sourcePackage()} does not contain its anchor exactly once: ${JSON.stringify(from.slice(0, 60))}`);
        text = text.replace(from, () => to);
      }
    }
    // The copy lives elsewhere: its quoted includes resolve through the include path (the sources' root).
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) fs.writeFileSync(target, text);
    out[file] = target;
  }
  return out;
}

/** Our binding's own files (native/src). */
const OUR_SOURCES = ['src/addon.cc', 'src/gbnf.cc', 'src/model-check.cc'];

/** Files gyp compiles through a wrapper of another stem: its make rules name objects by stem, and ggml.c/ggml.cpp (and ggml-cpu.c/.cpp) would share one object built from whichever source make picks. */
const GYP_WRAPPED = {
  'ggml.c': 'src/ggml-c.c', 'ggml.cpp': 'src/ggml-cpp.cpp',
  'ggml-cpu/ggml-cpu.c': 'src/ggml-cpu-c.c', 'ggml-cpu/ggml-cpu.cpp': 'src/ggml-cpu-cpp.cpp',
};

/** /proc/cpuinfo flag -> GCC flag, for every extension ggml's x86 code has a path for. */
const X86_FLAGS = [
  ['ssse3', '-mssse3'], ['pni', '-msse3'], ['avx', '-mavx'], ['avx2', '-mavx2'], ['fma', '-mfma'], ['f16c', '-mf16c'],
  ['bmi2', '-mbmi2'], ['avx_vnni', '-mavxvnni'],
  ['avx512f', '-mavx512f'], ['avx512bw', '-mavx512bw'], ['avx512dq', '-mavx512dq'], ['avx512vl', '-mavx512vl'],
  ['avx512cd', '-mavx512cd'], ['avx512_vnni', '-mavx512vnni'], ['avx512vbmi', '-mavx512vbmi'], ['avx512_bf16', '-mavx512bf16'],
];

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
  return X86_FLAGS.filter(([f]) => flags.includes(` ${f} `)).map(([, g]) => g);
}

function compiles(args, source) {
  const cxx = process.env.CXX || 'c++';
  const r = spawnSync(cxx, [...args, '-x', 'c++', '-o', '/dev/null', '-'], { input: source, stdio: ['pipe', 'ignore', 'ignore'] });
  return r.status === 0;
}

function threading() {
  const want = process.env.JARVIS_WHISPER_THREADING ?? 'ggml';
  if (want !== 'openmp') return 'ggml';
  return compiles(['-fopenmp'], '#include <omp.h>\nint main(){return omp_get_max_threads() > 0 ? 0 : 1;}') ? 'openmp' : 'ggml';
}

function compilerVersion() {
  const cxx = process.env.CXX || 'c++';
  const r = spawnSync(cxx, ['--version'], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n')[0] || cxx;
}

/** Everything that decides the build, in one object: the native bench program compiles with the same. */
function config() {
  const threads = threading();
  const defines = ['NDEBUG', '_GNU_SOURCE', 'WSP_GGML_USE_CPU', 'WSP_GGML_USE_CPU_REPACK'];
  if (threads === 'openmp') defines.push('WSP_GGML_USE_OPENMP');
  const simd = cpuFlags();
  return {
    whisperCpp: whisperVersion(),
    sources: sourcePackage(),
    simdMode: process.env.JARVIS_WHISPER_SIMD ?? 'auto',
    simd,
    threading: threads,
    optimization: '-O3',
    compiler: compilerVersion(),
    defines,
    cflags: ['-O3', '-pthread', '-fvisibility=hidden', '-Wno-unused-function', ...simd, ...(threads === 'openmp' ? ['-fopenmp'] : [])],
    ldflags: ['-pthread', ...(threads === 'openmp' ? ['-fopenmp'] : [])],
    root: sourceRoot(),
    whisperSources: [...WHISPER_SOURCES, ...archSources()],
    /** whisper.rn files compiled from a patched copy instead (WHISPER_PATCHES), by name in whisperSources. */
    patches: WHISPER_PATCHES.map((p) => p.name),
    patched: patchedSources(sourceRoot()),
    includes: [sourceRoot(), path.join(sourceRoot(), 'ggml-cpu')],
  };
}

module.exports = { config, OUR_SOURCES };

if (require.main === module) {
  const what = process.argv[2];
  const c = config();
  if (what === 'root') process.stdout.write(c.root);
  else if (what === 'sources') {
    // gyp's make generator needs source paths relative to binding.gyp.
    const theirs = c.whisperSources.map((f) => GYP_WRAPPED[f] ?? path.relative(process.cwd(), c.patched[f] ?? path.join(c.root, f)));
    process.stdout.write([...OUR_SOURCES, ...theirs].join(' '));
  } else if (what === 'includes') process.stdout.write(c.includes.join(' '));
  else if (what === 'defines') process.stdout.write(c.defines.join(' '));
  else if (what === 'cflags') process.stdout.write(c.cflags.join(' '));
  else if (what === 'ldflags') process.stdout.write(c.ldflags.join(' '));
  else if (what === 'info') process.stdout.write(JSON.stringify(c));
  else {
    process.stderr.write(`build-config.cjs: unknown question '${what}'\n`);
    process.exit(2);
  }
}
