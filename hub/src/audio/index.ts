/**
 * What other parts use of audio/: the mute gate, the UDP ingest and its device streams, the template wake
 * detector with its enrolment, the front end (DSP → VAD → wake → segmenter) with the utterances it hands to
 * speech-to-text, and the WAV codec.
 */
export type { DeviceAudioChunk, MuteSource, MuteTransition } from './types.js';
export { MuteGate, type MuteAuditSink } from './mute-gate.js';
export { DeviceStream, DATAGRAM_RESULTS, STREAM_IDLE_MS, type DatagramResult, type DeviceStreamOptions, type DeviceStreamStats, type StreamGuardState } from './device-stream.js';
export { UdpIngest, type DeviceKeyLookup, type StreamGuardStore, type UdpIngestOptions } from './udp-ingest.js';
export { registerIngestMetrics, unregisteredIngestMetrics, type IngestMetrics } from './ingest-metrics.js';
export { DtwWakeDetector, DEFAULT_WAKE_THRESHOLD, type DtwWakeOptions, type WakeTemplate, type WakeDetection } from './wake/dtw-wake.js';
export { DEFAULT_ENROLL_VOICES, DEFAULT_WAKE_PHRASE, enrollWithEspeak } from './wake/enroll.js';
export { AudioFrontEnd, type AudioFrontEndOptions, type AudioFrontEndSinks, type FrontEndStatus, type FrontEndVad, type WakeEngineChoice } from './segmenter/front-end.js';
export type { Utterance, CommandPause, CommandTrigger, UtteranceEndReason } from './segmenter/utterance.js';
export { CommandDenoiser, DenoiseWorker, denoiseUtterance, loadCommandDenoiser } from './dsp/denoise.js';
export { encodeWav, decodeWav, parseWavPcm16, int16ToFloat, floatToInt16, type WavPcm16 } from './dsp/wav.js';
