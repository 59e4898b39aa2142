import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { ADAPTED_META_FILE, ADAPTED_MODEL_DIR } from '../hub/src/stt/acoustic/adapted-model.js';
import { WhisperModel, type WhisperPassResult } from '@jarvis/whisper';
import type { DeviceAudioChunk } from '../hub/src/audio/types.js';
import { speak, startVoiceHub, voiceSkipReason } from '../tests/e2e-voice-helpers.js';
import { voiceFixture, type VoiceFixture } from '../tests/fixtures/voice/index.js';
import { NOISES, type NoiseName } from '../tests/fixtures/audio/index.js';
import { distribution, type Benchmark } from './lib.js';
import { commandMatrix, renderItem, sideSources } from '../tests/fixtures/voice/matrix.js';

const N = Number(process.env['JARVIS_BENCH_HOTPATH_N'] ?? 50);
/**
 * `JARVIS_BENCH_HOTPATH_GRAMMAR_STREAM=off`: the hub decodes each command whole after its pause (config
 * `stt.streamCommands` false); `on` or unset: while it is spoken (the default), for a before/after in one tree.
 */
const STREAM_SWITCH = process.env['JARVIS_BENCH_HOTPATH_GRAMMAR_STREAM'];
const STREAM_ENV: Record<string, string> = STREAM_SWITCH === 'on' || STREAM_SWITCH === 'off' ? { JARVIS_STT_STREAM_COMMANDS: String(STREAM_SWITCH === 'on') } : {};

/**
 * `JARVIS_BENCH_HOTPATH_ACOUSTIC=DIR`: the hub runs with the household-adapted acoustic model DIR (made by
 * `npx tsx scripts/adapt-acoustic-model.ts ... --out DIR`), placed where a hub looks for it
 * (`$JARVIS_DATA_DIR/models/acoustic/en-us-adapted`), so its commands are heard as the hub hears them with it
 * (stt.commandAudio auto: RNNoise output). Unset: CMU's model, raw audio.
 */
const ACOUSTIC = process.env['JARVIS_BENCH_HOTPATH_ACOUSTIC'];
if (ACOUSTIC && !existsSync(join(ACOUSTIC, ADAPTED_META_FILE))) throw new Error(`JARVIS_BENCH_HOTPATH_ACOUSTIC: ${ACOUSTIC} holds no ${ADAPTED_META_FILE} (make one with scripts/adapt-acoustic-model.ts)`);
const placeAcoustic = (dataDir: string): void => {
  if (!ACOUSTIC) return;
  mkdirSync(join(dataDir, 'models', 'acoustic'), { recursive: true });
  symlinkSync(resolve(ACOUSTIC), join(dataDir, 'models', ADAPTED_MODEL_DIR));
};
/** whisper threads of the whisper-only runs, one block each in turn (`2,1` compares them in the same run). */
const WHISPER_THREADS = (process.env['JARVIS_BENCH_HOTPATH_WHISPER_THREADS'] ?? '').split(',').filter((t) => t !== '').map(Number);
/**
 * Background noise under the spoken commands of the `auto`/`whisper` runs, `KIND:SNR` (e.g. `pink:15`); unset: clean
 * speech between digital silence. With a noise floor the endpoint's tail walk keeps less after the pause, so
 * more of the passes begun at a pause are used (the `prePass` counts say how many).
 */
const NOISE = ((): { noise: NoiseName; snrDb: number } | undefined => {
  const spec = process.env['JARVIS_BENCH_HOTPATH_NOISE'];
  if (!spec) return undefined;
  const [kind, snr] = spec.split(':');
  if (!(NOISES as readonly string[]).includes(kind ?? '') || !Number.isFinite(Number(snr))) throw new Error(`JARVIS_BENCH_HOTPATH_NOISE: "${spec}" is not KIND:SNR with KIND one of ${NOISES.join(', ')}`);
  return { noise: kind as NoiseName, snrDb: Number(snr) };
})();
/**
 * `stt.prePass` of the whisper-only runs (`on,off` measures both, in turn within each threads block): whisper's pass
 * starts at the command's first pause, or only after the endpoint. Unset: the hub's default (on).
 */
const WHISPER_PREPASS = (process.env['JARVIS_BENCH_HOTPATH_PREPASS'] ?? '').split(',').filter((t) => t !== '').map((t) => {
  if (t !== 'on' && t !== 'off') throw new Error(`JARVIS_BENCH_HOTPATH_PREPASS: "${t}" is neither on nor off`);
  return t === 'on';
});

