/**
 * @jarvis/whisper against whisper.cpp itself. `stt.whisper_vs_native` compiles a plain C++ program of ours
 * (whisper-native/native/bench/whisper-bench.cc) from the same whisper.rn sources with the same flags as
 * the addon, in this step, then runs the same pass on the same audio through both, alternating blocks so
 * load on the machine hits both alike; the figure is binding ÷ native (1.0 = no overhead). Also the raw
 * pass time of a 2.5 s command with the trimmed encoder window (the hot path's whisper step) and whisper's
 * VAD on espeak-ng speech. The whisper test models have real shapes but no weights: the cost is real and
 * the text empty. Set JARVIS_BENCH_WHISPER_REPS (default 5) for more passes per block.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WhisperModel, WhisperVad, whisperBuildInfo } from '@jarvis/whisper';
import { distribution, type Benchmark } from './lib.js';
import { audioContextFor } from '../hub/src/stt/whisper-engine.js';
import { sharedModel } from '../tests/helpers/shared-models.js';

const MODELS: Record<string, string> = {
  'tiny.en': sharedModel('for-tests-ggml-tiny.en.bin'),
  'base.en': sharedModel('for-tests-ggml-base.en.bin'),
};
const VAD_MODEL = sharedModel('for-tests-silero-v6.2.0-ggml.bin');
const REPS = Number(process.env['JARVIS_BENCH_WHISPER_REPS'] ?? 5);
const THREADS = 2;
const NATIVE_DIR = fileURLToPath(new URL('../whisper-native/native/', import.meta.url));

interface BuildConfig {
  cflags: string[];
  ldflags: string[];
  defines: string[];
  includes: string[];
  root: string;
  whisperSources: string[];
  /** Sources compiled from a patched copy (build-config.cjs WHISPER_PATCHES): name in whisperSources → path. */
  patched?: Record<string, string>;
  whisperCpp: string;
  sources: string;
  simd: string[];
  threading: string;
}

/** Speech-like audio (a voiced tone with a syllable-rate envelope and a little noise), deterministic. */
function voiced(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * 16000));
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out[i] = 0.3 * Math.sin((2 * Math.PI * 150 * i) / 16000) * (0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * i) / 16000)) + (seed / 2 ** 31 - 0.5) * 0.01;
  }
  return out;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

/**
 * Compiles the native bench program with make -j2 into whisper-native/native/build/bench/<config hash>/;
 * an unchanged config and sources reuse the binary. Returns its path and the build's wall seconds (0 = reused).
 */
function buildNativeBench(cfg: BuildConfig): { exe: string; seconds: number } {
  const main = join(NATIVE_DIR, 'bench', 'whisper-bench.cc');
  const hash = createHash('sha256').update(JSON.stringify(cfg)).update(readFileSync(main)).digest('hex').slice(0, 16);
  const dir = join(NATIVE_DIR, 'build', 'bench', hash);
  const exe = join(dir, 'whisper-bench');
  if (existsSync(exe)) return { exe, seconds: 0 };
  mkdirSync(dir, { recursive: true });
  const flags = [...cfg.cflags, ...cfg.defines.map((d) => `-D${d}`), ...cfg.includes.map((i) => `-I${i}`)].join(' ');
  const objs = cfg.whisperSources.map((s) => `obj/${s.replace(/\//g, '_')}.o`);
  const rules = cfg.whisperSources.map((s, i) => {
    const cpp = s.endsWith('.cpp');
    return `${objs[i]}: ${cfg.patched?.[s] ?? join(cfg.root, s)}\n\t@mkdir -p obj && ${cpp ? '$(CXX) -std=c++17' : '$(CC) -std=gnu11'} $(FLAGS) -c $< -o $@\n`;
  });
  writeFileSync(join(dir, 'Makefile'), [
    `FLAGS = ${flags}`,
    `whisper-bench: ${objs.join(' ')} obj/main.o`,
    `\t$(CXX) -o $@ $^ ${cfg.ldflags.join(' ')}`,
    `obj/main.o: ${main}`,
    '\t@mkdir -p obj && $(CXX) -std=c++17 $(FLAGS) -c $< -o $@',
    ...rules,
  ].join('\n'));
  const t0 = performance.now();
  const r = spawnSync('make', ['-s', '-j2', 'whisper-bench'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, CC: process.env['CC'] ?? 'cc', CXX: process.env['CXX'] ?? 'c++' } });
  if (r.status !== 0 || !existsSync(exe)) throw new Error(`native whisper bench did not build (make exit ${r.status}) in ${dir}`);
  return { exe, seconds: (performance.now() - t0) / 1000 };
}

function runNative(exe: string, model: string, audioFile: string, audioCtx: number, reps: number): number[] {
  const r = spawnSync(exe, [model, audioFile, String(THREADS), String(audioCtx), String(reps)], { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`whisper-bench failed (${r.status}): ${r.stderr}`);
  return (JSON.parse(r.stdout) as { ms: number[] }).ms;
}

async function runBinding(model: WhisperModel, pcm: Float32Array, audioCtx: number, reps: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await model.transcribe(pcm, { threads: THREADS, audioCtx });
    out.push(performance.now() - t0);
  }
  return out;
}

