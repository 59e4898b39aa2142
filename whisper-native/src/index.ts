/** @jarvis/whisper: whisper.cpp 1.9.3 built for this CPU and a typed wrapper, shared by the hub and the worker. */
export { WHISPER_ERROR_CODES, WhisperError, type WhisperErrorCode } from './errors.js';
export {
  loadWhisperAddon, whisperAddonPath,
  type NativeModel, type NativePassResult, type NativePassStages, type NativeSegment, type NativeSpan, type NativeVad, type WhisperAddon,
} from './addon.js';
export {
  WHISPER_FULL_AUDIO_CTX, WHISPER_SAMPLE_RATE, WHISPER_WINDOW_SECONDS, WhisperModel, checkWhisperGrammar,
  type WhisperParams, type WhisperPassOptions, type WhisperPassResult, type WhisperSegment, type WhisperVadParams,
} from './model.js';
export { WhisperVad, type WhisperVadDetectParams, type WhisperVadSpan } from './vad.js';
export { whisperBuildInfo, whisperBuildSummary, type WhisperBuildInfo } from './build-info.js';