/** What the hub's whisper passes did, recorded by wrapping `WhisperModel.pass` for the length of a run. */
interface PassRecord {
  startedAt: number;
  samples: number;
  audioCtx: number;
  threads: number;
  wallMs: number;
  result?: WhisperPassResult;
}

function recordWhisperPasses(): { passes: PassRecord[]; stop: () => void } {
  const passes: PassRecord[] = [];
  const original = WhisperModel.prototype.pass;
  WhisperModel.prototype.pass = function (this: WhisperModel, pcm, params = {}, options = {}) {
    const rec: PassRecord = { startedAt: Date.now(), samples: pcm.length, audioCtx: params.audioCtx ?? 0, threads: params.threads ?? 2, wallMs: NaN };
    passes.push(rec);
    const t0 = performance.now();
    const out = original.call(this, pcm, params, options);
    out.then((r) => { rec.wallMs = performance.now() - t0; rec.result = r; }, () => { rec.wallMs = performance.now() - t0; });
    return out;
  };
  return { passes, stop: () => { WhisperModel.prototype.pass = original; } };
}

/**
 * `hotpath.e2e_ms{engine}`: a wearable simulator streams spoken commands in real time over UDP (PTT over MQTT)
 * to a hub with every part, against the HA simulator. Measured from the capture time of the last voiced sample
 * of the command (the fixture knows where speech ends; the stream's start is read from the hub's first chunk,
 * whose receive time minus its sample offset is when the simulator sent sample 0) to the HA simulator receiving
 * the service call — so the end-of-speech hangover, DSP, STT, routing and the websocket hop all count.
 * One device, utterances one after another (a parallel stream would measure queueing, not the hot path).
 */
