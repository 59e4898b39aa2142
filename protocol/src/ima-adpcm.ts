/**
 * IMA-ADPCM (SPEC.md §3.3): 4 bits per sample, mono, one self-contained block per datagram. The block
 * header carries the decoder state, so a lost datagram never desynchronises the decoder. [UDP-3.3]
 */
import { ADPCM_BLOCK_HEADER_BYTES, ADPCM_MAX_STEP_INDEX } from './constants.js';
import { ProtocolError } from './errors.js';

/** The standard IMA step-size table (89 entries). [UDP-3.4] */
export const IMA_STEP_TABLE: readonly number[] = Object.freeze([
  7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 19, 21, 23, 25, 28, 31, 34, 37, 41, 45, 50, 55, 60, 66, 73, 80, 88, 97, 107,
  118, 130, 143, 157, 173, 190, 209, 230, 253, 279, 307, 337, 371, 408, 449, 494, 544, 598, 658, 724, 796, 876, 963,
  1060, 1166, 1282, 1411, 1552, 1707, 1878, 2066, 2272, 2499, 2749, 3024, 3327, 3660, 4026, 4428, 4871, 5358, 5894,
  6484, 7132, 7845, 8630, 9493, 10442, 11487, 12635, 13899, 15289, 16818, 18500, 20350, 22385, 24623, 27086, 29794,
  32767,
]);

/** The standard IMA step-index adjustment per 4-bit code (sign bit ignored). [UDP-3.4] */
export const IMA_INDEX_TABLE: readonly number[] = Object.freeze([-1, -1, -1, -1, 2, 4, 6, 8, -1, -1, -1, -1, 2, 4, 6, 8]);

// Typed copies for the hot loops; the frozen arrays above are the documented form.
const STEPS = Int32Array.from(IMA_STEP_TABLE);
const INDEX_ADJUST = Int32Array.from(IMA_INDEX_TABLE);

/** ADPCM codec state: the predicted sample and the step index. */
export interface AdpcmState {
  /** Predicted sample value, an int16. */
  predictor: number;
  /** Index into `IMA_STEP_TABLE`, 0..88. */
  stepIndex: number;
}

/** Number of samples an IMA-ADPCM payload of `payloadBytes` bytes decodes to. [UDP-3.5] */
export function imaAdpcmSampleCount(payloadBytes: number): number {
  return Math.max(0, (payloadBytes - ADPCM_BLOCK_HEADER_BYTES) * 2);
}

function checkState(state: AdpcmState): void {
  const { predictor, stepIndex } = state;
  if (!Number.isInteger(predictor) || predictor < -32768 || predictor > 32767) {
    throw new ProtocolError('JARVIS_PROTO_BAD_ADPCM', `predictor ${String(predictor)} is not an int16`);
  }
  if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex > ADPCM_MAX_STEP_INDEX) {
    throw new ProtocolError('JARVIS_PROTO_BAD_ADPCM', `step index ${String(stepIndex)} is outside 0..${ADPCM_MAX_STEP_INDEX}`);
  }
}

/**
 * Encodes an even, non-zero number of samples into one block: header with `state` (the state before the
 * first sample, default predictor 0 and step index 0), then codes two per byte, low nibble first. Returns
 * the end state, which the sender passes as `state` for the next frame so quality carries over. [UDP-3.6]
 */