export const benchmarks: Benchmark[] = [
  {
    name: 'stt.whisper_vs_native',
    async run(emit) {
      const cfg = (createRequire(import.meta.url)(join(NATIVE_DIR, 'build-config.cjs')) as { config(): BuildConfig }).config();
      const info = whisperBuildInfo();
      const { exe, seconds } = buildNativeBench(cfg);
      if (seconds > 0) emit({ name: 'stt.whisper_native_build_s', value: round(seconds), unit: 's', what: 'make -j2 of the native bench program (whisper.rn sources + main)', files: cfg.whisperSources.length + 1 });
      const dir = mkdtempSync(join(tmpdir(), 'jarvis-bench-whisper-'));
      try {
        const pcm = voiced(30);
        const audioFile = join(dir, 'audio.f32');
        writeFileSync(audioFile, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
        for (const [name, path] of Object.entries(MODELS)) {
          if (!existsSync(path)) { process.stderr.write(`stt.whisper_vs_native: ${path} is absent, ${name} skipped\n`); continue; }
          const model = await WhisperModel.load(path);
          const binding: number[] = [];
          const native: number[] = [];
          try {
            await runBinding(model, pcm, 0, 1); // warm-up (the native program warms up in its first block too)
            runNative(exe, path, audioFile, 0, 1);
            for (let block = 0; block < 2; block++) {
              native.push(...runNative(exe, path, audioFile, 0, REPS));
              binding.push(...(await runBinding(model, pcm, 0, REPS)));
            }
          } finally {
            await model.free();
          }
          const common = { model: `${name} (for-tests-ggml-${name}.bin: real shapes, no weights)`, audio: '30 s synthetic voiced tone', window: 'full (audio_ctx 1500)', threads: THREADS, n: binding.length };
          emit({
            name: `stt.whisper_vs_native{model=${name}}`, value: round(median(binding) / median(native), 3), unit: 'x',
            binding_ms: round(median(binding)), native_ms: round(median(native)), ...common,
            build: `whisper.cpp ${cfg.whisperCpp} (${cfg.sources}), ${cfg.threading}, ${cfg.simd.join(' ')}`, addon_threading: info.threading,
          });
          emit(distribution(`stt.whisper_full_ms{model=${name},via=binding}`, 'ms', binding, common));
          emit(distribution(`stt.whisper_full_ms{model=${name},via=native}`, 'ms', native, common));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'stt.whisper_command_ms',
    async run(emit) {
      // The hot path's whisper step: a 2.5 s command, the encoder window trimmed as the hub trims it.
      for (const [name, path] of Object.entries(MODELS)) {
        if (!existsSync(path)) continue;
        const model = await WhisperModel.load(path);
        const pcm = voiced(2.5);
        const audioCtx = audioContextFor(pcm.length);
        await model.transcribe(pcm, { threads: THREADS, audioCtx });
        const ms = await runBinding(model, pcm, audioCtx, REPS * 2);
        await model.free();
        emit(distribution(`stt.whisper_command_ms{model=${name}}`, 'ms', ms, { model: `${name} (real shapes, no weights)`, audio: '2.5 s synthetic voiced tone', audio_ctx: audioCtx, threads: THREADS }));
      }
    },
  },
  {
    name: 'stt.whisper_vad_ms',
    async run(emit) {
      if (!existsSync(VAD_MODEL)) { process.stderr.write(`stt.whisper_vad_ms: ${VAD_MODEL} is absent\n`); return; }
      const wav = join(mkdtempSync(join(tmpdir(), 'jarvis-bench-vad-')), 'speech.raw');
      const tts = spawnSync('sh', ['-c', `espeak-ng -v en-us --stdout "turn on the kitchen lights please" | sox -t wav - -r 16000 -c 1 -e floating-point -b 32 -t raw ${wav}`]);
      if (tts.status !== 0 || !existsSync(wav)) { process.stderr.write('stt.whisper_vad_ms: needs espeak-ng and sox\n'); return; }
      const speech = new Float32Array(new Uint8Array(readFileSync(wav)).buffer);
      rmSync(dirname(wav), { recursive: true, force: true });
      const pcm = new Float32Array(16000 + speech.length + 16000); // 1 s silence, speech, 1 s silence
      pcm.set(speech, 16000);
      const vad = await WhisperVad.load(VAD_MODEL, { threads: 1 });
      await vad.detect(pcm);
      const ms: number[] = [];
      let spans = 0;
      for (let i = 0; i < REPS * 2; i++) {
        const t0 = performance.now();
        spans = (await vad.detect(pcm)).length;
        ms.push(performance.now() - t0);
      }
      await vad.free();
      emit(distribution('stt.whisper_vad_ms', 'ms', ms, { model: 'for-tests-silero-v6.2.0-ggml.bin (real weights)', audio_s: round(pcm.length / 16000, 2), audio: 'espeak-ng en-us command between 1 s silences', spans, threads: 1 }));
    },
  },
];
