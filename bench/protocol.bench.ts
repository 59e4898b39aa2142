/**
 * Protocol codec costs per 20 ms frame at 16 kHz (320 samples): what the hub pays per datagram on
 * receipt and what a sender pays per frame. Figures are ns per frame, p50/p95/p99 over batches.
 */
import {
  Codec,
  decodeAudioFrame,
  decodeImaAdpcm,
  encodeImaAdpcm,
  encodePcm16,
  encodeSignedAudioFrame,
  peekDeviceId,
  verifyAudioFrame,
  type AudioFrameInput,
} from '@jarvis/protocol';
import { audioFrameFixture } from '../protocol/test/helpers.js';
import { distribution, nsPerCall, type Benchmark } from './lib.js';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const SAMPLES = Int16Array.from({ length: 320 }, (_, i) => Math.round(9000 * Math.sin((2 * Math.PI * 440 * i) / 16000)));
const frame: AudioFrameInput = audioFrameFixture(encodePcm16(SAMPLES));
const adpcmPayload = encodeImaAdpcm(SAMPLES).payload;
const keys = new Map([[42, KEY]]);
const extra = { frame: '20ms@16kHz', samples: 320 };

/** Everything the hub does with a datagram before DSP: peek id, look up key, verify tag, decode structure. */
function receive(datagram: Uint8Array): void {
  const key = keys.get(peekDeviceId(datagram));
  if (!key) throw new Error('unknown device');
  verifyAudioFrame(datagram, key);
  decodeAudioFrame(datagram);
}

/** Protocol codec benchmarks (`npm run bench -- protocol.`). */
export const benchmarks: Benchmark[] = [
  {
    name: 'protocol.',
    run(emit) {
      const pcm = encodeSignedAudioFrame(frame, KEY);
      const adpcm = encodeSignedAudioFrame({ ...frame, codec: Codec.IMA_ADPCM, payload: adpcmPayload }, KEY);
      emit(distribution('protocol.decode_verify_ns_per_frame', 'ns', nsPerCall(() => receive(pcm), { batch: 200 }), { ...extra, codec: 'pcm16', bytes: pcm.length }));
      emit(distribution('protocol.decode_verify_adpcm_ns_per_frame', 'ns', nsPerCall(() => receive(adpcm), { batch: 200 }), { ...extra, codec: 'ima-adpcm', bytes: adpcm.length }));
      emit(distribution('protocol.adpcm_encode_ns_per_frame', 'ns', nsPerCall(() => encodeImaAdpcm(SAMPLES), { batch: 200 }), extra));
      emit(distribution('protocol.adpcm_decode_ns_per_frame', 'ns', nsPerCall(() => decodeImaAdpcm(adpcmPayload), { batch: 200 }), extra));
      emit(distribution('protocol.encode_sign_ns_per_frame', 'ns', nsPerCall(() => encodeSignedAudioFrame(frame, KEY), { batch: 200 }), { ...extra, codec: 'pcm16' }));
    },
  },
];
