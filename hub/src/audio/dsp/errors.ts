import { CodedError, type ErrorFault } from '../../core/index.js';

/** Stable codes of the audio front end's errors (CONVENTIONS.md 7). */
export const AUDIO_ERROR_CODES = {
  JARVIS_AUDIO_BAD_WAV: 'a WAV file or buffer is not 16-bit PCM RIFF/WAVE, or is truncated',
  JARVIS_AUDIO_BAD_RATE: 'a sample rate is not one the DSP chain supports',
  JARVIS_AUDIO_BAD_FRAME: 'a frame handed to a DSP stage has the wrong rate or length',
  JARVIS_AUDIO_NOT_READY: 'a stage was used before its WebAssembly module finished loading',
  JARVIS_AUDIO_BAD_CONFIG: 'a front-end option (hangover, pre-roll, window, threshold) is out of range',
  JARVIS_WAKE_ENROLL_FAILED: 'wake templates could not be synthesised (espeak-ng missing or failed)',
  JARVIS_WAKE_BAD_TEMPLATE: 'a wake template is empty or its features have the wrong shape',
  JARVIS_AUDIO_MODEL_LOAD: 'onnxruntime-node or a trained audio model (openWakeWord, Silero VAD) could not be loaded, or the file is not the model expected',
  JARVIS_AUDIO_DENOISE_FAILED: 'the denoise thread failed, exited or was closed before a passive utterance was denoised (the utterance goes on undenoised)',
  JARVIS_AUDIO_INFERENCE_FAILED: 'a model run failed on an inference thread (bad input), or the thread died twice under the same batch (its wake steps or VAD windows go unscored)',
} as const;

/** One of the audio front end's error codes. */
export type AudioErrorCode = keyof typeof AUDIO_ERROR_CODES;

/** Whose fault each code is (core/errors.ts). */
const AUDIO_ERROR_FAULTS: Record<AudioErrorCode, ErrorFault> = {
  JARVIS_AUDIO_BAD_WAV: 'input',
  JARVIS_AUDIO_BAD_RATE: 'input',
  JARVIS_AUDIO_BAD_FRAME: 'input',
  JARVIS_AUDIO_NOT_READY: 'internal',
  JARVIS_AUDIO_BAD_CONFIG: 'config',
  JARVIS_WAKE_ENROLL_FAILED: 'upstream',
  JARVIS_WAKE_BAD_TEMPLATE: 'input',
  JARVIS_AUDIO_MODEL_LOAD: 'upstream',
  JARVIS_AUDIO_DENOISE_FAILED: 'internal',
  JARVIS_AUDIO_INFERENCE_FAILED: 'internal',
};

/** An error of the audio front end, with a stable code; the message says what and where. */
export class AudioError extends CodedError<AudioErrorCode> {
  readonly fault: ErrorFault;
  constructor(code: AudioErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = 'AudioError';
    this.fault = AUDIO_ERROR_FAULTS[code];
  }
}
