/**
 * The worker's `stt.transcribe` on long audio: processing time per second of audio (the real-time factor)
 * with 30 s chunks and 2 threads, and the cost of reading and resampling a long WAV before whisper sees
 * it. The whisper test models have real shapes but no weights, so whisper's cost is real and the text empty.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distribution, type Benchmark } from './lib.js';
import { createSttTranscribeHandler, type SttProgress, type SttTranscribeResult } from '../worker-node/src/handlers/stt-transcribe.js';
import { decodeWav, resampleMono } from '../worker-node/src/handlers/stt-wav.js';
import { voiced, wavBytes } from '../worker-node/test/stt-fixtures.js';
import { sharedModel } from '../tests/helpers/shared-models.js';

const MODELS: Record<string, string> = {
  'tiny.en': sharedModel('for-tests-ggml-tiny.en.bin'),
  'base.en': sharedModel('for-tests-ggml-base.en.bin'),
};
const AUDIO_S = Number(process.env['JARVIS_BENCH_STT_AUDIO_S'] ?? 90);

export const benchmarks: Benchmark[] = [
  {
    name: 'worker.stt_transcribe',
    async run(emit) {
      const dir = mkdtempSync(join(tmpdir(), 'jarvis-bench-stt-'));
      try {
        // Long recordings travel by path (inline WAVs are capped at the queue's 1 MB payload).
        writeFileSync(join(dir, 'long.wav'), wavBytes({ rate: 16000, channels: [voiced(AUDIO_S)] }));
        for (const [model, path] of Object.entries(MODELS)) {
          if (!existsSync(path)) { process.stderr.write(`worker.stt_transcribe: ${path} is absent, ${model} skipped\n`); continue; }
          const file = `ggml-${model}.bin`;
          symlinkSync(path, join(dir, file));
          const chunkMs: number[] = [];
          let last = performance.now();
          const handler = createSttTranscribeHandler({
            modelsDir: dir, audioDir: dir, defaultModel: file, threads: 2,
            onProgress: (_p: SttProgress) => { const now = performance.now(); chunkMs.push(now - last); last = now; },
          });
          const payload = { audio: { path: 'long.wav' }, chunkSeconds: 30 };
          const ctx = { taskId: 'bench', type: 'stt.transcribe', payload, attempt: 1, signal: new AbortController().signal };
          const first = (await handler(ctx)) as SttTranscribeResult; // loads the model
          chunkMs.length = 0;
          last = performance.now();
          const r = (await handler(ctx)) as SttTranscribeResult;
          await handler.dispose();
          emit({
            name: `worker.stt_transcribe_rtf{model=${model}}`, value: Math.round((r.ms / r.durationMs) * 1000) / 1000, unit: 'x realtime',
            model, audio_s: AUDIO_S, chunks: r.chunks, chunk_s: 30, threads: 2, ms: r.ms, load_ms: first.loadMs,
          });
          emit(distribution(`worker.stt_chunk_ms{model=${model}}`, 'ms', chunkMs.slice(0, -1).length > 0 ? chunkMs.slice(0, -1) : chunkMs, { model, what: 'one full 30 s chunk (the last, shorter one left out)', threads: 2 }));
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    name: 'worker.stt_prepare_ms',
    async run(emit) {
      const minutes = 10;
      const bytes = wavBytes({ rate: 22050, channels: [voiced(minutes * 60, 22050)] });
      const samples: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t0 = performance.now();
        const wav = decodeWav(bytes);
        await resampleMono(wav.samples, wav.sampleRate, 16000);
        samples.push(performance.now() - t0);
      }
      emit(distribution('worker.stt_prepare_ms', 'ms', samples, { what: `decode + resample a ${minutes} min 22050 Hz 16-bit WAV to 16 kHz`, audio_s: minutes * 60 }));
    },
  },
];