async function measure(engine: 'auto' | 'whisper', emit: Parameters<Benchmark['run']>[0], threads?: number, prePass?: boolean): Promise<void> {
  const t = await startVoiceHub({ env: {
    ...STREAM_ENV, JARVIS_STT_ENGINE: engine, ...(threads ? { JARVIS_STT_THREADS: String(threads) } : {}), ...(prePass !== undefined ? { JARVIS_STT_PRE_PASS: String(prePass) } : {}),
  }, prepareDataDir: placeAcoustic });
  const recorder = engine === 'whisper' ? recordWhisperPasses() : undefined;
  // The box's 1-minute load when the block starts and ends: latencies under load are upper bounds.
  const load1 = [Math.round(loadavg()[0]! * 100) / 100];
  try {
    const device = await t.device('bench-puck', 'Kitchen');
    const ctx = t.hub.parts;
    const prePassOn = ctx.voice!.pipeline.status().prePass.enabled;
    // The hub must run what the block is named for (stt.prePass reaches the pipeline through hub/src/main.ts).
    if (prePass !== undefined && prePassOn !== prePass) throw new Error(`hotpath: asked for stt.prePass ${prePass}, the hub's pipeline runs ${prePassOn}`);
    const runs = ctx.voice!.runs;
    const fixtures: VoiceFixture[] = ['turn on the kitchen lights', 'turn off the kitchen lights'].map((text) => voiceFixture({ text, leadMs: 400, tailMs: 900, ...NOISE }));
    let streamStart = Infinity;
    const stop = ctx.ingest.onAudio((c: DeviceAudioChunk) => {
      if (c.deviceId === device.bundle.deviceId) streamStart = Math.min(streamStart, c.receivedAt - (c.timestamp * 1000) / c.sampleRate);
    });
    const e2e: number[] = [];
    const stt: number[] = [];
    // Where the time goes (ms): last voiced sample → utterance handed to STT (jitter buffer, DSP, the pause and
    // the grammar's decode on it when the command ends early, else the hangover), STT (≈0 when the pause's
    // decode is reused), router decision, decision → HA simulator receiving the call.
    const parts: Record<'endpoint' | 'stt' | 'router' | 'ha', number[]> = { endpoint: [], stt: [], router: [], ha: [] };
    // Inside the whisper step (whisper runs only): stt-start → pass start (scheduler and engine queues; negative when
    // the pass began at the command's last pause), the
    // log-mel spectrogram, the encoder plus the prompt's batch decode (up to the first sampled token), the rest
    // of the decode, pass end → stt-end (libuv pool and event loop); and what the pass was given.
    const inside: Record<'queue' | 'mel' | 'encoderAndPrompt' | 'decodeRest' | 'handBack' | 'audioMs' | 'audioCtx' | 'promptTokens' | 'sampled' | 'encodes' | 'passes', number[]> = {
      queue: [], mel: [], encoderAndPrompt: [], decodeRest: [], handBack: [], audioMs: [], audioCtx: [], promptTokens: [], sampled: [], encodes: [], passes: [],
    };
    let missed = 0;
    const grammarStreaming = engine === 'auto' && t.hub.config.stt.streamCommands;
    const byStream: Record<'stood' | 'redone', number[]> = { stood: [], redone: [] };
    const rejected: Record<string, number> = {};
    // How utterances ended: `complete-command` (the grammar heard a whole command on the first pause) or `silence` (hangover).
    const endedBy: Record<string, number> = {};
    for (let i = 0; i < N + 2; i++) {
      const fx = fixtures[i % 2]!;
      streamStart = Infinity;
      const before = t.ha!.serviceCalls.length;
      const redoneBefore = ctx.voice!.pipeline.status().grammarStream?.engine?.redone ?? 0;
      await speak(t, device, fx, { speed: 1 });
      const redone = (ctx.voice!.pipeline.status().grammarStream?.engine?.redone ?? 0) > redoneBefore;
      const lastVoiced = streamStart + fx.speechEndMs;
      const run = runs.list({ deviceId: device.bundle.deviceId, limit: 1 })[0];
      const at = (type: string): number | undefined => run?.events.find((e) => e.type === type)?.at;
      const sttStart = at('stt-start');
      const sttEnd = at('stt-end');
      // The command's pass: the last one that finished, started after stt-start or before it at the command's
      // last pause (a pass begun there is reused when nothing more was said; `queue` is then negative).
      const pass = recorder?.passes.filter((p) => p.result !== undefined && p.result.segments !== undefined).at(-1);
      const passCount = recorder?.passes.length ?? 0; // every pass started for this utterance, cancelled ones too
      if (recorder) recorder.passes.length = 0;
      if (i < 2) continue; // warm-up: first decodes fill caches
      const st = pass?.result?.stages;
      if (pass && st && sttStart !== undefined && sttEnd !== undefined) {
        const native = pass.result!.nativeMs;
        inside.queue.push(pass.startedAt - sttStart);
        inside.mel.push(st.encodeBeginMs);
        inside.encoderAndPrompt.push(st.firstTokenMs - st.encodeBeginMs);
        inside.decodeRest.push(native - st.firstTokenMs);
        inside.handBack.push(sttEnd - pass.startedAt - native);
        inside.audioMs.push(pass.samples / 16);
        inside.audioCtx.push(pass.audioCtx);
        inside.promptTokens.push(st.promptTokens);
        inside.sampled.push(st.sampled);
        inside.encodes.push(st.encodes);
        inside.passes.push(passCount);
      }
      if (sttStart !== undefined && sttEnd !== undefined) stt.push(sttEnd - sttStart);
      const why = String(run?.events.find((e) => e.type === 'stt-end')?.data?.['rejected'] ?? 'none');
      rejected[why] = (rejected[why] ?? 0) + 1;
      const ended = String(run?.events.find((e) => e.type === 'speech-end')?.data?.['reason'] ?? 'none');
      endedBy[ended] = (endedBy[ended] ?? 0) + 1;
      const call = t.ha!.serviceCalls[before];
      const intentStart = at('intent-start');
      const intentEnd = at('intent-end');
      if (sttStart !== undefined) parts.endpoint.push(sttStart - lastVoiced);
      if (sttStart !== undefined && sttEnd !== undefined) parts.stt.push(sttEnd - sttStart);
      if (intentStart !== undefined && intentEnd !== undefined) parts.router.push(intentEnd - intentStart);
      if (call && intentEnd !== undefined) parts.ha.push(call.at - intentEnd);
      // The whisper test model has no weights and hears nothing, so no call can follow: time to its transcript.
      if (engine === 'whisper') {
        if (sttEnd !== undefined) e2e.push(sttEnd - lastVoiced);
        else missed++;
      } else if (call) {
        e2e.push(call.at - lastVoiced);
        // Streamed commands: the answer that stood, and the one decoded again whole.
        if (grammarStreaming) (redone ? byStream.redone : byStream.stood).push(call.at - lastVoiced);
      } else missed++;
    }
    stop();
    load1.push(Math.round(loadavg()[0]! * 100) / 100);
    const grammarStream = ctx.voice!.pipeline.status().grammarStream;
    const common = { engine, utterances: N, load1, ...(grammarStream ? { grammarStream } : {}), ...(NOISE ? { noise: `${NOISE.noise} ${NOISE.snrDb} dB` } : {}), missed, realtime: true, devices: 1, hangoverMs: t.hub.config.audio.hangoverMs, earlyEndPauseMs: t.hub.config.audio.earlyEndPauseMs, endedBy, sttRejected: rejected, stt_ms_p50: distribution('x', 'ms', stt.length > 0 ? stt : [0]).p50,
      breakdown_ms_p50: Object.fromEntries(Object.entries(parts).filter(([, v]) => v.length > 0).map(([k, v]) => [k, distribution('x', 'ms', v).p50])),
      ...(grammarStreaming ? { e2e_ms_by_stream: Object.fromEntries(Object.entries(byStream).filter(([, v]) => v.length > 0).map(([k, v]) => [k, { n: v.length, p50: distribution('x', 'ms', v).p50, p95: distribution('x', 'ms', v).p95 }])) } : {}),
      ...(recorder ? {
        threads: t.hub.config.stt.threads,
        // Passes begun at a pause: started, used as the command's answer, cancelled (speech went on, audio not heard).
        prePass: { ...ctx.voice!.pipeline.status().prePass },
        whisper_ms_p50: Object.fromEntries(Object.entries(inside).filter(([, v]) => v.length > 0).map(([k, v]) => [k, distribution('x', 'ms', v).p50])),
      } : {}) };
    const figure = distribution('x', 'ms', e2e.length > 0 ? e2e : [NaN]);
    // One line a person reads (the JSON line has the rest): the figures issue 17 decides stt.threads and stt.prePass by.
    process.stderr.write(`hotpath ${engine}${recorder ? ` threads=${t.hub.config.stt.threads} prePass=${prePassOn ? 'on' : 'off'}` : ''}: end of speech -> ${engine === 'whisper' ? 'transcript' : 'HA call'} p50 ${figure.p50} ms, p95 ${figure.p95} ms (n ${figure.n}, missed ${missed}; 1-min load ${load1.join(' -> ')})\n`);
    emit(distribution('hotpath.e2e_ms', 'ms', e2e.length > 0 ? e2e : [NaN], engine === 'whisper'
      ? { ...common, model: 'for-tests-ggml-tiny.en.bin (tiny.en shapes, no weights)', until: 'stt-end', note: 'the weightless test model yields no text, so the figure ends at the transcript (whisper done) instead of the HA call; routing adds commands.http_ms-level time' }
      : { ...common, until: 'ha-call-received' }));
  } finally {
    recorder?.stop();
    await t.close();
  }
}