export function encodeImaAdpcm(
  samples: Int16Array,
  state: AdpcmState = { predictor: 0, stepIndex: 0 },
): { payload: Uint8Array; state: AdpcmState } {
  if (samples.length === 0 || samples.length % 2 !== 0) {
    throw new ProtocolError(
      'JARVIS_PROTO_BAD_LENGTH',
      `IMA-ADPCM needs an even, non-zero number of samples, got ${samples.length}`,
    );
  }
  checkState(state);
  const payload = new Uint8Array(ADPCM_BLOCK_HEADER_BYTES + samples.length / 2);
  payload[0] = state.predictor & 0xff;
  payload[1] = (state.predictor >> 8) & 0xff;
  payload[2] = state.stepIndex;
  payload[3] = 0;

  let predictor = state.predictor;
  let index = state.stepIndex;
  for (let i = 0; i < samples.length; i++) {
    let step = STEPS[index] as number;
    let delta = (samples[i] as number) - predictor;
    let code = 0;
    if (delta < 0) {
      code = 8;
      delta = -delta;
    }
    // The diff is built exactly as the decoder rebuilds it, so encoder and decoder predictors never drift.
    let diff = step >> 3;
    if (delta >= step) {
      code |= 4;
      delta -= step;
      diff += step;
    }
    step >>= 1;
    if (delta >= step) {
      code |= 2;
      delta -= step;
      diff += step;
    }
    step >>= 1;
    if (delta >= step) {
      code |= 1;
      diff += step;
    }
    predictor = code & 8 ? predictor - diff : predictor + diff;
    if (predictor > 32767) predictor = 32767;
    else if (predictor < -32768) predictor = -32768;
    index += INDEX_ADJUST[code] as number;
    if (index < 0) index = 0;
    else if (index > ADPCM_MAX_STEP_INDEX) index = ADPCM_MAX_STEP_INDEX;

    const at = ADPCM_BLOCK_HEADER_BYTES + (i >> 1);
    if (i & 1) payload[at] = (payload[at] as number) | (code << 4);
    else payload[at] = code;
  }
  return { payload, state: { predictor, stepIndex: index } };
}

/**
 * Checks an IMA-ADPCM block header and length without decoding; `base` is the block's offset in the
 * datagram so messages point at the right byte. Shared with the datagram decoder. [UDP-3.5]
 */
export function checkImaAdpcmBlock(payload: Uint8Array, base = 0): void {
  if (payload.length <= ADPCM_BLOCK_HEADER_BYTES) {
    throw new ProtocolError(
      'JARVIS_PROTO_BAD_ADPCM',
      `IMA-ADPCM block of ${payload.length} bytes at byte ${base} needs a ${ADPCM_BLOCK_HEADER_BYTES}-byte header and at least one data byte`,
    );
  }
  const stepIndex = payload[2] as number;
  if (stepIndex > ADPCM_MAX_STEP_INDEX) {
    throw new ProtocolError(
      'JARVIS_PROTO_BAD_ADPCM',
      `IMA-ADPCM step index ${stepIndex} at byte ${base + 2} is outside 0..${ADPCM_MAX_STEP_INDEX}`,
    );
  }
  if (payload[3] !== 0) {
    throw new ProtocolError('JARVIS_PROTO_BAD_ADPCM', `IMA-ADPCM reserved byte at byte ${base + 3} is ${payload[3]}, must be 0`);
  }
}

/** Decodes one IMA-ADPCM block (header + codes) to int16 samples; throws `JARVIS_PROTO_BAD_ADPCM` on a bad header. [UDP-3.6] */
export function decodeImaAdpcm(payload: Uint8Array): Int16Array {
  checkImaAdpcmBlock(payload);
  let predictor = ((payload[0] as number) | ((payload[1] as number) << 8)) << 16 >> 16;
  let index = payload[2] as number;
  const out = new Int16Array((payload.length - ADPCM_BLOCK_HEADER_BYTES) * 2);
  for (let i = 0; i < out.length; i++) {
    const byte = payload[ADPCM_BLOCK_HEADER_BYTES + (i >> 1)] as number;
    const code = i & 1 ? byte >> 4 : byte & 0x0f;
    const step = STEPS[index] as number;
    let diff = step >> 3;
    if (code & 4) diff += step;
    if (code & 2) diff += step >> 1;
    if (code & 1) diff += step >> 2;
    predictor = code & 8 ? predictor - diff : predictor + diff;
    if (predictor > 32767) predictor = 32767;
    else if (predictor < -32768) predictor = -32768;
    out[i] = predictor;
    index += INDEX_ADJUST[code] as number;
    if (index < 0) index = 0;
    else if (index > ADPCM_MAX_STEP_INDEX) index = ADPCM_MAX_STEP_INDEX;
  }
  return out;
}
