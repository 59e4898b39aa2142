/**
 * Wyoming figures: `wyoming.stt_ms` is Home Assistant's wait from sending audio-stop to receiving the
 * transcript, measured by the TS peer over loopback TCP against the real server with the hub's command
 * recogniser, for 2 s commands (espeak-ng en-us clips of the fixture home's commands, padded with silence
 * to 2.0 s) at 16 kHz mono and at 44.1 kHz stereo. `engine` names the engine that answered. Also the
 * codec: ns to decode and to encode one 20 ms 16 kHz audio-chunk event.
 */
import { distribution, nsPerCall, type Benchmark } from './lib.js';
import { existsSync } from 'node:fs';
import { WyomingDecoder, audioChunkEvent, encodeWyomingEvent } from '@jarvis/protocol';
import { WyomingServer } from '../hub/src/wyoming/server.js';
import { DEFAULT_SPHINX_MODEL } from '../hub/src/stt/grammar/grammar-engine.js';
import { silentLogger } from '../hub/src/core/logger.js';
import { COMMAND_PHRASES, haveSpeechTools, loadPcm, speak } from '../hub/test/stt/fixtures.js';
import { haTranscribe } from '../hub/test/wyoming/peer.js';
import { grammarStt } from '../hub/test/wyoming/helpers.js';

const REPS = Number(process.env['JARVIS_BENCH_WYOMING_REPS'] ?? 3);

function padTo(pcm: Float32Array, seconds: number): Float32Array {
  const out = new Float32Array(Math.max(pcm.length, Math.round(seconds * 16000)));
  out.set(pcm);
  return out;
}

/** Wyoming benchmarks (`npm run bench -- wyoming.`). */
export const benchmarks: Benchmark[] = [
  {
    name: 'wyoming.codec',
    run(emit) {
      const ev = encodeWyomingEvent(audioChunkEvent({ rate: 16000, width: 2, channels: 1 }, new Uint8Array(640), 1234));
      const dec = new WyomingDecoder();
      emit(distribution('wyoming.codec.decode_chunk_ns', 'ns', nsPerCall(() => dec.push(ev)), { data: '20 ms 16 kHz audio-chunk event, 725 bytes' }));
      const chunk = audioChunkEvent({ rate: 16000, width: 2, channels: 1 }, new Uint8Array(640), 1234);
      emit(distribution('wyoming.codec.encode_chunk_ns', 'ns', nsPerCall(() => encodeWyomingEvent(chunk)), { data: '20 ms 16 kHz audio-chunk event' }));
    },
  },
  {
    name: 'wyoming.stt_ms',
    async run(emit) {
      if (!haveSpeechTools() || !existsSync(`${DEFAULT_SPHINX_MODEL}/en-us/mdef`)) {
        process.stderr.write('wyoming.stt_ms skipped: needs espeak-ng, sox and the PocketSphinx model\n');
        return;
      }
      const g = await grammarStt();
      const engines: string[] = [];
      const server = new WyomingServer({ port: 0, allow: ['127.0.0.0/8'], mdns: false, version: 'bench', stt: g.stt, logger: silentLogger(), onStt: (_ms, engine) => engines.push(engine) });
      await server.start();
      try {
        const clips = COMMAND_PHRASES.map((p) => padTo(loadPcm(speak(p)), 2.0));
        for (const [label, format] of [['16k-mono', { rate: 16000, width: 2, channels: 1 }], ['44k1-stereo', { rate: 44100, width: 2, channels: 2 }]] as const) {
          const ms: number[] = [];
          let correct = 0;
          await haTranscribe(server.port, clips[0]!, format).then((r) => r.client.end()); // warm-up
          for (let rep = 0; rep < REPS; rep++) {
            for (const [i, clip] of clips.entries()) {
              const r = await haTranscribe(server.port, clip, format);
              ms.push(performance.now() - r.stopAt);
              if (r.transcript.data['text'] === COMMAND_PHRASES[i]) correct++;
              r.client.end();
            }
          }
          emit(distribution(`wyoming.stt_ms.${label}`, 'ms', ms, {
            engine: [...new Set(engines)].join('+'),
            format: label,
            correct: `${correct}/${ms.length}`,
            data: `${COMMAND_PHRASES.length} espeak-ng en-us commands padded to >= 2.0 s, x${REPS}, loopback TCP, 2-core host`,
          }));
        }
      } finally {
        await server.stop();
        await g.stop();
      }
    },
  },
];