/** Intents that end in a Home Assistant service call (what the hot path is timed to). */
const CALLING_INTENTS = new Set(['HassTurnOn', 'HassTurnOff', 'HassToggle', 'HassLightSet', 'HassClimateSetTemperature', 'HassSetPosition', 'HassSetVolume',
  'HassMediaPause', 'HassMediaUnpause', 'HassMediaNext', 'HassMediaPrevious', 'HassMediaPlayerMute', 'HassMediaPlayerUnmute', 'HassFanSetSpeed', 'HassVacuumStart',
  'HassVacuumReturnToBase', 'HassLawnMowerStartMowing', 'HassLawnMowerDock', 'HassSetVolumeRelative']);

/**
 * `hotpath.e2e_ms{set=test-half}`: the same measurement over the voice split's TEST half: test-b's commands
 * that end in a service call (closed vocabulary), clean, each in its seeded test-half voice and speed, spoken
 * from a device in the annotated area (else the first area) of home-b, one after another. Timed only where
 * an HA call follows; the rest are counted as `missed` (declined by the recogniser, or a different action).
 */
async function measureTestHalf(emit: Parameters<Benchmark['run']>[0]): Promise<void> {
  const home = sideSources('test').home;
  const items = commandMatrix('test', { noisyPerSentence: 0 }).filter((i) => !i.openVocabulary && CALLING_INTENTS.has(i.sentence.intent ?? '')).slice(0, N);
  const t = await startVoiceHub({ home, env: STREAM_ENV, prepareDataDir: placeAcoustic });
  const ha = t.ha!;
  try {
    const ctx = t.hub.parts;
    const devices = new Map<string, Awaited<ReturnType<typeof t.device>>>();
    const e2e: number[] = [];
    // Every utterance, called or not (only a few reach a call while recognition is weak): last voiced sample →
    // stt-end (the transcript, accepted or declined), and where it went: → stt-start (endpoint; the pause's decode
    // when the command ended early) and stt-start → stt-end.
    const toTranscript: number[] = [];
    const parts: Record<'endpoint' | 'stt', number[]> = { endpoint: [], stt: [] };
    const load1 = [Math.round(loadavg()[0]! * 100) / 100];
    let missed = 0;
    const endedBy: Record<string, number> = {};
    for (const item of items) {
      const area = item.sentence.device_area ?? 'Kitchen';
      let device = devices.get(area);
      if (!device) {
        device = await t.device(`bench-${devices.size}`, area);
        devices.set(area, device);
      }
      const audio = renderItem(item, { leadMs: 400, tailMs: 900 });
      const fx: VoiceFixture = { name: item.id, ...audio };
      let streamStart = Infinity;
      const stop = ctx.ingest.onAudio((c: DeviceAudioChunk) => {
        if (c.deviceId === device.bundle.deviceId) streamStart = Math.min(streamStart, c.receivedAt - (c.timestamp * 1000) / c.sampleRate);
      });
      const before = ha.serviceCalls.length;
      await speak(t, device, fx, { speed: 1 });
      stop();
      const run = ctx.voice!.runs.list({ deviceId: device.bundle.deviceId, limit: 1 })[0];
      const ended = String(run?.events.find((e) => e.type === 'speech-end')?.data?.['reason'] ?? 'none');
      endedBy[ended] = (endedBy[ended] ?? 0) + 1;
      const call = ha.serviceCalls[before];
      const lastVoiced = streamStart + fx.speechEndMs;
      if (call) e2e.push(call.at - lastVoiced);
      else missed++;
      const at = (type: string): number | undefined => run?.events.find((e) => e.type === type)?.at;
      const sttStart = at('stt-start');
      const sttEnd = at('stt-end');
      if (sttEnd !== undefined) toTranscript.push(sttEnd - lastVoiced);
      if (sttStart !== undefined) parts.endpoint.push(sttStart - lastVoiced);
      if (sttStart !== undefined && sttEnd !== undefined) parts.stt.push(sttEnd - sttStart);
    }
    load1.push(Math.round(loadavg()[0]! * 100) / 100);
    const data = `${sideSources('test').sentences.replace(/.*tests\/fixtures\//, '')} commands ending in a service call, home-b, test-half voices, clean`;
    const p50s = Object.fromEntries(Object.entries(parts).filter(([, v]) => v.length > 0).map(([k, v]) => [k, distribution('x', 'ms', v).p50]));
    const grammarStream = ctx.voice!.pipeline.status().grammarStream;
    const heard = { acoustic: ACOUSTIC ? 'household-adapted (JARVIS_BENCH_HOTPATH_ACOUSTIC)' : 'CMU en-us', grammarAudio: ctx.voice!.pipeline.status().grammarAudio };
    const common = { set: 'test-half', data, utterances: items.length, endedBy, realtime: true, load1, ...heard, breakdown_ms_p50: p50s, ...(grammarStream ? { grammarStream } : {}) };
    const figure = distribution('x', 'ms', e2e.length > 0 ? e2e : [NaN]);
    const transcript = distribution('x', 'ms', toTranscript.length > 0 ? toTranscript : [NaN]);
    process.stderr.write(`hotpath test-half: end of speech -> HA call p50 ${figure.p50} ms, p95 ${figure.p95} ms (n ${figure.n}, missed ${missed}); -> transcript p50 ${transcript.p50} ms, p95 ${transcript.p95} ms (n ${transcript.n}); 1-min load ${load1.join(' -> ')}\n`);
    emit(distribution('hotpath.e2e_ms', 'ms', e2e.length > 0 ? e2e : [NaN], { ...common, timed: e2e.length, missed, until: 'ha-call-received' }));
    emit(distribution('hotpath.transcript_ms', 'ms', toTranscript.length > 0 ? toTranscript : [NaN], { ...common, until: 'stt-end', note: 'every utterance, whether or not a call followed' }));
  } finally {
    await t.close();
  }
}

export const benchmarks: Benchmark[] = [
  {
    name: 'hotpath.',
    async run(emit) {
      const skip = voiceSkipReason();
      if (skip) {
        console.error(`hotpath.e2e_ms skipped: ${skip}`);
        return;
      }
      // JARVIS_BENCH_HOTPATH_SET: test-half (only that), whisper (only the whisper runs), auto (only the grammar's two
      // kitchen commands), unset (all).
      const set = process.env['JARVIS_BENCH_HOTPATH_SET'];
      if (set === 'auto') return measure('auto', emit);
      if (set !== 'test-half') {
        if (set !== 'whisper') await measure('auto', emit);
        const prePasses = WHISPER_PREPASS.length > 0 ? WHISPER_PREPASS : [undefined];
        for (const threads of WHISPER_THREADS.length > 0 ? WHISPER_THREADS : [undefined]) {
          for (const prePass of prePasses) await measure('whisper', emit, threads, prePass);
        }
      }
      if (set !== 'whisper') await measureTestHalf(emit);
    },
  },
];
